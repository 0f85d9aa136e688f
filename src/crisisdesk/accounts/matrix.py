"""Who may do what: the single table that the access-matrix test checks every endpoint against.

The world the table speaks of (built by tests/test_access_matrix.py): a case hosted by Kazakhstan
and released to Kazakhstan and Russia only, with an open decision on it. The roles:

- owner: Kazakhstan's head of state (the host);
- released: Russia's head of state (the case is released to Russia);
- unreleased: Belarus's head of state (a member the case is not released to);
- secretariat, duty_officer, force_command, analyst: the organisation's staff;
- outsider: a logged-in user with no post;
- anonymous: no login.

A role listed in `allow` must get an answer other than 401, 403 or 404 (a 409 or a 422 about the
state of the object is fine: access was granted); every other role must get 401, 403 or 404.
"""

from dataclasses import dataclass, field

ROLES = ("owner", "released", "unreleased", "secretariat", "duty_officer", "force_command", "analyst",
         "outsider", "anonymous")
STAFF = frozenset({"secretariat", "duty_officer", "force_command", "analyst"})
SEES_CASE = STAFF | {"owner", "released"}
ANY_POST = SEES_CASE | {"unreleased"}


@dataclass(frozen=True)
class Rule:
    method: str
    path: str
    allow: frozenset
    body: str | None = field(default=None, compare=False)  # name of a body builder in the test world


API = [
    Rule("GET", "/api/cases", ANY_POST),
    Rule("POST", "/api/cases", frozenset({"owner", "released", "unreleased"}), body="appeal"),
    Rule("GET", "/api/cases/{ref}", SEES_CASE),
    Rule("GET", "/api/cases/{ref}/timeline", SEES_CASE),
    Rule("POST", "/api/cases/{ref}/termination-request", frozenset({"owner"}), body="termination"),
    Rule("POST", "/api/cases/{ref}/close", frozenset({"secretariat"}), body="close"),
    Rule("GET", "/api/cases/{ref}/decisions", SEES_CASE),
    Rule("POST", "/api/cases/{ref}/consultations", frozenset({"secretariat"}), body="empty"),
    Rule("POST", "/api/cases/{ref}/decisions", frozenset({"secretariat"}), body="circulate"),
    Rule("GET", "/api/decisions/{decision_id}", SEES_CASE),
    Rule("POST", "/api/decisions/{decision_id}/amend", frozenset({"secretariat"}), body="amend"),
    Rule("POST", "/api/decisions/{decision_id}/positions", frozenset({"owner", "released"}), body="position"),
    Rule("POST", "/api/keys", frozenset({"owner", "released", "unreleased"}), body="key"),
    Rule("GET", "/api/organization/me", ANY_POST | {"outsider"}),
]

PAGES = [
    Rule("GET", "/", ANY_POST | {"outsider"}),
    Rule("GET", "/cases/{ref}/", SEES_CASE),
]
