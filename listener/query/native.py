"""Listening queries in each platform's own search syntax.

A native query is only a prefilter: whatever a platform cannot express is relaxed (made broader), so its
search returns at least every post the full query matches, and ingestion applies `listener.query.language.matches` to
what comes back. `network:` filters are decided at compile time for the network compiled for; `lang:` is kept
only where the platform has it (X). A query that can never match there, or that would search for everything,
is a QueryCompileError: that is a mistake to show when the source is saved, not a reason to read a firehose.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from listener.query.language import And, Filter, Not, Or, Query, Term, all_of, any_of

X_MAX_LENGTH = 512  # characters, on the pay-per-use and Basic tiers
_BARE_WORD = re.compile(r"\w+")
_X_BARE_WORD = re.compile(r"[#@]?\w+")
_HASHTAG = re.compile(r"#(\w+)")
_RESERVED = frozenset({"and", "or", "not"})


class QueryCompileError(ValueError):
    """The query cannot be searched for on this platform; the message says why and what to change."""


def specialize(query: Query, network: str, *, keep_lang: bool, positive: bool = True) -> Query | bool:
    """`network:` filters become constants; `lang:` ones, unless kept, become whatever is broader where they
    stand (true, or false under a NOT); constants are then folded away."""
    if isinstance(query, Term):
        return query
    if isinstance(query, Filter):
        if query.key == "network":
            return query.value == network
        return query if keep_lang else positive
    if isinstance(query, Not):
        inner = specialize(query.operand, network, keep_lang=keep_lang, positive=not positive)
        return (not inner) if isinstance(inner, bool) else Not(inner)
    parts = [specialize(op, network, keep_lang=keep_lang, positive=positive) for op in query.operands]
    return _fold(parts, conjunction=isinstance(query, And))


def _fold(parts: Iterable[Query | bool], *, conjunction: bool) -> Query | bool:
    """And/Or over operands some of which are constants; `conjunction` is also the neutral constant."""
    kept: list[Query] = []
    for part in parts:
        if part is (not conjunction):
            return not conjunction
        if not isinstance(part, bool):
            kept.append(part)
    if not kept:
        return conjunction
    return all_of(*kept) if conjunction else any_of(*kept)


def negation_normal_form(query: Query, negate: bool = False) -> Query:
    """NOTs pushed down onto terms and filters (De Morgan), so no platform has to negate a group."""
    if isinstance(query, Term | Filter):
        return Not(query) if negate else query
    if isinstance(query, Not):
        return negation_normal_form(query.operand, not negate)
    parts = [negation_normal_form(op, negate) for op in query.operands]
    return all_of(*parts) if isinstance(query, And) != negate else any_of(*parts)


def _searchable(query: Query, network: str, *, keep_lang: bool) -> Query:
    specialized = specialize(query, network, keep_lang=keep_lang)
    if specialized is False:
        raise QueryCompileError(f"this query can never match a post on {network}: check its network: filters")
    if specialized is True:
        raise QueryCompileError(f"this query has nothing to search for on {network}: add a word it must contain")
    return specialized


# --- X ------------------------------------------------------------------------------------------------------

def to_x(query: Query, *, max_length: int = X_MAX_LENGTH) -> str:
    """X API v2 search: space is AND, OR, `-` negation, parentheses, quoted phrases, `lang:xx`."""
    native = negation_normal_form(_searchable(query, "x", keep_lang=True))
    if not _anchored(native):
        raise QueryCompileError("X cannot search for negations or lang: alone: every alternative needs a word "
                                "that is not negated, e.g. 'lumo -spam'")
    text = _x_text(native)
    if len(text) > max_length:
        raise QueryCompileError(f"this query is {len(text)} characters in X syntax; X allows {max_length}")
    return text


def _anchored(query: Query) -> bool:
    """X needs a positive keyword in every alternative (negated and conjunction-only operators can't stand alone)."""
    if isinstance(query, Term):
        return True
    if isinstance(query, And):
        return any(_anchored(op) for op in query.operands)
    if isinstance(query, Or):
        return all(_anchored(op) for op in query.operands)
    return False


def _x_text(query: Query) -> str:
    if isinstance(query, Term):
        bare = _X_BARE_WORD.fullmatch(query.text) and query.text.lower() not in _RESERVED
        return query.text if bare else f'"{query.text}"'
    if isinstance(query, Filter):
        return f"lang:{query.value}"
    if isinstance(query, Not):
        return "-" + _x_text(query.operand)
    if isinstance(query, And):
        return " ".join(_parenthesized(_x_text(op), isinstance(op, Or)) for op in query.operands)
    return " OR ".join(_parenthesized(_x_text(op), isinstance(op, And)) for op in query.operands)


def _parenthesized(text: str, needed: bool) -> str:
    return f"({text})" if needed else text


# --- Reddit -------------------------------------------------------------------------------------------------

def to_reddit(query: Query) -> str:
    """Reddit search (lucene syntax): AND, OR, NOT, quotes, parentheses. A NOT is kept only beside a positive
    operand of the same AND: a group of negations alone matches nothing there. `lang:` is dropped."""
    native = _lucene_negations(negation_normal_form(_searchable(query, "reddit", keep_lang=False)))
    if isinstance(native, bool):
        raise QueryCompileError("Reddit search needs a word that every match contains, not only negations")
    return _reddit_text(native)


def _lucene_negations(query: Query) -> Query | bool:
    # In negation normal form every node is monotone, so replacing a literal by "true" only broadens.
    if isinstance(query, Not):
        return True
    if isinstance(query, Or):
        return _fold((_lucene_negations(op) for op in query.operands), conjunction=False)
    if isinstance(query, And):
        positives = _fold((_lucene_negations(op) for op in query.operands if not isinstance(op, Not)),
                          conjunction=True)
        if positives is True:
            return True
        return all_of(positives, *(op for op in query.operands if isinstance(op, Not)))  # type: ignore[arg-type]
    return query


def _reddit_text(query: Query) -> str:
    if isinstance(query, Term):
        return _plain_term(query.text, escape_backslash=True)
    if isinstance(query, Not):
        return "NOT " + _reddit_text(query.operand)
    if isinstance(query, And):
        return " AND ".join(_parenthesized(_reddit_text(op), isinstance(op, Or)) for op in query.operands)
    if isinstance(query, Or):
        return " OR ".join(_parenthesized(_reddit_text(op), isinstance(op, And)) for op in query.operands)
    raise AssertionError(f"no {query} in a Reddit query: filters are compiled away")


def _plain_term(text: str, *, escape_backslash: bool = False) -> str:
    if _BARE_WORD.fullmatch(text) and text.lower() not in _RESERVED:
        return text
    return '"' + (text.replace("\\", "\\\\") if escape_backslash else text) + '"'


# --- Hacker News (Algolia) ----------------------------------------------------------------------------------

def to_hackernews(query: Query) -> str:
    """Algolia takes plain words and phrases, all required: the words and phrases the query's top level ANDs
    together, a best-effort prefilter (what sits under OR or NOT, and lang:, is left to the local filter).
    Phrases need Algolia's advancedSyntax; without it they degrade to all-words, which is still broader."""
    native = _searchable(query, "hackernews", keep_lang=False)
    operands = native.operands if isinstance(native, And) else (native,)
    required = [op.text for op in operands if isinstance(op, Term)]
    if not required:
        raise QueryCompileError("Hacker News search needs a word or phrase that every match contains "
                                "(outside OR and NOT), e.g. 'lumo (refund OR late)'")
    return " ".join(_plain_term(text) for text in required)


# --- Mastodon -----------------------------------------------------------------------------------------------

def to_mastodon(query: Query) -> tuple[str, ...] | None:
    """The hashtags (without '#', lowercase) whose timelines hold every match, or None when no set of hashtags
    covers the query (read the public timeline or search instead, and filter locally)."""
    specialized = specialize(query, "mastodon", keep_lang=False)
    if specialized is False:
        raise QueryCompileError("this query can never match a post on mastodon: check its network: filters")
    if specialized is True:
        return None
    cover = _hashtag_cover(specialized)
    return tuple(sorted(cover)) if cover is not None else None


def _hashtag_cover(query: Query) -> frozenset[str] | None:
    """Hashtags at least one of which every match carries, or None if there is no such set."""
    if isinstance(query, Term):
        hashtag = _HASHTAG.fullmatch(query.text)
        return frozenset({hashtag.group(1).lower()}) if hashtag else None
    if isinstance(query, Or):
        covers = [_hashtag_cover(op) for op in query.operands]
        return None if any(c is None for c in covers) else frozenset().union(*covers)  # type: ignore[arg-type]
    if isinstance(query, And):
        found = [cover for cover in map(_hashtag_cover, query.operands) if cover is not None]
        return min(found, key=len) if found else None
    return None


def native_query(text: object, compiler: Callable[[Query], str]) -> str:
    """A source's stored query compiled for its network; a bad one stops the source with the reason."""
    from listener.base import PermanentCollectorError
    from listener.query.language import QuerySyntaxError, parse

    if not isinstance(text, str) or not text.strip():
        raise PermanentCollectorError("this source needs a listening query in its config")
    try:
        return compiler(parse(text))
    except (QuerySyntaxError, QueryCompileError) as error:
        raise PermanentCollectorError(f"listening query: {error}") from None
