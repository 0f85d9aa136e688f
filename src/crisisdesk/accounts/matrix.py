"""Who may do what: the single table that the access-matrix test checks every endpoint against.

The world the table speaks of (built by tests/test_access_matrix.py): a case hosted by Kazakhstan
and released to Kazakhstan and Russia only, with an open decision on it, and on that case one
object of every kind: a statement of requirements, Kazakhstan's pledge, an airlift plan with
sorties, a guarded object, the force, a situation report filed by Kazakhstan and released to
Kazakhstan alone (with a figure and an attachment), a reporting cadence, a notification duty, a
statement drafted by the duty officer, a lesson recorded by Kazakhstan; in the registry a
Kazakh designation, a Kazakh proposal for the unified list and a screening run by Kazakhstan's
delegate. The roles:

- owner: Kazakhstan's head of state (the host, the author of the report, lesson and screening);
- released: Russia's head of state (the case is released to Russia, the report is not);
- unreleased: Belarus's head of state (a member the case is not released to);
- secretariat, duty_officer, force_command, analyst: the organisation's staff;
- outsider: a logged-in user with no post;
- anonymous: no login.

A role listed in `allow` must get an answer other than 401, 403 or 404 (a 409 or a 422 about the
state of the object is fine: access was granted); every other role must get 401, 403 or 404
(a page sends the anonymous visitor to the login page). Besides the status, the test checks
that no answer carries a marker of an object the role may not see (the case's title, the
report's title, the screened name).

`bind` names, per path placeholder, the world object that fills it when it is not the default
(`ref` is the case; registry paths use `ref` for a designation, an organisation or a screening).
`query` is appended to the path.
"""

from dataclasses import dataclass, field

ROLES = ("owner", "released", "unreleased", "secretariat", "duty_officer", "force_command", "analyst",
         "outsider", "anonymous")
STAFF = frozenset({"secretariat", "duty_officer", "force_command", "analyst"})
SEES_CASE = STAFF | {"owner", "released"}
ANY_POST = SEES_CASE | {"unreleased"}
LOGGED_IN = ANY_POST | {"outsider"}
EVERYONE = LOGGED_IN | {"anonymous"}
DELEGATES = frozenset({"owner", "released", "unreleased"})
SEES_KZ_ONLY = STAFF | {"owner"}  # what is released to Kazakhstan alone
PLANNERS = frozenset({"secretariat", "force_command"})  # forces.actions.PLANNERS
OPERATORS = PLANNERS | {"duty_officer"}  # forces.actions.OPERATORS
WRITERS = frozenset({"secretariat", "duty_officer"})  # notices.actions.WRITERS, sitreps EDITOR_ROLES
SECRETARIAT = frozenset({"secretariat"})
OWNER = frozenset({"owner"})


@dataclass(frozen=True)
class Rule:
    method: str
    path: str
    allow: frozenset
    body: str | None = field(default=None, compare=False)  # name of a body builder in the test world
    bind: tuple = field(default=(), compare=False)  # (placeholder, world key) pairs
    query: str = field(default="", compare=False)


API = [
    # cases and decisions
    Rule("GET", "/api/cases", ANY_POST),
    Rule("POST", "/api/cases", DELEGATES, body="appeal"),
    Rule("GET", "/api/cases/{ref}", SEES_CASE),
    Rule("GET", "/api/cases/{ref}/timeline", SEES_CASE),
    Rule("POST", "/api/cases/{ref}/termination-request", OWNER, body="termination"),
    Rule("POST", "/api/cases/{ref}/close", SECRETARIAT, body="close"),
    Rule("GET", "/api/cases/{ref}/decisions", SEES_CASE),
    Rule("POST", "/api/cases/{ref}/consultations", SECRETARIAT, body="empty"),
    Rule("POST", "/api/cases/{ref}/decisions", SECRETARIAT, body="circulate"),
    Rule("GET", "/api/decisions/{decision_id}", SEES_CASE),
    Rule("POST", "/api/decisions/{decision_id}/amend", SECRETARIAT, body="amend"),
    Rule("POST", "/api/decisions/{decision_id}/positions", frozenset({"owner", "released"}), body="position"),
    Rule("POST", "/api/keys", DELEGATES, body="key"),
    Rule("GET", "/api/organization/me", LOGGED_IN),
    # forces: reads follow the case; a pledge is its state's; planners plan
    Rule("GET", "/api/forces/cases/{ref}/requirements", SEES_CASE),
    Rule("PUT", "/api/forces/cases/{ref}/requirements", PLANNERS, body="requirements"),
    Rule("GET", "/api/forces/cases/{ref}/pledges", SEES_CASE),
    Rule("PUT", "/api/forces/cases/{ref}/pledges/{member}", OWNER, body="pledge"),
    Rule("POST", "/api/forces/cases/{ref}/pledges/{member}/approval", OWNER, body="approval"),
    Rule("GET", "/api/forces/cases/{ref}/gap", SEES_CASE),
    Rule("POST", "/api/forces/cases/{ref}/force", SECRETARIAT, body="force"),
    Rule("GET", "/api/forces/cases/{ref}/force", SEES_CASE),
    Rule("POST", "/api/forces/cases/{ref}/contingents", PLANNERS, body="contingent"),
    Rule("POST", "/api/forces/cases/{ref}/contingents/{member}/returned", PLANNERS, body="empty"),
    Rule("GET", "/api/forces/cases/{ref}/progress", SEES_CASE),
    Rule("POST", "/api/forces/cases/{ref}/deployment/complete", PLANNERS, body="empty"),
    Rule("POST", "/api/forces/cases/{ref}/withdrawal/complete", PLANNERS, body="empty"),
    Rule("POST", "/api/forces/cases/{ref}/plans", PLANNERS, body="plan"),
    Rule("GET", "/api/forces/cases/{ref}/plans", SEES_CASE),
    Rule("GET", "/api/forces/plans/{plan_id}", SEES_CASE),
    Rule("GET", "/api/forces/cases/{ref}/sorties", SEES_CASE),
    Rule("POST", "/api/forces/sorties/{sortie_id}/status", OPERATORS, body="sortie_status"),
    Rule("GET", "/api/forces/cases/{ref}/objects", SEES_CASE),
    Rule("POST", "/api/forces/cases/{ref}/objects", PLANNERS, body="object"),
    Rule("POST", "/api/forces/objects/{object_id}/guard", PLANNERS, body="empty"),
    Rule("POST", "/api/forces/objects/{object_id}/hand-back", PLANNERS, body="empty"),
    # sitreps: the case's release, then the report's own (Kazakhstan only)
    Rule("POST", "/api/sitreps", frozenset({"owner", "released", "secretariat", "duty_officer", "force_command"}),
         body="sitrep"),
    Rule("GET", "/api/sitreps", ANY_POST),
    Rule("GET", "/api/sitreps/figures", SEES_CASE, query="?case={ref}"),
    Rule("POST", "/api/sitreps/figures/{figure_id}/official", WRITERS, body="reason"),
    Rule("GET", "/api/sitreps/cadences", SEES_CASE, query="?case={ref}"),
    Rule("POST", "/api/sitreps/cadences", WRITERS, body="cadence"),
    Rule("GET", "/api/sitreps/alarms", SEES_CASE, query="?case={ref}"),
    Rule("GET", "/api/sitreps/layers", SEES_CASE, query="?case={ref}"),
    Rule("GET", "/api/sitreps/{report_id}", SEES_KZ_ONLY),
    Rule("PUT", "/api/sitreps/{report_id}", frozenset({"owner"}) | WRITERS, body="sitrep_update"),
    Rule("GET", "/api/sitreps/{report_id}/revisions", SEES_KZ_ONLY),
    Rule("GET", "/api/sitreps/{report_id}/attachments/{attachment_id}", SEES_KZ_ONLY),
    # the live stream: every post holder, each sees only what is released to them (checked by markers)
    Rule("GET", "/api/stream", ANY_POST, query="?timeout=0&last_event_id=0"),
    # notices
    Rule("GET", "/api/notices/duties", ANY_POST),
    Rule("POST", "/api/notices/duties", WRITERS, body="duty"),
    Rule("GET", "/api/notices/duties/{duty_id}", SEES_CASE),
    Rule("POST", "/api/notices/duties/{duty_id}/draft", WRITERS, body="draft"),
    Rule("POST", "/api/notices/duties/{duty_id}/approve", SECRETARIAT, body="empty"),  # the signer's post
    Rule("POST", "/api/notices/duties/{duty_id}/dispatch", WRITERS, body="empty"),
    Rule("POST", "/api/notices/duties/{duty_id}/delivery", WRITERS, body="note"),
    Rule("POST", "/api/notices/duties/{duty_id}/acknowledge", WRITERS, body="note"),
    Rule("GET", "/api/notices/alarms", ANY_POST),
    Rule("GET", "/api/notices/smtp", ANY_POST),
    Rule("GET", "/api/notices/statements", SEES_CASE, query="?case={ref}"),
    Rule("POST", "/api/notices/statements", WRITERS, body="statement"),
    Rule("GET", "/api/notices/statements/{statement_id}", SEES_CASE),
    Rule("PATCH", "/api/notices/statements/{statement_id}", WRITERS, body="statement_patch"),
    # drafted by the duty officer, who may not review it
    Rule("POST", "/api/notices/statements/{statement_id}/review", SECRETARIAT, body="note"),
    Rule("POST", "/api/notices/statements/{statement_id}/approve", SECRETARIAT, body="note"),
    Rule("POST", "/api/notices/statements/{statement_id}/publish", WRITERS),
    Rule("GET", "/api/notices/statements/{statement_id}/cap", SEES_CASE),
    Rule("GET", "/api/notices/public/statements", EVERYONE),
    Rule("GET", "/api/notices/cases/{ref}/time-to-statement", SEES_CASE),
    Rule("GET", "/api/notices/cases/{ref}/lessons", SEES_CASE),
    Rule("POST", "/api/notices/cases/{ref}/lessons", SEES_CASE, body="lesson"),
    Rule("PATCH", "/api/notices/lessons/{lesson_id}", frozenset({"owner"}) | STAFF, body="lesson_patch"),
    Rule("GET", "/api/notices/export/{kind}.csv", ANY_POST),
    # registry: shared for reading by every post; a state's acts are its own; screenings its author's states'
    Rule("POST", "/api/registry/screen", ANY_POST, body="screen"),
    Rule("GET", "/api/registry/screenings", ANY_POST),
    Rule("GET", "/api/registry/screenings/stale", ANY_POST),
    Rule("GET", "/api/registry/screenings/{ref}", SEES_KZ_ONLY, bind=(("ref", "screening"),)),
    Rule("GET", "/api/registry/organizations", ANY_POST),
    Rule("GET", "/api/registry/organizations/{ref}", ANY_POST, bind=(("ref", "organization"),)),
    Rule("POST", "/api/registry/designations", frozenset({"owner", "secretariat"}), body="designation"),
    Rule("GET", "/api/registry/designations/{ref}", ANY_POST, bind=(("ref", "designation"),)),
    Rule("PATCH", "/api/registry/designations/{ref}", frozenset({"owner", "secretariat"}), body="designation_patch",
         bind=(("ref", "designation"),)),
    Rule("GET", "/api/registry/unified", ANY_POST),
    Rule("GET", "/api/registry/divergence", ANY_POST),
    Rule("POST", "/api/registry/proposals", OWNER, body="proposal"),
    Rule("POST", "/api/registry/proposals/{pk}/decide", SECRETARIAT, body="decide", bind=(("pk", "proposal"),)),
    # analytics
    Rule("GET", "/api/analytics/cases/{ref}/dashboard", SEES_CASE),
]

PAGES = [
    Rule("GET", "/two-factor/", LOGGED_IN),
    Rule("GET", "/", LOGGED_IN),
    Rule("GET", "/preferences/", LOGGED_IN),
    Rule("GET", "/cases/{ref}/", SEES_CASE),
    Rule("GET", "/cases/{ref}/history/", SEES_CASE),
    Rule("GET", "/cases/{ref}/decisions/{decision_id}/status/", SEES_CASE),
    Rule("GET", "/cases/{ref}/decisions/{decision_id}/history/", SEES_CASE),
    # the history of any ledger subject; mapped to the Kazakh-only report, the strictest subject
    Rule("GET", "/history/{subject}/", SEES_KZ_ONLY, bind=(("subject", "report_subject"),)),
    Rule("GET", "/sitreps/", ANY_POST),
    Rule("GET", "/sitreps/{report_id}/", SEES_KZ_ONLY),
    Rule("POST", "/sitreps/figures/{figure_id}/official/", WRITERS, body="form_reason"),
    Rule("GET", "/map/", ANY_POST),
    Rule("GET", "/dashboard/", ANY_POST),
    Rule("GET", "/forces/", LOGGED_IN),
    Rule("GET", "/forces/cases/{ref}/", SEES_CASE),
    Rule("POST", "/forces/cases/{ref}/plans/", PLANNERS, body="form_plan"),
    Rule("GET", "/forces/plans/{pk}/", SEES_CASE, bind=(("pk", "plan_id"),)),
    Rule("POST", "/forces/sorties/{pk}/status/", OPERATORS, body="form_sortie", bind=(("pk", "sortie_id"),)),
    Rule("GET", "/forces/catalogue/", LOGGED_IN),
    Rule("GET", "/forces/cases/{ref}/requirements/", SEES_CASE),
    Rule("POST", "/forces/cases/{ref}/requirements/", PLANNERS, body="form_requirements"),
    # a pledge page shows the pledge to whoever sees the case; only its own state's delegate files it
    Rule("GET", "/forces/cases/{ref}/pledges/{member}/", SEES_CASE),
    Rule("POST", "/forces/cases/{ref}/pledges/{member}/", OWNER, body="form_pledge"),
    Rule("POST", "/forces/cases/{ref}/pledges/{member}/approval/", OWNER, body="form_approval"),
    Rule("GET", "/forces/cases/{ref}/force/", SEES_CASE),
    Rule("POST", "/forces/cases/{ref}/force/", SECRETARIAT, body="form_force"),
    Rule("POST", "/forces/cases/{ref}/contingents/", PLANNERS, body="form_contingent"),
    Rule("POST", "/forces/cases/{ref}/contingents/{member}/returned/", PLANNERS, body="form_empty"),
    Rule("POST", "/forces/cases/{ref}/objects/", PLANNERS, body="form_object"),
    Rule("POST", "/forces/objects/{object_id}/guard/", PLANNERS, body="form_empty"),
    Rule("POST", "/forces/objects/{object_id}/hand-back/", PLANNERS, body="form_empty"),
    Rule("POST", "/forces/cases/{ref}/deployment/complete/", PLANNERS, body="form_empty"),
    Rule("POST", "/forces/cases/{ref}/withdrawal/complete/", PLANNERS, body="form_empty"),
    Rule("GET", "/notices/", LOGGED_IN),
    Rule("GET", "/notices/cases/{ref}/", SEES_CASE),
    Rule("POST", "/notices/cases/{ref}/lessons/", SEES_CASE, body="form_lesson"),
    Rule("GET", "/notices/cases/{ref}/report/", SEES_CASE),
    Rule("GET", "/notices/cases/{ref}/report.pdf", SEES_CASE),
    Rule("GET", "/notices/duties/{duty_id}/", SEES_CASE),
    Rule("POST", "/notices/duties/{duty_id}/{verb}/", WRITERS, body="form_facts", bind=(("verb", "draft_verb"),)),
    Rule("GET", "/notices/statements/{statement_id}/", SEES_CASE),
    Rule("POST", "/notices/statements/{statement_id}/{verb}/", WRITERS, body="form_empty",
         bind=(("verb", "publish_verb"),)),
    Rule("POST", "/notices/lessons/{lesson_id}/", frozenset({"owner"}) | STAFF, body="form_lesson_update"),
    # the registry: shared for reading by every post holder
    Rule("GET", "/registry/", ANY_POST),
    Rule("GET", "/registry/organizations/{ref}/", ANY_POST, bind=(("ref", "organization"),)),
    Rule("GET", "/registry/unified/", ANY_POST),
    Rule("GET", "/registry/unified.csv", ANY_POST),
    Rule("GET", "/registry/unified.pdf", ANY_POST),
    Rule("GET", "/registry/divergence/", ANY_POST),
    Rule("GET", "/registry/screen/", ANY_POST),
    Rule("GET", "/public/statements/", EVERYONE),
    Rule("GET", "/public/statements/feed.atom", EVERYONE),
    Rule("GET", "/public/statements/{uid}/", EVERYONE),
]

# Pages that only switch a setting or end a session (POST, no object): not in the table.
EXEMPT_PAGES = ("login/", "logout/", "language/", "i18n/", "admin/", "api/")
