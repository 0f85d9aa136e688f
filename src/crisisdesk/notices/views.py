"""Pages: the register of notifications, a duty's letter, statements, lessons, the report; public pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_POST

from crisisdesk.accounts import access
from crisisdesk.errors import DomainError
from crisisdesk.notices import actions, mailer, queries
from crisisdesk.notices.models import Statement


def _or_404(fn, *args):
    try:
        return fn(*args)
    except DomainError:
        raise Http404("not found") from None


def _run(request, fn, ok: str, **kwargs):
    try:
        fn(**kwargs)
        messages.success(request, ok)
    except DomainError as exc:
        messages.error(request, f"{exc.code}: {exc.detail}")


@login_required
def register(request):
    try:
        duties = queries.duties_visible_to(request.user)
    except DomainError:
        duties = []
    return render(request, "notices/register.html", {
        "rows": [queries.register_row(d) for d in duties], "alarms": queries.alarms(duties),
        "smtp_problems": mailer.problems(), "fmt": queries.fmt_delta,
    })


@login_required
def case_page(request, ref):
    case = _or_404(access.access_case, request.user, ref)
    rows = [queries.register_row(d) for d in queries.duties_visible_to(request.user, case)]
    for r in rows:
        r["gap_text"] = queries.fmt_delta(r["gap"])
    delays = queries.time_to_statement(case)
    for r in delays:
        r["delay_text"] = queries.fmt_delta(r["delay"])
    return render(request, "notices/case.html", {
        "case": case, "rows": rows, "alarms": queries.alarms([r["duty"] for r in rows]),
        "statements": queries.statements_visible(request.user, case), "delays": delays,
        "lessons": case.lessons.order_by("number"), "smtp_problems": mailer.problems(),
        "statuses": ("open", "in_progress", "done", "dropped"),
    })


@login_required
def duty_page(request, duty_id):
    duty = _or_404(queries.access_duty, request.user, duty_id)
    return render(request, "notices/duty.html", {
        "duty": duty, "row": queries.register_row(duty), "letters": duty.letters.order_by("-version"),
        "attempts": duty.attempt_log.all(), "gap_text": queries.fmt_delta(queries.gap(duty)),
        "smtp_problems": mailer.problems(),
    })


@login_required
@require_POST
def duty_act(request, duty_id, verb):
    duty = _or_404(queries.access_duty, request.user, duty_id)
    user, post = request.user, request.POST
    if verb == "draft":
        facts = {k[5:]: v for k, v in post.items() if k.startswith("fact_") and v.strip()}
        _run(request, actions.letter_draft, "drafted", duty=duty, user=user, facts=facts)
    elif verb == "approve":
        _run(request, actions.letter_approve, "approved", duty=duty, user=user)
    elif verb == "dispatch":
        _run(request, actions.letter_dispatch, "dispatch attempted", duty=duty, user=user,
             resend=post.get("resend") == "1")
    elif verb == "delivery":
        _run(request, actions.delivery_record, "delivery recorded", duty=duty, user=user,
             note=post.get("note", ""), channel="operator")
    elif verb == "acknowledge":
        _run(request, actions.ack_record, "acknowledgement recorded", duty=duty, user=user, note=post.get("note", ""))
    else:
        raise Http404("no such action")
    return redirect(reverse("notices-duty", args=[duty.pk]))


@login_required
def statement_page(request, statement_id):
    statement = _or_404(queries.access_statement, request.user, statement_id)
    return render(request, "notices/statement.html", {"s": statement, "approvals": statement.approvals.all()})


@login_required
@require_POST
def statement_act(request, statement_id, verb):
    statement = _or_404(queries.access_statement, request.user, statement_id)
    steps = {"review": actions.statement_review, "approve": actions.statement_approve,
             "publish": actions.statement_publish}
    if verb not in steps:
        raise Http404("no such action")
    _run(request, steps[verb], verb + "ed" if verb != "approve" else "approved", statement=statement, user=request.user)
    return redirect(reverse("notices-statement", args=[statement.pk]))


@login_required
@require_POST
def lesson_add(request, ref):
    case = _or_404(access.access_case, request.user, ref)
    p = request.POST
    _run(request, actions.lesson_add, "lesson recorded", case=case, user=request.user,
         observation=p.get("observation", ""), lesson=p.get("lesson", ""), action=p.get("action", ""),
         owner=p.get("owner", ""))
    return redirect(reverse("notices-case", args=[case.ref]) + "#lessons")


@login_required
@require_POST
def lesson_update(request, lesson_id):
    lesson = _or_404(queries.access_lesson, request.user, lesson_id)
    fields = {k: request.POST[k] for k in ("status", "owner", "action", "lesson") if k in request.POST}
    _run(request, actions.lesson_update, "lesson updated", lesson=lesson, user=request.user, **fields)
    return redirect(reverse("notices-case", args=[lesson.case.ref]) + "#lessons")


@login_required
def report_page(request, ref, fmt="html"):
    from crisisdesk.notices.report import render_html, render_pdf

    case = _or_404(access.access_case, request.user, ref)
    if fmt == "pdf":
        response = HttpResponse(render_pdf(case), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{case.ref}-after-action.pdf"'
        return response
    return HttpResponse(render_html(case))


# --- Public, no login -----------------------------------------------------------------------


def public_list(request):
    return render(request, "notices/public_list.html", {"statements": queries.published_statements()[:200]})


def public_statement(request, uid):
    statement = Statement.objects.select_related("case").filter(uid=uid, status=Statement.Status.PUBLISHED).first()
    if statement is None:
        raise Http404("no such statement")
    order = ["ru", "en"] + sorted(k for k in statement.texts if k not in ("ru", "en"))
    return render(request, "notices/public_statement.html",
                  {"s": statement, "texts": [(lang, statement.texts[lang]) for lang in order
                                             if lang in statement.texts]})


def public_feed(request):
    feed = Atom1Feed(title="Public statements", link=request.build_absolute_uri(reverse("public-statements")),
                     description="Published statements of the Crisis Response Centre", language="en",
                     feed_url=request.build_absolute_uri(reverse("public-feed")))
    for s in queries.published_statements()[:50]:
        en = s.text("en")
        ru = s.texts.get("ru", {})
        link = request.build_absolute_uri(reverse("public-statement", args=[s.uid]))
        feed.add_item(title=en.get("headline", ""), link=link, unique_id=f"urn:uuid:{s.uid}",
                      description=f"{en.get('body', '')}\n\n{ru.get('headline', '')}\n{ru.get('body', '')}",
                      pubdate=s.published_at, updateddate=s.published_at, categories=[s.case.ref, s.about])
    return HttpResponse(feed.writeString("utf-8"), content_type="application/atom+xml; charset=utf-8")
