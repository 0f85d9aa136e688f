"""The notices part of the Kazakhstan 2022 replay: letters of 6 January, public statements, the closing
report of 20 January, lessons, and the case's after-action report (HTML and PDF under VAR_DIR/reports).

Every step goes through the real actions at its historical time. No mail is sent: deliveries are
recorded by the operator, as the historical letters went through channels outside this system.
"""

from pathlib import Path

from django.conf import settings

from crisisdesk import clock
from crisisdesk.engines.procedures.timing import parse_instant
from crisisdesk.events import EventType
from crisisdesk.ledger.models import Event

SOURCES = {
    "SEED": "http://kremlin.ru/events/president/news/copy/67568",
    "TOPD": "https://topdialog.ru/2022/01/06/pashinyan-v-kazahstan-otpravyat-mirotvorczev-odkb",
    "BAIGE": "https://baigenews.kz/amp/news/odkb_napravit_mirotvorcheskie_sily_v_kazakhstan_124429",
    "UP0": "https://www.urdupoint.com/en/world/csto-collective-security-council-to-deploy-pe-1442241.html",
    "UP1": "https://www.urdupoint.com/en/world/csto-secretary-general-informs-un-osce-sco-1443160.html",
    "PKP": "https://www.pakistanpoint.com/ar/news/world/story-1443164.html",
    "TVR": "https://www.tvr.by/eng/news/v_mire/mirotvortsy_odkb_pristupili_k_vypolneniyu_postavlennykh_zadach_v_kazakhstane_/",
    "RT": "https://russian.rt.com/ussr/news/946413-mirotvorcy-kazahstan-aeroprt-alma-ata/amp",
    "SBBY": "https://www.sb.by/en/csto-secretary-general-informed-on-completion-of-peacekeepers-withdrawal-from-kazakhstan.html",
}
KK_NOTE = "the Kazakh text is a working translation made for the replay"

STATEMENTS = [
    {
        "at": "2022-01-05T21:40:00Z", "time_known": "approx", "about": "decision", "kind": "statement",
        "on_behalf_of": "csc.chair", "src": ["TOPD", "BAIGE", "UP0", "SEED"],
        "note": "the Chair (Armenia) announced the decision about 00:40 MSK on 6 Jan; earliest timestamped report "
                "03:40 Almaty (21:40Z); internal approval times are not known",
        "texts": {
            "ru": {"headline": "СКБ ОДКБ принял решение направить Коллективные миротворческие силы в Казахстан",
                   "body": "В связи с обращением Президента Республики Казахстан и в соответствии со статьёй 4 "
                           "Договора о коллективной безопасности Совет коллективной безопасности ОДКБ принял решение "
                           "направить Коллективные миротворческие силы ОДКБ в Республику Казахстан на ограниченный "
                           "срок для стабилизации и нормализации обстановки."},
            "en": {"headline": "CSTO Collective Security Council decides to send the Collective Peacekeeping "
                               "Forces to Kazakhstan",
                   "body": "In view of the appeal of the President of the Republic of Kazakhstan and under Article 4 "
                           "of the Collective Security Treaty, the CSTO Collective Security Council has decided to "
                           "send the CSTO Collective Peacekeeping Forces to the Republic of Kazakhstan for a limited "
                           "period to stabilise and normalise the situation."},
            "kk": {"headline": "ҰҚШҰ Ұжымдық қауіпсіздік кеңесі Қазақстанға Ұжымдық бітімгершілік күштерін жіберу "
                               "туралы шешім қабылдады",
                   "body": "Қазақстан Республикасы Президентінің өтінішіне байланысты және Ұжымдық қауіпсіздік "
                           "туралы шарттың 4-бабына сәйкес ҰҚШҰ Ұжымдық бітімгершілік күштері жағдайды тұрақтандыру "
                           "және қалыпқа келтіру үшін шектеулі мерзімге Қазақстан Республикасына жіберіледі."},
        },
    },
    {
        "at": "2022-01-06T07:00:00Z", "time_known": "date_only", "about": "first_landing", "kind": "alert",
        "on_behalf_of": "secretariat", "src": ["TVR", "RT"],
        "note": "date only (6 Jan); the clock time is a placeholder after the first landing",
        "cap": {"category": "Security", "urgency": "Immediate", "severity": "Moderate", "certainty": "Observed",
                "responseType": "Monitor", "area": "Almaty; Almaty region; Nur-Sultan",
                "event": "Collective Peacekeeping Forces deployment"},
        "texts": {
            "ru": {"headline": "Миротворцы ОДКБ приступили к выполнению поставленных задач в Казахстане",
                   "body": "Первые подразделения Коллективных миротворческих сил ОДКБ прибыли в Алма-Ату и "
                           "приступили к охране стратегически важных объектов."},
            "en": {"headline": "CSTO peacekeepers have begun carrying out their tasks in Kazakhstan",
                   "body": "The first units of the CSTO Collective Peacekeeping Forces have arrived in Almaty and "
                           "have begun guarding strategically important objects."},
            "kk": {"headline": "ҰҚШҰ бітімгерлері Қазақстанда жүктелген міндеттерді орындауға кірісті",
                   "body": "ҰҚШҰ Ұжымдық бітімгершілік күштерінің алғашқы бөлімшелері Алматыға келіп, стратегиялық "
                           "маңызы бар нысандарды күзетуге кірісті."},
        },
    },
    {
        "at": "2022-01-20T08:07:00Z", "time_known": "not_after", "about": "withdrawal", "kind": "statement",
        "on_behalf_of": "secretariat", "src": ["SBBY"],
        "note": "the report of the Secretary General's closing telegram; earliest timestamp",
        "texts": {
            "ru": {"headline": "Вывод Коллективных миротворческих сил ОДКБ из Казахстана завершён",
                   "body": "Во исполнение решения Совета коллективной безопасности о завершении миротворческой "
                           "операции вывод Коллективных миротворческих сил из Республики Казахстан завершён. "
                           "Подразделения вернулись в пункты постоянной дислокации без потерь в личном составе, "
                           "вооружении и технике."},
            "en": {"headline": "Withdrawal of the CSTO Collective Peacekeeping Forces from Kazakhstan completed",
                   "body": "In pursuance of the Collective Security Council's decision on completing the peacekeeping "
                           "operation, the Collective Peacekeeping Forces have completed their withdrawal from the "
                           "Republic of Kazakhstan. The units are back at their bases with no losses of personnel, "
                           "weapons or equipment."},
            "kk": {"headline": "ҰҚШҰ Ұжымдық бітімгершілік күштерін Қазақстаннан шығару аяқталды",
                   "body": "Бөлімшелер тұрақты орналасу орындарына оралды; жеке құрамнан, қару-жарақтан және "
                           "техникадан шығын жоқ."},
        },
    },
]

LESSONS = [
    {"observation": "Deployment began on 6 January, before the Council of Defence Ministers' decision forming "
                    "the force (7 January) existed; organisational procedures took two days.",
     "lesson": "The formation procedure lags the operational need.",
     "action": "Prepare a standing draft of the force-formation decision to circulate with the council decision.",
     "owner": "Secretariat and Joint Staff", "status": "open", "sources": ["SEED"]},
    {"observation": "The host asked the organisation to avoid an information vacuum and to explain the decision to "
                    "the UN, other organisations and the media.",
     "lesson": "Public statements must follow each major event within hours.",
     "action": "Keep pre-approved statement templates in three languages; measure time to first statement.",
     "owner": "Secretariat press service", "status": "in_progress", "sources": ["SEED"]},
    {"observation": "Heads of state asked for faster, uniform procedures for decisions on using the joint forces.",
     "lesson": "Decision procedures should be uniform and timed.",
     "action": "Review the regulation on crisis response against the measured tempo of this case.",
     "owner": "Committee of Secretaries of Security Councils", "status": "open", "sources": ["SEED"]},
]


def _note(time_known: str, src: list[str], note: str = "") -> dict:
    data = {"time_known": time_known, "sources": src}
    if note:
        data["note"] = note
    return data


def _at(when: str):
    return clock.frozen_at(parse_instant(when))


def replay_notices(ctx) -> dict:
    """Play the notices of the 2022 case through the real actions; write its after-action report."""
    from crisisdesk.notices import actions
    from crisisdesk.notices.models import Duty
    from crisisdesk.notices.report import render_html, render_pdf

    case = ctx.case
    officer, signer, duty_officer = (ctx.user("secretariat_officer"), ctx.user("secretary_general"),
                                     ctx.user("crc_duty_officer"))
    actions.duties_sync(case)  # The ledger listener opened them at the decision; this catches up if it did not.

    # 6 January: the Secretary General writes, on behalf of the CSC, to the UN, the OSCE and the SCO.
    letter_note = _note("date_only", ["UP1", "PKP", "SEED"], "letters of 6 Jan; the clock time is a placeholder")
    for duty in Duty.objects.filter(case=case, kind="notification").order_by("pk"):
        if duty.status in (Duty.Status.SENT, Duty.Status.ACKNOWLEDGED):
            continue
        with _at("2022-01-06T05:50:00Z"):
            actions.letter_draft(duty=duty, user=officer)  # Again: the mandate (the task) is known now.
        with _at("2022-01-06T06:00:00Z"):
            actions.letter_approve(duty=duty, user=signer)
            actions.delivery_record(duty=duty, user=officer, channel="diplomatic",
                                    note="recorded by operator: the letter went by the Secretariat's channels, "
                                         "not through crisisdesk's SMTP", data=letter_note)
    unsc = Duty.objects.filter(case=case, recipient="un.security_council").first()
    if unsc is not None and unsc.status == Duty.Status.SENT:
        with _at("2022-01-06T12:00:00Z"):
            actions.ack_record(duty=unsc, user=officer,
                               note="the UN Secretary-General brought the letter to the members of the Security "
                                    "Council (as reported; date of the report only)",
                               data=_note("date_only", ["UP1", "SEED"]))

    # Public statements, each through the chain: drafted, reviewed, approved by the SG, published.
    for spec in STATEMENTS:
        if case.statements.filter(about=spec["about"]).exists():
            continue
        with _at(spec["at"]):
            note = _note(spec["time_known"], spec["src"], spec["note"] + "; " + KK_NOTE)
            statement = actions.statement_draft(
                case=case, user=officer, about=spec["about"], kind=spec["kind"], texts=spec["texts"],
                sources=[{"key": k, "url": SOURCES[k]} for k in spec["src"]], cap=spec.get("cap"),
                on_behalf_of=spec["on_behalf_of"], data=note)
            actions.statement_review(statement=statement, user=duty_officer)
            actions.statement_approve(statement=statement, user=signer)
            actions.statement_publish(statement=statement, user=officer, data=note)

    # 20 January: the Secretary General's closing report to the members of the CSC.
    with _at("2022-01-19T08:00:00Z"):
        report = Duty.objects.filter(case=case, key="closing-report").first() or actions.duty_open(
            case=case, user=officer, key="closing-report", recipient="members", template="report-completion",
            deadline="P2D", kind="report", on_behalf_of="csc",
            legal_basis="decision of the CSC on completing the peacekeeping operation",
            data=_note("not_after", ["SBBY"]))
    if report.status not in (Duty.Status.SENT, Duty.Status.ACKNOWLEDGED):
        from crisisdesk.notices.letters import case_facts

        facts = {"losses_ru": "нет потерь в личном составе, вооружении и технике",
                 "losses_en": "none in personnel, weapons or equipment"}
        if "withdrawal_date" not in case_facts(report):
            facts["withdrawal_date"] = "2022-01-19"  # [KURS, LENTA19] when no forces replay recorded it
        with _at("2022-01-20T08:00:00Z"):
            actions.letter_draft(duty=report, user=officer, facts=facts)
        with _at("2022-01-20T08:07:00Z"):
            actions.letter_approve(duty=report, user=signer)
            actions.delivery_record(duty=report, user=officer, channel="telegram",
                                    note="recorded by operator: telegram to the members of the CSC",
                                    data={**_note("not_after", ["SBBY"]), "from": "secretary_general",
                                          "losses": 0})

    if not case.lessons.exists():
        with _at("2022-01-21T09:00:00Z"):
            for lesson in LESSONS:
                actions.lesson_add(case=case, user=officer, **lesson)

    legacy = Event.objects.filter(case_ref=case.ref, type__in=[EventType.NOTICE_SENT, EventType.REPORT_SENT],
                                  actor="crc-duty-officer").count()
    if legacy:
        ctx.say(f"Note: the replay YAML still records {legacy} notices milestone(s) that these duties now replace.")

    folder = Path(settings.VAR_DIR) / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    html_path = folder / f"{case.ref}-after-action.html"
    pdf_path = folder / f"{case.ref}-after-action.pdf"
    html_path.write_text(render_html(case), encoding="utf-8")
    pdf_path.write_bytes(render_pdf(case))
    duties = Duty.objects.filter(case=case)
    ctx.say(f"Notifications: {duties.count()} duties, "
            f"{duties.filter(status__in=['sent', 'acknowledged']).count()} sent, "
            f"{duties.filter(status='acknowledged').count()} acknowledged; "
            f"{case.statements.filter(status='published').count()} public statements published.")
    ctx.say(f"After-action report: {html_path}")
    ctx.say(f"After-action report (PDF): {pdf_path}")
    return {"html": html_path, "pdf": pdf_path}
