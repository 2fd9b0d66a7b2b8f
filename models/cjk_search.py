"""Search for two-character words in Japanese, Chinese and Korean on PostgreSQL.

A trigram index cannot serve a two-character search term (it has no trigram), and such terms are the
common case in these languages (配送, 환불, 返金). So PostgreSQL also indexes every pair of adjacent CJK
characters of the search text (`earful_cjk_bigrams`, a GIN index over the array), and a short CJK search
asks for the text to hold the term's pairs as well as contain the term. SQLite scans either way, so the extra
condition renders as a no-op there.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

# Hiragana, katakana, CJK ideographs (extension A and unified, compatibility) and Hangul syllables.
CJK_CLASS = "\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af"
_RUN = re.compile(f"[{CJK_CLASS}]{{2,}}")
_WORD = re.compile(r"\w+")
TRIGRAM = 3

# The SQL function as migration 0009 creates it; the regex escapes are PostgreSQL's (\uXXXX).
BIGRAMS_FUNCTION = r"""
CREATE OR REPLACE FUNCTION earful_cjk_bigrams(doc text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
  SELECT coalesce(array_agg(DISTINCT substr(run[1], i, 2)), '{}')
  FROM regexp_matches(doc, '([\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]{2,})', 'g') AS run,
       generate_series(1, char_length(run[1]) - 1) AS i
$fn$"""


def cjk_bigrams(text: str) -> list[str]:
    """Every pair of adjacent CJK characters in the text, once each, in order of first appearance."""
    pairs = (run[i: i + 2] for run in _RUN.findall(text) for i in range(len(run) - 1))
    return list(dict.fromkeys(pairs))


def needs_bigrams(term: str) -> list[str]:
    """The CJK pairs a search term should be looked up by: only when no word of it is long enough for trigrams."""
    words = _WORD.findall(term)
    if not words or max(len(word) for word in words) >= TRIGRAM:
        return []
    return cjk_bigrams(term)


class contains_cjk_bigrams(FunctionElement[bool]):
    """`earful_cjk_bigrams(document) @> ARRAY[pairs]` on PostgreSQL; true elsewhere (the LIKE decides)."""

    type = sa.Boolean()
    inherit_cache = True
    name = "contains_cjk_bigrams"


@compiles(contains_cjk_bigrams)
def _everywhere_else(element: contains_cjk_bigrams, compiler: SQLCompiler, **kw: Any) -> str:
    return "1 = 1"


@compiles(contains_cjk_bigrams, "postgresql")
def _postgresql(element: contains_cjk_bigrams, compiler: SQLCompiler, **kw: Any) -> str:
    document, *pairs = element.clauses
    listed = ", ".join(compiler.process(pair, **kw) for pair in pairs)
    return f"earful_cjk_bigrams({compiler.process(document, **kw)}) @> CAST(ARRAY[{listed}] AS TEXT[])"
