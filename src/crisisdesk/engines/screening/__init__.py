"""Name screening, Django-free: normalisation, transliteration keys, candidate index, scorer.

Plain dataclasses in and out: the registry app turns its organisations into `Entity` values,
builds a `ScreeningIndex` and turns `Match` values into its JSON.
"""

from .index import (
    DEFAULT_THRESHOLD,
    NAME_TYPES,
    Entity,
    Match,
    Name,
    Result,
    ScreeningIndex,
    acronyms,
    screen_many,
)
from .normalize import MAX_QUERY_CHARS, CleanQuery, QueryError, clean_query, normalize, strip_articles
from .translit import BGN, GOST, ICAO, SCHEMES, fold, transliterations

__all__ = [
    "BGN", "DEFAULT_THRESHOLD", "GOST", "ICAO", "MAX_QUERY_CHARS", "NAME_TYPES", "SCHEMES",
    "CleanQuery", "Entity", "Match", "Name", "QueryError", "Result", "ScreeningIndex",
    "acronyms", "clean_query", "fold", "normalize", "screen_many", "strip_articles",
    "transliterations",
]
