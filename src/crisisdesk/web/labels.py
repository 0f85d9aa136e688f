"""Translated names for the codes the record stores (statuses, outcomes, positions, events).

The record keeps stable English codes; the pages show them in the reader's language. A code
without a name here is shown as it is, so a new event type never breaks a page.
"""

from django.utils.translation import gettext_lazy as _

STATUS = {
    "appealed": _("appealed"),
    "consultations": _("consultations"),
    "deciding": _("deciding"),
    "adopted": _("decision adopted"),
    "force_formed": _("force formed"),
    "deployed": _("deployed"),
    "ending": _("termination requested"),
    "withdrawing": _("withdrawing"),
    "closed": _("closed"),
    "no_decision": _("closed without a decision"),
}

OUTCOME = {
    "": _("open"),
    "adopted": _("adopted"),
    "rejected": _("rejected"),
    "silence_broken": _("silence broken"),
    "lapsed": _("lapsed"),
}

POSITION = {
    "agree": _("agree"),
    "object": _("object"),
    "abstain": _("abstain"),
    "non_participation": _("non-participation"),
}

MODE = {
    "session": _("in session"),
    "written": _("written procedure"),
    "silence": _("silence procedure"),
}

EVENT = {
    "organization:charter:loaded": _("charter loaded"),
    "organization:key:registered": _("signing key registered"),
    "organization:key:revoked": _("signing key revoked"),
    "accounts:post:assigned": _("post assigned"),
    "accounts:token:created": _("API token created"),
    "case:appeal:received": _("appeal received"),
    "case:milestone:recorded": _("milestone recorded"),
    "case:mandate:set": _("mandate set"),
    "case:mandate:end_announced": _("end of mandate announced"),
    "case:mandate:termination_requested": _("termination requested"),
    "case:case:closed": _("case closed"),
    "case:case:stalled": _("case stalled"),
    "decision:consultation:opened": _("consultations opened"),
    "decision:draft:circulated": _("draft circulated"),
    "decision:draft:amended": _("draft amended"),
    "decision:position:signed": _("position signed"),
    "decision:session:held": _("session held"),
    "decision:outcome:adopted": _("decision adopted"),
    "decision:outcome:rejected": _("decision rejected"),
    "decision:outcome:silence_broken": _("silence broken"),
    "decision:outcome:lapsed": _("decision lapsed"),
    "decision:deadline:reminded": _("deadline reminder"),
    "decision:deadline:escalated": _("deadline escalated"),
    "forces:force:formed": _("force formed"),
    "forces:commander:appointed": _("commander appointed"),
    "forces:pledge:recorded": _("pledge recorded"),
    "forces:pledge:approved": _("pledge approved"),
    "forces:requirement:set": _("requirement set"),
    "forces:plan:computed": _("airlift plan computed"),
    "forces:sortie:planned": _("sortie planned"),
    "forces:sortie:departed": _("sortie departed"),
    "forces:sortie:landed": _("sortie landed"),
    "forces:sortie:cancelled": _("sortie cancelled"),
    "forces:deployment:completed": _("deployment completed"),
    "forces:object:guarded": _("object taken under guard"),
    "forces:object:handed_back": _("object handed back"),
    "forces:withdrawal:started": _("withdrawal started"),
    "forces:withdrawal:completed": _("withdrawal completed"),
    "forces:contingent:returned": _("contingent returned home"),
    "sitreps:report:filed": _("report filed"),
    "sitreps:report:updated": _("report updated"),
    "sitreps:report:overdue": _("report overdue"),
    "sitreps:figure:made_official": _("figure made official"),
    "notices:letter:sent": _("letter sent"),
    "notices:letter:acknowledged": _("letter acknowledged"),
    "notices:report:sent": _("report sent"),
    "notices:statement:published": _("statement published"),
}

# Notices: duty, statement and lesson statuses, statement kinds and subjects, alarm kinds.
NOTICE = {
    "due": _("due, no letter yet"),
    "drafted": _("drafted"),
    "approved": _("approved"),
    "sent": _("sent"),
    "acknowledged": _("acknowledged"),
    "draft": _("draft"),
    "reviewed": _("reviewed"),
    "published": _("published"),
    "statement": _("statement"),
    "alert": _("alert"),
    "notification": _("notification"),
    "report": _("report"),
    "decision": _("the decision"),
    "first_landing": _("the first landing"),
    "deployment": _("the deployment"),
    "completion": _("the completion"),
    "withdrawal": _("the withdrawal"),
    "other": _("other"),
    "open": _("open"),
    "in_progress": _("in progress"),
    "done": _("done"),
    "dropped": _("dropped"),
    "overdue": _("overdue"),
    "failing": _("failing"),
}

# Forces: national approval and sortie statuses, and the data's category and class keys.
FORCES = {
    "not_needed": _("not needed"),
    "pending": _("pending"),
    "approved": _("approved"),
    "refused": _("refused"),
    "planned": _("planned"),
    "departed": _("departed"),
    "landed": _("landed"),
    "cancelled": _("cancelled"),
    "peacekeepers": _("peacekeepers"),
    "armoured": _("armoured"),
    "automotive": _("automotive"),
    "other": _("other"),
}

# How well a replayed event's time is known.
TIME_KNOWN = {
    "exact": _("exact"),
    "approx": _("approximate"),
    "date_only": _("date only"),
    "not_after": _("not after this time"),
    "unknown": _("unknown"),
}


def label(table: dict, code) -> str:
    return str(table.get(code if code is not None else "", code if code is not None else ""))
