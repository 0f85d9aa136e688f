"""Transliteration keys: the Latin spellings under which a non-Latin name appears in lists.

Member states' lists spell the same organisation in several systems, so every name is indexed
under each of them and the explanation names the scheme that matched:

- ``gost-7.79-b``: GOST 7.79-2000 System B (ASCII; Щ→shh, Ц→cz/c, Х→x, Й→j, with the backtick
  forms for the non-Russian letters Ә Ғ Қ Ң Ө Ұ Ү Һ Ҳ Ҷ Ӣ Ӯ);
- ``icao-9303``: ICAO Doc 9303 machine-readable passports (Й→i, Ц→ts, Ю→iu, Я→ia, Х→kh);
- ``bgn-pcgn``: BGN/PCGN romanisation (Russian 1947; Kazakh/Kyrgyz 1979 and the Tajik system
  for their own letters: Қ→q, Ғ→gh, Ң→ng, Ҷ→j, Ҳ→h), with е→ye at the start of a word;
- Armenian: BGN/PCGN 1981; Arabic: a BGN/PCGN-style consonant rendering (unvocalised Arabic
  loses its vowels, so Arabic names are also matched in Arabic script and by consonant skeleton).

The tables are written out here rather than taken from ICU because ICU's generic transform fails
on the Kazakh, Kyrgyz and Tajik letters and has no Tajik transform at all (see
shared/reference/designations.md §4). `anyascii` covers every other script as a last resort.

`fold` is the "informal spelling" key: it maps the variants that differ between systems and
between informal writers (kh/x/h, shch/shh/sch, y/j/i, ou/u, q/k, doubled letters, final h) to
one form, so "Islamskoye", "Islamskoe" and "Islamskoje" meet.
"""

from __future__ import annotations

import re
import unicodedata

try:  # anyascii is a declared dependency; the fallback keeps the engine importable without it.
    from anyascii import anyascii as _anyascii
except ImportError:  # pragma: no cover
    def _anyascii(text: str) -> str:
        return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()

GOST = "gost-7.79-b"
ICAO = "icao-9303"
BGN = "bgn-pcgn"
ANYASCII = "anyascii"
SCHEMES = (GOST, ICAO, BGN)

# Letters shared by the three Cyrillic schemes.
_COMMON = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z", "и": "i",
    "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "ч": "ch", "ш": "sh", "і": "i", "ї": "i", "є": "ye", "ґ": "g",
    "ў": "u", "һ": "h",
}
_GOST = {
    **_COMMON, "й": "j", "х": "x", "ц": "cz", "щ": "shh", "ъ": "", "ы": "y", "ь": "", "э": "e",
    "ю": "yu", "я": "ya", "ё": "yo",
    # GOST 7.79 B marks the non-Russian letters with a backtick, which normalisation deletes.
    "ә": "a", "ғ": "g", "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "ҳ": "x", "ҷ": "ch",
    "ӣ": "i", "ӯ": "u",
}
_ICAO = {
    **_COMMON, "й": "i", "х": "kh", "ц": "ts", "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e",
    "ю": "iu", "я": "ia", "ё": "e",
    "ә": "a", "ғ": "g", "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "ҳ": "kh", "ҷ": "ch",
    "ӣ": "i", "ӯ": "u",
}
_BGN = {
    **_COMMON, "й": "y", "х": "kh", "ц": "ts", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e",
    "ю": "yu", "я": "ya", "ё": "ye",
    "ә": "a", "ғ": "gh", "қ": "q", "ң": "ng", "ө": "o", "ұ": "u", "ү": "u", "ҳ": "h", "ҷ": "j",
    "ӣ": "i", "ӯ": "u",
}
_CYR_VOWELS = set("аеёиоуыэюяәөұүіӣӯ")

# Armenian, BGN/PCGN 1981 (Eastern Armenian).
_ARMENIAN = {
    "ա": "a", "բ": "b", "գ": "g", "դ": "d", "ե": "e", "զ": "z", "է": "e", "ը": "y", "թ": "t",
    "ժ": "zh", "ի": "i", "լ": "l", "խ": "kh", "ծ": "ts", "կ": "k", "հ": "h", "ձ": "dz",
    "ղ": "gh", "ճ": "ch", "մ": "m", "յ": "y", "ն": "n", "շ": "sh", "ո": "o", "չ": "ch",
    "պ": "p", "ջ": "j", "ռ": "r", "ս": "s", "վ": "v", "տ": "t", "ր": "r", "ց": "ts",
    "փ": "p", "ք": "k", "և": "yev", "օ": "o", "ֆ": "f",
}

# Arabic (and the Persian/Urdu letters UN names use), consonants as BGN/PCGN writes them.
_ARABIC = {
    "ا": "a", "أ": "a", "إ": "i", "آ": "a", "ٱ": "a", "ب": "b", "ت": "t", "ث": "th", "ج": "j",
    "ح": "h", "خ": "kh", "د": "d", "ذ": "dh", "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s",
    "ض": "d", "ط": "t", "ظ": "z", "ع": "", "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ل": "l",
    "م": "m", "ن": "n", "ه": "h", "ة": "a", "و": "w", "ي": "y", "ى": "a", "ء": "", "ئ": "",
    "ؤ": "", "پ": "p", "چ": "ch", "ژ": "zh", "گ": "g", "ک": "k", "ی": "y", "ٹ": "t", "ڈ": "d",
    "ڑ": "r", "ں": "n", "ھ": "h", "ہ": "h", "ے": "e", "ۃ": "a",
}


def _cyrillic(text: str, table: dict[str, str], scheme: str) -> str:
    out: list[str] = []
    prev = " "
    for i, ch in enumerate(text):
        rep = table.get(ch)
        if rep is None:
            out.append(ch)
        elif scheme == BGN and ch == "е" and (prev in _CYR_VOWELS or prev in " ъь"):
            rep = "ye"  # BGN/PCGN: е is "ye" initially and after vowels and signs.
            out.append(rep)
        elif scheme == GOST and ch == "ц":
            nxt = text[i + 1] if i + 1 < len(text) else " "
            out.append("c" if nxt in "иеыйiey" else "cz")  # 7.79 B: ц→c before и е ы й
        else:
            out.append(rep)
        prev = ch
    return "".join(out)


def _armenian(text: str) -> str:
    text = text.replace("ու", "u")
    out: list[str] = []
    prev = " "
    for ch in text:
        rep = _ARMENIAN.get(ch)
        if rep is None:
            out.append(ch)
        elif ch == "ե" and prev == " ":
            out.append("ye")
        elif ch == "ո" and prev == " ":
            out.append("vo")
        else:
            out.append(rep)
        prev = ch
    return "".join(out)


def _arabic(text: str) -> str:
    # Unvocalised: long vowels written as و/ي after a consonant are u/i, not w/y.
    out: list[str] = []
    prev_consonant = False
    for ch in text:
        rep = _ARABIC.get(ch)
        if rep is None:
            out.append(ch)
            prev_consonant = False
            continue
        if ch == "و" and prev_consonant:
            rep = "u"
        elif ch in "يی" and prev_consonant:
            rep = "i"
        out.append(rep)
        prev_consonant = rep not in ("", "a", "i", "u")
    return "".join(out)


_HAS_CYR = re.compile(r"[\u0400-\u04ff]")
_HAS_ARM = re.compile(r"[\u0530-\u058f]")
_HAS_ARAB = re.compile(r"[\u0600-\u06ff\u0750-\u077f]")
_ASCII = re.compile(r"^[\x00-\x7f]*$")


def _finish(text: str) -> str:
    """Anything still outside ASCII (other scripts, Latin diacritics) goes through anyascii."""
    if not _ASCII.match(text):
        text = _anyascii(text).lower()
    return " ".join(re.sub(r"[^a-z0-9 ]+", "", text).split())


def transliterations(normalized: str) -> dict[str, str]:
    """Latin keys of a normalised name, by scheme; a Latin name yields {"latin": itself}."""
    keys: dict[str, str] = {}
    cyr = bool(_HAS_CYR.search(normalized))
    arm = bool(_HAS_ARM.search(normalized))
    arab = bool(_HAS_ARAB.search(normalized))
    if not (cyr or arm or arab):
        if _ASCII.match(normalized):
            return {"latin": normalized}
        keys["latin"] = _finish(_latin_fold_letters(normalized))
        return keys
    # The three Cyrillic schemes differ; Armenian and Arabic have one table (BGN/PCGN) here.
    tables = ((GOST, _GOST), (ICAO, _ICAO), (BGN, _BGN)) if cyr else ((BGN, _BGN),)
    for scheme, table in tables:
        text = _cyrillic(normalized, table, scheme) if cyr else normalized
        if arm:
            text = _armenian(text)
        if arab:
            text = _arabic(text)
        keys[scheme] = _finish(text)
    keys[ANYASCII] = _finish(_anyascii(normalized).lower())
    return keys


# Latin letters with diacritics that stand for digraphs in the national Latin alphabets
# (Kazakh 2021: ş ç ğ ñ; Czech-style š ž č used by some ISO 9 renderings).
_LATIN_DIGRAPHS = str.maketrans({
    "š": "sh", "ş": "sh", "ž": "zh", "č": "ch", "ç": "ch", "ğ": "gh", "ı": "i", "ŝ": "sh",
    "ḩ": "h", "ḥ": "h", "ẖ": "h", "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l",
})


def _latin_fold_letters(text: str) -> str:
    text = text.translate(_LATIN_DIGRAPHS)
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


# Ordered rewrite rules for the informal-spelling key. Order matters: longer digraphs first.
_FOLD_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), r)
    for p, r in (
        (r"shch|shh|sch", "sh"),
        (r"dzh|dj", "j"),
        (r"(?<=[iy])[jy](?=\b|[^aeiou])", ""),  # -ий/-ый endings: ij, iy, yj, yy, ii
        (r"tch", "ch"),
        (r"cz|tz", "ts"),
        (r"kh|x", "h"),
        (r"c(?=[eiy])", "ts"),  # GOST 7.79 B writes ц as c before e/i/y (Elcin = Eltsin)
        (r"ck|q|c(?!h)", "k"),
        (r"ph", "f"),
        (r"w", "v"),
        (r"ou|oo", "u"),
        (r"ee", "i"),
        (r"j(?=\b|[^aeiou])", "i"),  # й before a consonant or at the end is a vowel glide
        (r"y(?=\b|[^aeiou])", "i"),  # ы/й/y as a vowel: Islamskiy, Tajikiston-i
        (r"iu", "yu"),  # ICAO ю/я: iu/ia meet yu/ya
        (r"ia", "ya"),
        (r"\bye", "e"),  # BGN's initial ye- for е
        (r"(?<=[aeiou])h\b", ""),  # Ansarullah / Ansarulla, Jamaah / Jamaa
        (r"(.)\1+", r"\1"),  # doubled letters: Allah/Alah, Hizbullah/Hizbulah
    )
)


def fold(latin: str) -> str:
    """The informal-spelling key of a Latin string (already lower-case ASCII)."""
    text = latin
    for pattern, rep in _FOLD_RULES:
        text = pattern.sub(rep, text)
    return text


_VOWELS = re.compile(r"[aeiouy ]+")


def skeleton(latin_folded: str) -> str:
    """Consonant skeleton, used only to meet unvocalised Arabic with its Latin spellings."""
    text = latin_folded.replace("th", "t").replace("dh", "d").replace("gh", "g").replace("sh", "s")
    text = text.replace("h", "").replace("v", "")
    return re.sub(r"(.)\1+", r"\1", _VOWELS.sub("", text))
