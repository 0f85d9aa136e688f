"""Fixtures for the page tests: a circulated decision, a case released to Kazakhstan alone."""

import pytest


@pytest.fixture
def decision(secretariat, kz_case):
    """A written-procedure deployment decision on the test case, circulated now."""
    from crisisdesk.decisions.actions import decision_circulate

    return decision_circulate(case=kz_case, user=secretariat, procedure="council-decision", purpose="deployment",
                              mode="written", facts={"purpose_ru": "охрана объектов",
                                                     "purpose_en": "guard important objects"})


@pytest.fixture
def kz_only_case(org, alice):
    """A case released to Kazakhstan only: other states' delegates must not learn it exists."""
    from crisisdesk.cases.actions import case_appeal

    return case_appeal(user=alice, member="KZ", title_en="Restricted case", title_ru="Закрытое дело",
                       ref="kz-only", released_to=["KZ"])


@pytest.fixture
def login(client):
    """Log a user into the test client and return it."""

    def as_user(user):
        client.force_login(user)
        return client

    return as_user
