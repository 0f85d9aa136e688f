"""The candidate index and the scorer.

Every stored name is indexed under several keys, cheapest and most certain first:

=======================  ======  =============================================================
key                      score   how
=======================  ======  =============================================================
exact (normalised)       1.00    ``exact``
articles dropped         0.98    ``normalized``           (al-/аль-/ал-, ut-, an-…)
same words, any order    0.96    ``token_order``
transliteration          0.95    ``transliteration:<scheme>`` (gost-7.79-b, icao-9303, …)
informal spelling        0.92    ``transliteration:informal`` (kh/x/h, ou/u, y/j/i, doubles)
spaces removed           0.92    ``normalized:spacing``   (Alqaida = Al-Qaida)
derived acronym          0.88    ``acronym``              (ISIL, ИГИЛ, IMU from stored names)
Arabic consonants        0.85    ``transliteration:arabic-skeleton``
typos                    ≤0.93   ``fuzzy:levenshtein`` / ``fuzzy:token_sort`` (graded)
=======================  ======  =============================================================

A weak alias (UN "Low" quality, FtM ``weakAlias``) scores 0.92 of that, because such aliases are
short and generic and are what produces false alerts in other tools.

Exact keys are dictionary look-ups. Typos go through a character-trigram index that keeps the
30 stored keys sharing most trigrams with the query, and only those are compared with
rapidfuzz, so the cost per query does not grow with the list.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from .normalize import CleanQuery, QueryError, clean_query, normalize, scripts_of, strip_articles
from .translit import fold, skeleton, transliterations

DEFAULT_THRESHOLD = 0.74  # Best F1 with ≤1 % false positives on bench/screening/pairs.jsonl.
NAME_TYPES = ("primary", "alias", "previous", "abbreviation", "weak")

S_EXACT, S_NORMALIZED, S_ORDER, S_TRANSLIT, S_INFORMAL, S_SPACING = 1.0, 0.98, 0.96, 0.95, 0.92, 0.92
S_INFORMAL_ORDER, S_ACRONYM, S_SKELETON, FUZZY_SCALE = 0.90, 0.88, 0.85, 0.94
TOKEN_MISS_FACTOR = 0.9  # a whole word that matches nothing on the other side
WEAK_FACTOR = 0.92
FUZZY_CANDIDATES = 30
MIN_FUZZY_LEN = 5

# Words skipped when an acronym is derived from a name ("Islamic State in Iraq and the Levant" →
# ISIL; "Исламское государство Ирака и Леванта" → ИГИЛ → igil). Transliterated, so one list.
_ACRONYM_STOP = frozenset({
    "of", "the", "and", "in", "for", "on", "a", "an", "to", "de", "la", "des", "du", "et",
    "i", "v", "na", "po", "dlya", "dlia", "iz", "s", "k", "va", "wa", "fi", "li", "e", "ul", "ut",
})


@dataclass(frozen=True)
class Name:
    value: str
    name_type: str = "primary"
    script: str = ""
    lang: str = ""


@dataclass(frozen=True)
class Entity:
    id: str
    caption: str
    names: tuple[Name, ...]
    kind: str = "organization"  # "organization" or "person"; acronyms are derived only for the former
    payload: Any = field(default=None, compare=False, hash=False)


@dataclass(frozen=True)
class Match:
    entity_id: str
    caption: str
    score: float
    matched_name: str
    how: str
    name_type: str
    payload: Any = field(default=None, compare=False, hash=False)


@dataclass(frozen=True)
class Result:
    query: str
    matches: tuple[Match, ...]
    notes: tuple[str, ...] = ()


def _sorted_tokens(text: str) -> str:
    return " ".join(sorted(text.split()))


def _trigrams(key: str) -> set[str]:
    padded = f" {key} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


def acronyms(latin_keys: Iterable[str]) -> set[str]:
    """Acronyms derivable from the Latin keys of one name (first letters of its words)."""
    found: set[str] = set()
    for key in latin_keys:
        words = [w for w in key.split() if w not in _ACRONYM_STOP and len(w) > 1 and w.isalpha()]
        if 2 <= len(words) <= 8:
            found.add("".join(w[0] for w in words))  # not folded: ISILL ≠ ISIL
    return found


class ScreeningIndex:
    """An immutable index over entities; build once, screen many names."""

    def __init__(self, entities: Sequence[Entity]):
        self.entities: tuple[Entity, ...] = tuple(entities)
        self._refs: list[tuple[int, int]] = []
        self._exact: dict[str, list[int]] = defaultdict(list)
        self._noart: dict[str, list[int]] = defaultdict(list)
        self._ordered: dict[str, list[int]] = defaultdict(list)
        self._translit: dict[str, list[tuple[int, str]]] = defaultdict(list)
        self._fold: dict[str, list[int]] = defaultdict(list)
        self._fold_sorted: dict[str, list[int]] = defaultdict(list)
        self._nospace: dict[str, list[int]] = defaultdict(list)
        self._acronym: dict[str, list[int]] = defaultdict(list)
        self._skeleton: dict[str, list[int]] = defaultdict(list)
        fuzzy: dict[str, list[int]] = defaultdict(list)
        for e_i, entity in enumerate(self.entities):
            for n_i, name in enumerate(entity.names):
                ref = len(self._refs)
                self._refs.append((e_i, n_i))
                norm = normalize(name.value)
                if not norm:
                    continue
                noart = strip_articles(norm, name.value)
                self._exact[norm].append(ref)
                self._noart[noart].append(ref)
                self._ordered[_sorted_tokens(noart)].append(ref)
                keys = transliterations(noart)
                for scheme, key in keys.items():
                    self._translit[key].append((ref, scheme))
                folds = {fold(k) for k in keys.values() if k}
                full_folds = {fold(k) for k in transliterations(norm).values() if k}
                for f in folds:
                    self._fold[f].append(ref)
                    self._fold_sorted[_sorted_tokens(f)].append(ref)
                for f in folds | full_folds:
                    # With the article kept too: a typo in a short name ("Al-Qiada") is one
                    # edit in eight letters, not one in five.
                    if ref not in fuzzy[f]:
                        fuzzy[f].append(ref)
                    if len(f) >= 8 and f.count(" ") < 8:
                        self._skeleton[skeleton(f)].append(ref)
                for f in folds | full_folds:
                    self._nospace[f.replace(" ", "")].append(ref)
                if entity.kind == "organization":
                    for acr in acronyms(keys.values()) | acronyms(transliterations(norm).values()):
                        self._acronym[acr].append(ref)
        self._fkeys: list[str] = list(fuzzy)
        self._fkeys_sorted: list[str] = [_sorted_tokens(k) for k in self._fkeys]
        self._frefs: list[list[int]] = [fuzzy[k] for k in self._fkeys]
        grams: dict[str, list[int]] = defaultdict(list)
        for k_i, key in enumerate(self._fkeys):
            for g in _trigrams(key):
                grams[g].append(k_i)
        self._grams = dict(grams)
        self._gram_cap = max(50, len(self._fkeys) // 5)  # trigrams this common carry no signal

    def __len__(self) -> int:
        return len(self.entities)

    # -- scoring -----------------------------------------------------------------------------

    def screen(self, query: str, *, threshold: float = DEFAULT_THRESHOLD, limit: int = 10) -> Result:
        """Screen one name; raises QueryError (with the reason) for an unusable query."""
        cleaned: CleanQuery = clean_query(query)
        best: dict[int, tuple[float, int, str]] = {}

        def offer(refs: Iterable[int], score: float, how: str) -> None:
            for ref in refs:
                e_i, n_i = self._refs[ref]
                name = self.entities[e_i].names[n_i]
                s = score * WEAK_FACTOR if name.name_type == "weak" else score
                s = round(s, 3)
                cur = best.get(e_i)
                if cur is None or s > cur[0]:
                    best[e_i] = (s, ref, how)

        raw = cleaned.value
        norm = normalize(raw)
        if not norm:
            raise QueryError("the name has nothing left to compare after normalisation")
        noart = strip_articles(norm, raw)
        offer(self._exact.get(norm, ()), S_EXACT, "exact")
        offer(self._noart.get(noart, ()), S_NORMALIZED, "normalized")
        offer(self._ordered.get(_sorted_tokens(noart), ()), S_ORDER, "token_order")
        keys = transliterations(noart)
        query_latin = "latin" in keys
        for scheme, key in keys.items():
            for ref, stored_scheme in self._translit.get(key, ()):
                if stored_scheme == "latin" and query_latin:
                    offer((ref,), S_NORMALIZED, "normalized")  # same letters once diacritics go
                    continue
                used = stored_scheme if stored_scheme != "latin" else scheme
                offer((ref,), S_TRANSLIT, f"transliteration:{used}")
        folds = {fold(k) for k in keys.values() if k}
        full_folds = {fold(k) for k in transliterations(norm).values() if k}
        for f in folds:
            offer(self._fold.get(f, ()), S_INFORMAL, "transliteration:informal")
            offer(self._fold_sorted.get(_sorted_tokens(f), ()), S_INFORMAL_ORDER, "token_order")
        for f in folds | full_folds:
            offer(self._nospace.get(f.replace(" ", ""), ()), S_SPACING, "normalized:spacing")
        tokens = noart.split()
        if len(tokens) == 1 and 2 <= len(tokens[0]) <= 8:
            for key in set(keys.values()):
                offer(self._acronym.get(key, ()), S_ACRONYM, "acronym")
        if "Arab" in scripts_of(noart):
            for f in folds:
                if len(f) >= 6:
                    offer(self._skeleton.get(skeleton(f), ()), S_SKELETON,
                          "transliteration:arabic-skeleton")
        for f in folds | full_folds:
            if len(f.replace(" ", "")) >= MIN_FUZZY_LEN:
                self._fuzzy(f, offer)
        ranked = sorted(
            (v[0], e_i, v[1], v[2]) for e_i, v in best.items() if v[0] >= threshold
        )
        ranked.sort(key=lambda t: (-t[0], self.entities[t[1]].id))
        matches = []
        for score, e_i, ref, how in ranked[:limit]:
            entity = self.entities[e_i]
            name = entity.names[self._refs[ref][1]]
            matches.append(Match(entity.id, entity.caption, score, name.value, how,
                                 name.name_type, entity.payload))
        return Result(raw, tuple(matches), cleaned.notes)

    def _fuzzy(self, key: str, offer) -> None:
        counts: dict[int, int] = defaultdict(int)
        cap = self._gram_cap
        for g in _trigrams(key):
            posting = self._grams.get(g)
            if posting is None or len(posting) > cap:
                continue
            for k_i in posting:
                counts[k_i] += 1
        if not counts:
            return
        top = heapq.nlargest(FUZZY_CANDIDATES, counts.items(), key=lambda kv: kv[1])
        key_sorted = _sorted_tokens(key)
        # Below this similarity the score cannot reach any sensible threshold; rapidfuzz stops
        # early with score_cutoff, which is what keeps this loop cheap.
        cutoff = 0.75
        for k_i, _ in top:
            # OSA: Levenshtein that counts a transposition ("Qiada") as one edit.
            plain = OSA.normalized_similarity(key, self._fkeys[k_i], score_cutoff=cutoff)
            ordered = OSA.normalized_similarity(key_sorted, self._fkeys_sorted[k_i], score_cutoff=cutoff)
            sim = max(plain, ordered)
            if sim < cutoff or sim >= 1.0:
                continue  # equal keys were already scored by the exact tiers
            score = FUZZY_SCALE * sim
            if _word_missing(key, self._fkeys[k_i]):
                # "Партия исламского возрождения" is not "…освобождения": the characters are
                # close, but one word has no counterpart at all.
                score *= TOKEN_MISS_FACTOR
            how = "fuzzy:levenshtein" if plain >= ordered else "fuzzy:token_sort"
            offer(self._frefs[k_i], score, how)


def _word_missing(a: str, b: str) -> bool:
    """True if some word of either side resembles no word of the other (ratio < 0.80)."""
    ta, tb = a.split(), b.split()
    for left, right in ((ta, tb), (tb, ta)):
        for word in left:
            if len(word) < 4:
                continue
            if max(fuzz.ratio(word, other) for other in right) < 80:
                return True
    return False


def screen_many(index: ScreeningIndex, names: Iterable[str], **kw) -> list[Result | QueryError]:
    """Screen names in order; a bad name yields its QueryError in place, not an exception."""
    out: list[Result | QueryError] = []
    for name in names:
        try:
            out.append(index.screen(name, **kw))
        except QueryError as exc:
            out.append(exc)
    return out
