"""The shell's pages under every role of the access matrix (crisisdesk/accounts/matrix.py).

These are the rows the pages need in that table; this test keeps them true until they are there.
"""

import pytest

from crisisdesk.accounts.matrix import ANY_POST, ROLES, SEES_CASE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("jan2022")]

PEOPLE = {"owner": "alice", "released": "bob", "unreleased": "charlie", "secretariat": "secretariat",
          "duty_officer": "duty_officer", "force_command": "force_command", "analyst": "analyst",
          "outsider": "outsider", "anonymous": None}
PAGES = [
    ("/", ANY_POST | {"outsider"}),
    ("/preferences/", ANY_POST | {"outsider"}),
    ("/cases/{ref}/", SEES_CASE),
    ("/cases/{ref}/history/", SEES_CASE),
    ("/cases/{ref}/decisions/{decision_id}/status/", SEES_CASE),
    ("/cases/{ref}/decisions/{decision_id}/history/", SEES_CASE),
    ("/history/decision:{decision_id}/", SEES_CASE),
    ("/history/case:{ref}/", SEES_CASE),
]


@pytest.fixture
def world(org):
    from crisisdesk.cases.actions import case_appeal
    from crisisdesk.decisions.actions import decision_circulate

    people = org["people"]
    case = case_appeal(user=people["alice"], member="KZ", title_en="Matrix", title_ru="Матрица",
                       ref="matrix-case", released_to=["KZ", "RU"])
    decision = decision_circulate(case=case, user=people["secretariat"], procedure="council-decision",
                                  purpose="deployment", text="Matrix text")
    return {"people": people, "params": {"ref": case.ref, "decision_id": decision.pk}}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path,allow", PAGES, ids=[p for p, _ in PAGES])
def test_page_access(client, world, path, allow, role):
    if PEOPLE[role]:
        client.force_login(world["people"][PEOPLE[role]])
    response = client.get(path.format(**world["params"]))
    if role in allow:
        assert response.status_code == 200, (role, response.status_code)
    elif role == "anonymous":
        assert response.status_code == 302 and "/login/" in response["Location"]
    else:
        assert response.status_code in (401, 403, 404), (role, response.status_code)
