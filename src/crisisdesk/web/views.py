from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from crisisdesk.accounts import access
from crisisdesk.cases import queries
from crisisdesk.decisions.engine import engine_state
from crisisdesk.errors import DomainError


@login_required
def case_list(request):
    try:
        cases = queries.cases_visible_to(request.user)
    except DomainError:
        cases = []
    return render(request, "web/case_list.html", {"cases": cases})


@login_required
def case_detail(request, ref):
    try:
        case = access.access_case(request.user, ref)
    except DomainError:
        raise Http404("no such case") from None
    decisions = []
    members = {m.code: m for m in case.charter.organisation.members.all()}
    for decision in case.decisions.order_by("pk"):
        state = engine_state(decision)
        positions = {p.member: p for p in decision.positions.filter(text=decision.current_text)}
        rows = [{"member": members.get(code), "code": code, "position": positions.get(code),
                 "due": code in state.due() and not (decision.outcome or state.outcome)}
                for code in sorted(set(state.required) | set(positions))]
        decisions.append({"decision": decision, "state": state, "rows": rows, "text": decision.current_text})
    return render(request, "web/case_detail.html",
                  {"case": case, "decisions": decisions, "events": queries.case_timeline(case)})
