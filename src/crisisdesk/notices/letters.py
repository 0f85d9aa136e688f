"""Letters: templates filled from a case's facts; a field the case cannot fill is a visible hole."""

import functools
import hashlib
import string
from importlib import resources
from zoneinfo import ZoneInfo

import yaml

from crisisdesk.errors import DomainError

HOLE = "⟦{}⟧"


@functools.lru_cache(maxsize=1)
def templates() -> dict:
    path = resources.files("crisisdesk.notices") / "letters.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def template(name: str) -> dict:
    found = templates().get(name)
    if found is None:
        raise DomainError(f"no letter template {name!r}", code="unknown_template")
    return found


def fields_of(tpl: dict) -> list[str]:
    """Return the fields a template uses, in order of first use."""
    seen: list[str] = []
    for part in ("subject", "body"):
        for lang in ("ru", "en"):
            for _, name, _, _ in string.Formatter().parse(tpl[part][lang]):
                if name and name not in seen:
                    seen.append(name)
    return seen


class _Holes(dict):
    def __init__(self, values: dict):
        super().__init__(values)
        self.missing: list[str] = []

    def __missing__(self, key):
        if key not in self.missing:
            self.missing.append(key)
        return HOLE.format(key)


def render(tpl: dict, facts: dict) -> tuple[dict, list[str]]:
    """Fill the template; return the texts and the fields that stayed holes."""
    values = _Holes({k: v for k, v in facts.items() if v not in (None, "")})
    out = {}
    for part in ("subject", "body"):
        for lang in ("ru", "en"):
            out[f"{part}_{lang}"] = string.Formatter().vformat(tpl[part][lang], (), values).strip()
    return out, values.missing


def digest(texts: dict) -> str:
    joined = "\n\x1e\n".join(texts[k] for k in ("subject_ru", "subject_en", "body_ru", "body_en"))
    return hashlib.sha256(joined.encode()).hexdigest()


# Russian case forms of the names the letters use (genitive, prepositional); a name not listed here
# is quoted in the nominative rather than declined wrongly.
RU_CASES = {
    "Республика Армения": ("Республики Армения", "Республике Армения"),
    "Республика Беларусь": ("Республики Беларусь", "Республике Беларусь"),
    "Республика Казахстан": ("Республики Казахстан", "Республике Казахстан"),
    "Кыргызская Республика": ("Кыргызской Республики", "Кыргызской Республике"),
    "Российская Федерация": ("Российской Федерации", "Российской Федерации"),
    "Республика Таджикистан": ("Республики Таджикистан", "Республике Таджикистан"),
    "Республика Узбекистан": ("Республики Узбекистан", "Республике Узбекистан"),
    "Совет коллективной безопасности": ("Совета коллективной безопасности", "Совете коллективной безопасности"),
    "Совет министров иностранных дел": ("Совета министров иностранных дел", "Совете министров иностранных дел"),
    "Совет министров обороны": ("Совета министров обороны", "Совете министров обороны"),
    "Организация Договора о коллективной безопасности": ("Организации Договора о коллективной безопасности",
                                                         "Организации Договора о коллективной безопасности"),
}


def ru_gen(name: str) -> str:
    return RU_CASES.get(name, (f"«{name}»",))[0]


def ru_loc(name: str) -> str:
    forms = RU_CASES.get(name)
    return forms[1] if forms else f"«{name}»"


def _names(charter, codes, lang) -> str:
    return ", ".join(charter.members[c].name[lang] if c in charter.members else c for c in codes)


def case_facts(duty) -> dict:
    """Collect the facts a letter may use from the case, its decision, mandate and the ledger."""
    from crisisdesk.ledger.models import Event

    case = duty.case
    charter = case.charter.parsed()
    zone = ZoneInfo(case.host.zone)
    facts = {
        "org_ru": charter.title["ru"], "org_en": charter.title["en"],
        "host_name_ru": case.host.name_ru, "host_name_en": case.host.name_en,
        "host_gen_ru": ru_gen(case.host.name_ru), "host_loc_ru": ru_loc(case.host.name_ru),
        "org_gen_ru": ru_gen(charter.title["ru"]),
        "appeal_date": case.appealed_at.astimezone(zone).date().isoformat(),
        "case_title_ru": case.title_ru, "case_title_en": case.title_en,
        "recipient_ru": duty.recipient_ru, "recipient_en": duty.recipient_en,
        "legal_basis": duty.legal_basis,
    }
    via = charter.external_bodies.get(duty.via) if duty.via else None
    facts["recipient_via_ru"] = via["name"]["ru"] if via else duty.recipient_ru
    facts["recipient_via_en"] = via["name"]["en"] if via else duty.recipient_en
    signer = charter.posts.get(duty.signer_post)
    if signer:
        facts["signer_title_ru"] = f"{signer['title']['ru']} {ru_gen(charter.title['ru'])}"
        facts["signer_title_en"] = f"{signer['title']['en']}, {charter.title['en']}"
    organ = charter.organs.get(duty.on_behalf_of or "")
    if organ:
        facts["organ_ru"], facts["organ_en"] = organ["name"]["ru"], organ["name"]["en"]
        facts["organ_gen_ru"] = ru_gen(organ["name"]["ru"])
    decision = duty.decision
    if decision is None:
        decision = case.decisions.filter(purpose="deployment", outcome="adopted").order_by("pk").first()
    if decision is not None and decision.decided_at:
        facts["decision_date"] = decision.decided_at.astimezone(zone).date().isoformat()
        if not organ:
            proc = charter.procedures.get(decision.procedure)
            if proc and proc.organ in charter.organs:
                facts["organ_ru"] = charter.organs[proc.organ]["name"]["ru"]
                facts["organ_gen_ru"] = ru_gen(facts["organ_ru"])
                facts["organ_en"] = charter.organs[proc.organ]["name"]["en"]
    mandate = getattr(case, "mandate", None) if hasattr(case, "mandate") else None
    if mandate is not None:
        facts["purpose_ru"] = mandate.purpose_ru.rstrip(".")
        facts["purpose_en"] = mandate.purpose_en.rstrip(".")
        facts["area"] = ", ".join(mandate.area)
        facts["contributing_ru"] = _names(charter, mandate.contributing, "ru")
        facts["contributing_en"] = _names(charter, mandate.contributing, "en")
    done = Event.objects.filter(case_ref=case.ref, type="forces:withdrawal:completed").order_by("at").first()
    if done is not None:
        facts["withdrawal_date"] = done.at.astimezone(zone).date().isoformat()
    return facts
