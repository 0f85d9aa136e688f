"""Cleaning and normalising names before they are compared.

Two layers, kept apart on purpose:

- `clean_query` decides what a *user-supplied* string may be (empty, too long, control
  characters) and says why it changed it, because a screening result must be explainable;
- `normalize` turns any string into the comparison form (NFKC, casefold, punctuation and
  hyphens to spaces), keeping the script, so that an exact hit can still be told apart from a
  transliterated one.

Nothing here raises on odd Unicode: unpaired surrogates, private-use characters and
combining marks all pass through to *some* string (a hypothesis test holds us to that).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

MAX_QUERY_CHARS = 500  # Longer "names" are documents, not names; we refuse rather than guess.


class QueryError(ValueError):
    """A query that cannot be screened (empty, too long); the message says why."""


@dataclass(frozen=True)
class CleanQuery:
    value: str
    notes: tuple[str, ...] = field(default_factory=tuple)


_SCRIPT_PREFIXES = {
    "CYRILLIC": "Cyrl",
    "LATIN": "Latn",
    "ARABIC": "Arab",
    "ARMENIAN": "Armn",
    "GEORGIAN": "Geor",
    "GREEK": "Grek",
    "HEBREW": "Hebr",
    "CJK": "Hani",
}


def scripts_of(text: str) -> set[str]:
    """ISO 15924 codes of the letters in text (digits and punctuation have no script)."""
    found: set[str] = set()
    for ch in text:
        if not ch.isalpha():
            continue
        name = unicodedata.name(ch, "")
        head = name.split(" ", 1)[0]
        found.add(_SCRIPT_PREFIXES.get(head, "Zyyy"))
    return found


def clean_query(text: str, *, max_chars: int = MAX_QUERY_CHARS) -> CleanQuery:
    """Validate and tidy a user query; raise QueryError with the reason if it is unusable."""
    if not isinstance(text, str):
        raise QueryError("a name must be text")
    notes: list[str] = []
    # Lone surrogates come from broken decoders; they cannot be encoded, so drop them first.
    if any(0xD800 <= ord(c) <= 0xDFFF for c in text):
        text = "".join(c for c in text if not 0xD800 <= ord(c) <= 0xDFFF)
        notes.append("removed invalid surrogate code points")
    controls = [c for c in text if unicodedata.category(c) in ("Cc", "Cf") and c not in " "]
    if controls:
        # Control characters (tabs, NUL, bell) become spaces; format characters (zero-width
        # joiners, bidi marks) disappear, since they are invisible and only break comparisons.
        text = "".join(
            (" " if unicodedata.category(c) == "Cc" else "")
            if unicodedata.category(c) in ("Cc", "Cf") else c
            for c in text
        )
        notes.append(f"removed {len(controls)} control/format character(s)")
    stripped = " ".join(text.split())
    if stripped != text and not controls:
        notes.append("collapsed whitespace")
    text = stripped
    if not text:
        raise QueryError("the name is empty")
    if len(text) > max_chars:
        raise QueryError(f"the name is {len(text)} characters long; at most {max_chars} are screened")
    if not any(c.isalnum() for c in text):
        raise QueryError("the name has no letters or digits")
    scripts = scripts_of(text) - {"Zyyy"}
    if len(scripts) > 1:
        # Mixed scripts are usually homoglyphs (a Cyrillic "а" in a Latin word); we screen them
        # anyway, because every letter is transliterated on its own, but we say so.
        notes.append("mixed scripts: " + "+".join(sorted(scripts)))
    return CleanQuery(text, tuple(notes))


# Hyphens, dashes, slashes, dots, quotes and brackets separate words in names: "Hizb ut-Tahrir",
# "ISIL/Da'esh", "Al-Qa'ida". Apostrophes and modifier letters are *deleted* instead, because
# transliterations use them for ʿayn/hamza and soft signs, and "Qa'ida" must equal "Qaida".
_DELETE = dict.fromkeys(map(ord, "'’‘`´ʼʹʺʻʽʾʿˈ\"“”«»‹›„ˮ\u0301"), None)
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―_/\\.,;:()\[\]{}<>!?|+*&#@~=^%$№]+")


def normalize(text: str) -> str:
    """Comparison form: NFKC, casefolded, control characters out, separators to one space."""
    text = "".join(c for c in text if not 0xD800 <= ord(c) <= 0xDFFF)
    text = unicodedata.normalize("NFKC", text)
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in text)
    text = text.casefold().translate(_DELETE)
    # ё is folded to е before anything else: lists write both, and some transliteration
    # libraries pass ё through unchanged (see the reference on iuliia).
    text = text.replace("ё", "е")
    return " ".join(_SEPARATORS.sub(" ", text).split())


# Arabic articles as they appear in Latin and Cyrillic spellings. They are dropped only when they
# are a separate word (after normalisation "al-Qaida" is "al qaida"), never inside a word.
ARTICLES = frozenset({
    "al", "el", "ul", "ol", "il",  # Latin: al-Qaida, el-Nusra, Hizb ut-Tahrir's "ut" is below
    "ut", "ud", "ur", "us", "ad", "ar", "as", "ash", "at", "az", "an", "ed", "es", "ez", "en",
    "аль", "ал", "эль", "эл", "ул", "уль", "ат", "ан", "ад", "ар", "аш", "ас", "аз", "ут", "уд",
    "әл", "ال",
})
# Words that are articles only when glued with a hyphen in the original ("an-Nusra"), and ordinary
# words otherwise ("an", "as", "at" in English). normalize() has already replaced the hyphen, so
# the caller passes the raw text to strip_articles for this distinction.
_AMBIGUOUS = frozenset({"an", "as", "at", "ad", "ar", "en", "es", "ed", "us", "ur", "ash"})
_HYPHENED = re.compile(r"(?<![^\W\d_])([^\W\d_]{1,4})[-‐‑]", re.UNICODE)


def strip_articles(normalized: str, raw: str | None = None) -> str:
    """Drop Arabic articles that stand as their own word; keep the name if nothing else is left."""
    tokens = normalized.split()
    hyphened = set()
    if raw is not None:
        hyphened = {m.group(1).casefold() for m in _HYPHENED.finditer(raw)}
    kept: list[str] = []
    if len(tokens) > 1 and tokens[0] == "the":
        tokens = tokens[1:]  # "The Houthis" = "Houthis"; only in front, never inside a name
    for tok in tokens:
        if tok in ARTICLES and (tok not in _AMBIGUOUS or tok in hyphened):
            continue
        # An Arabic-script article is glued: القاعدة -> قاعدة.
        if tok.startswith("ال") and len(tok) > 3:
            tok = tok[2:]
        kept.append(tok)
    return " ".join(kept) if kept else normalized
