"""The listening query language: parsing, errors, printing, local matching, compilers, and their properties."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from listener.platforms import NETWORK_NAMES
from listener.query.language import (
    And,
    Filter,
    Not,
    Or,
    Query,
    QuerySyntaxError,
    Term,
    all_of,
    any_of,
    format_query,
    matches,
    parse,
)
from listener.query.native import QueryCompileError, to_hackernews, to_mastodon, to_reddit, to_x

lumo, late, refund, spam = Term("lumo"), Term("late"), Term("refund"), Term("spam")


# --- parsing --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("lumo", lumo),
    ("lumo late", And((lumo, late))),
    ("lumo AND late", And((lumo, late))),
    ("lumo OR late refund", Or((lumo, And((late, refund))))),
    ("(lumo OR late) refund", And((Or((lumo, late)), refund))),
    ("lumo -spam", And((lumo, Not(spam)))),
    ("lumo NOT spam", And((lumo, Not(spam)))),
    ("NOT lumo OR late", Or((Not(lumo), late))),
    ("-(lumo OR late)", Not(Or((lumo, late)))),
    ("--lumo", Not(Not(lumo))),
    ("(lumo late) (refund)", And((lumo, late, refund))),
    ("((lumo OR late) OR refund)", Or((lumo, late, refund))),
    ("lumo and late or not", And((lumo, Term("and"), late, Term("or"), Term("not")))),
    ("e-mail", Term("e-mail")),
    ('"late   delivery\n again"', Term("late delivery again")),
    ('"lumo"', lumo),
    ('"AND" "lang:en"', And((Term("AND"), Term("lang:en")))),
    ("#lumo @lumo_home", And((Term("#lumo"), Term("@lumo_home")))),
    ("lang:EN network:Reddit", And((Filter("lang", "en"), Filter("network", "reddit")))),
    ("東京タワー -lang:ja", And((Term("東京タワー"), Not(Filter("lang", "ja"))))),
])
def test_parse(text: str, expected: Query) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(("text", "message", "column"), [
    ("", "empty query", 0),
    ("   ", "empty query", 0),
    ("lumo (late OR refund", "unclosed '('", 5),
    ("lumo late)", "unmatched ')'", 9),
    ("lumo ()", "empty parentheses", 5),
    ("lumo AND", "'AND' needs a term after it", 5),
    ("lumo OR OR late", "'OR' needs a term after it", 5),
    ("OR lumo", "'OR' needs a term before it", 0),
    ("lumo (AND late)", "'AND' needs a term before it", 6),
    ("lumo NOT", "'NOT' needs a term after it", 5),
    ("lumo - late", "'-' needs a term right after it", 5),
    ('lumo "late delivery', "unterminated quote", 5),
    ('lumo ""', "empty phrase", 5),
    ("lumo site:example.com", "unknown filter 'site:'", 5),
    ("lumo network:myspace", "unknown network 'myspace'", 13),
    ("lumo lang:english", "lang: needs a 2 or 3 letter language code", 10),
    ("a" * 1001, "query is too long", 1000),
    ("(" * 33 + "a" + ")" * 33, "nests too deep", 32),
    ("-" * 33 + "a", "nests too deep", 32),
])
def test_syntax_errors_point_at_the_problem(text: str, message: str, column: int) -> None:
    with pytest.raises(QuerySyntaxError) as raised:
        parse(text)
    error = raised.value
    assert message in error.message and error.position == column
    if len(text) < 40:
        shown, caret = str(error).splitlines()[-2:]
        assert caret == " " * column + "^" and shown.rstrip() == text.rstrip()


def test_nesting_up_to_the_limit_is_fine() -> None:
    assert parse("(" * 32 + "a" + ")" * 32) == Term("a")


def test_the_caret_counts_wide_characters_twice() -> None:
    with pytest.raises(QuerySyntaxError) as raised:
        parse("東京 AND")
    assert str(raised.value).splitlines()[-1] == " " * 5 + "^"


@pytest.mark.parametrize(("text", "canonical"), [
    ("lumo  AND late", "lumo late"),
    ("NOT (lumo OR late) refund", "-(lumo OR late) refund"),
    ("(lumo late) OR (refund -spam)", "lumo late OR refund -spam"),
    ('"late delivery" "AND" "-x" "a:b" "(x)"', '"late delivery" "AND" "-x" "a:b" "(x)"'),
    ('"lumo"', "lumo"),
    ("lang:EN", "lang:en"),
])
def test_format_query_is_canonical(text: str, canonical: str) -> None:
    assert format_query(parse(text)) == canonical


# --- matching -------------------------------------------------------------------------------------------------

def match(query: str, text: str, language: str | None = "en", network: str = "x") -> bool:
    return matches(parse(query), text=text, language=language, network=network)


@pytest.mark.parametrize(("query", "text", "expected"), [
    ("lumo", "Ordered from LUMO yesterday", True),
    ("lumo", "ＬＵＭＯ's support", True),  # NFKC: fullwidth letters
    ("lumo", "lumos maxima", False),  # word boundary
    ("lumo", "I love #Lumo!", True),
    ("#lumo", "I love Lumo!", False),
    ("#lumo", "so done with #LUMO.", True),
    ("@lumo_home", "hey @Lumo_Home where is my order", True),
    ("@lumo", "mail support@lumo.com", False),
    ('"late delivery"', "Late, delivery again", True),
    ('"late delivery"', "delivery late", False),
    ("straße", "STRASSE closed", True),  # casefold
    ("fix", "please ﬁx it", True),  # NFKC: ligature
    ("lumo -refund", "lumo refund please", False),
    ("lumo (late OR broken)", "my lumo arrived broken", True),
])
def test_matching_in_english(query: str, text: str, expected: bool) -> None:
    assert match(query, text) is expected


@pytest.mark.parametrize(("query", "text", "expected"), [
    ("東京", "東京タワーで見ました", True),  # no spaces in Japanese: substring
    ("ルモ", "ルモの配送が遅い", True),
    ("配送 遅い", "ルモの配送が遅い", True),
    ('"配送が遅い"', "ルモの配送が遅い!", True),
    ("京都", "東京タワー", False),
    ("ルモ", "ﾙﾓの配送", True),  # halfwidth katakana
    ("iphone", "iPhone用のケース", True),
])
def test_matching_in_japanese(query: str, text: str, expected: bool) -> None:
    assert match(query, text, language="ja") is expected


@pytest.mark.parametrize(("query", "text", "expected"), [
    ("루모", "루모가 너무 늦어요", True),  # a particle attached to the brand name
    ("배송", "배송이 늦어요", True),
    ('"너무 늦어요"', "루모가 너무 늦어요", True),
    ("환불", "루모가 너무 늦어요", False),
])
def test_matching_in_korean(query: str, text: str, expected: bool) -> None:
    assert match(query, text, language="ko") is expected


def test_filters_match_the_language_and_network() -> None:
    assert match("lumo lang:en", "lumo", language="en-US")
    assert not match("lumo lang:en", "lumo", language="fr")
    assert match("lumo network:reddit", "lumo", network="reddit")
    assert not match("lumo network:reddit", "lumo", network="x")
    assert match("lumo -network:x", "lumo", network="mastodon")


def test_an_unknown_language_matches_if_some_language_would() -> None:
    assert match("lumo lang:en", "lumo", language=None)
    assert match("lumo -lang:en", "lumo", language=None)
    assert not match("lumo lang:en lang:fr", "lumo", language=None)
    assert not match("refund lang:en", "lumo", language=None)


def test_a_term_of_punctuation_only_matches_as_a_substring() -> None:
    assert match('lumo ":("', "lumo :( again")
    assert not match('lumo ":("', "lumo :) again")


# --- compilers ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("query", "expected"), [
    ("lumo", "lumo"),
    ("lumo late OR refund -spam", "(lumo late) OR (refund -spam)"),
    ("(lumo OR #lumo) lang:ja", "(lumo OR #lumo) lang:ja"),
    ('lumo -(spam OR "free stuff")', 'lumo -spam -"free stuff"'),
    ('lumo -(spam "free stuff")', 'lumo (-spam OR -"free stuff")'),
    ('"e-mail" "AND" @lumo_home', '"e-mail" "AND" @lumo_home'),
    ('network:x lumo OR network:reddit "lumo home"', "lumo"),
    ("lumo -network:reddit", "lumo"),
])
def test_to_x(query: str, expected: str) -> None:
    assert to_x(parse(query)) == expected


@pytest.mark.parametrize(("query", "message"), [
    ("-spam", "negations or lang: alone"),
    ("lang:en -spam", "negations or lang: alone"),
    ("lumo OR -spam", "negations or lang: alone"),
    ("network:reddit lumo", "can never match a post on x"),
    ("lumo OR network:x", "nothing to search for on x"),
    (" OR ".join(f"word{i}" for i in range(60)), "X allows 512"),
])
def test_to_x_explains_what_x_cannot_search(query: str, message: str) -> None:
    with pytest.raises(QueryCompileError, match=re.escape(message)):
        to_x(parse(query))


@pytest.mark.parametrize(("query", "expected"), [
    ("lumo late OR refund -spam", "(lumo AND late) OR (refund AND NOT spam)"),
    ('(lumo OR "lumo home") -spam lang:en', '(lumo OR "lumo home") AND NOT spam'),
    ("lumo (late OR -spam)", "lumo"),  # a lone negation under OR is left to the local filter
    ("lumo -lang:en", "lumo"),
    ('#lumo "AND" "a\\b"', '"#lumo" AND "AND" AND "a\\\\b"'),
])
def test_to_reddit(query: str, expected: str) -> None:
    assert to_reddit(parse(query)) == expected


def test_to_reddit_needs_something_positive() -> None:
    with pytest.raises(QueryCompileError, match="not only negations"):
        to_reddit(parse("-spam -(lumo OR late)"))


@pytest.mark.parametrize(("query", "expected"), [
    ("lumo", "lumo"),
    ('lumo "late delivery" (refund OR broken) -spam lang:en', 'lumo "late delivery"'),
    ("network:hackernews lumo OR network:x late", "lumo"),
])
def test_to_hackernews_keeps_the_required_words(query: str, expected: str) -> None:
    assert to_hackernews(parse(query)) == expected


def test_to_hackernews_needs_a_required_word() -> None:
    with pytest.raises(QueryCompileError, match="every match contains"):
        to_hackernews(parse("lumo OR late"))


@pytest.mark.parametrize(("query", "expected"), [
    ("#lumo", ("lumo",)),
    ("#Lumo OR #lumohome", ("lumo", "lumohome")),
    ("(#lumo OR #lumohome) late -spam", ("lumo", "lumohome")),
    ("#lumo (#a OR #b OR #c)", ("lumo",)),
    ("lumo", None),
    ("#lumo OR lumo", None),
    ("-#lumo", None),
    ("#東京 lang:ja", ("東京",)),
])
def test_to_mastodon_follows_hashtags_that_cover_the_query(query: str, expected: tuple[str, ...] | None) -> None:
    assert to_mastodon(parse(query)) == expected


# --- properties -----------------------------------------------------------------------------------------------

PIECES = ["AND", "OR", "NOT", "-", "(", ")", '"', "lumo", "lang:en", "lang:", "lang:xyzw", "network:x",
          "network:nope", "foo:bar", "#lumo", "@lumo", "東京", "and", "-lumo", '"late delivery"']
grammar_text = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=3)), max_size=20).flatmap(
    lambda pieces: st.lists(st.sampled_from(["", " ", "\t", "\u3000"]), min_size=len(pieces), max_size=len(pieces))
    .map(lambda gaps: "".join(p + g for p, g in zip(pieces, gaps, strict=True))))


@given(st.one_of(st.text(), grammar_text))
def test_parse_fails_only_with_a_syntax_error_and_round_trips(text: str) -> None:
    try:
        query = parse(text)
    except QuerySyntaxError as error:
        assert 0 <= error.position <= len(text)
        str(error)
        return
    assert parse(format_query(query)) == query


term_texts = st.one_of(
    st.text(st.characters(exclude_characters='"'), min_size=1, max_size=12).map(lambda s: " ".join(s.split())),
    st.sampled_from(["AND", "or", "-x", "a:b", "lang:en", "(x)", "#lumo", "@lumo", "e-mail", "東京 タワー"]),
).filter(bool)
LANGS = ["en", "ja", "ko", "fr"]
filter_nodes = st.one_of(st.builds(Filter, st.just("lang"), st.sampled_from(LANGS)),
                         st.builds(Filter, st.just("network"), st.sampled_from(sorted(NETWORK_NAMES))))


def queries(terms: st.SearchStrategy[Term]) -> st.SearchStrategy[Query]:
    return st.recursive(st.one_of(terms, filter_nodes), lambda children: st.one_of(
        children.map(Not),
        st.lists(children, min_size=2, max_size=4).map(lambda ops: all_of(*ops)),
        st.lists(children, min_size=2, max_size=4).map(lambda ops: any_of(*ops)),
    ), max_leaves=10)


@given(queries(term_texts.map(Term)))
def test_format_then_parse_gives_back_the_query(query: Query) -> None:
    text = format_query(query)
    assume(len(text) <= 1000)
    assert parse(text) == query


LATIN = ["lumo", "Lumo", "ＬＵＭＯ", "lumos", "late", "refund", "straße", "STRASSE", "ﬁx", "fix", "#lumo", "@lumo",
         "#Late"]
CJK = ["東京", "東京タワー", "タワー", "配送", "遅い", "루모가", "루모", "배송이", "늦어요"]
WORDS = LATIN + CJK
SEPARATORS = [" ", ", ", "! ", "\n", " - ", "。"]
vocabulary_terms = st.lists(st.sampled_from(WORDS), min_size=1, max_size=2).map(lambda ws: Term(" ".join(ws)))
texts = st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), max_size=8).map(
    lambda pairs: "".join(word + sep for word, sep in pairs))
languages = st.sampled_from([None, "en", "EN-us", "ja", "ko", "fr", "de"])
networks = st.sampled_from(["x", "reddit", "mastodon", "hackernews"])


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def is_cjk(word: str) -> bool:
    return word in {fold(w) for w in CJK}


def reference_term(term: str, text: str) -> bool:
    """A regex per word, on word boundaries except in CJK/Hangul; a `#`/`@` word may not follow either."""
    words = fold(term).split()
    pattern = ""
    for i, word in enumerate(words):
        if i:
            pattern += r"\W*" if is_cjk(word) or is_cjk(words[i - 1]) else r"\W+"
        if is_cjk(word):
            pattern += re.escape(word)
        else:
            before = r"(?<![\w#@])" if word[0] in "#@" else r"(?<!\w)"
            pattern += before + re.escape(word) + r"(?!\w)"
    return re.search(pattern, fold(text)) is not None


def reference(query: Query, text: str, language: str | None, network: str) -> bool:
    if language is None:  # unknown: kept if it would match in any language
        return any(reference(query, text, lang, network) for lang in [*LANGS, "zz"])
    if isinstance(query, Term):
        return reference_term(query.text, text)
    if isinstance(query, Filter):
        return query.value == (language.lower().split("-")[0] if query.key == "lang" else network)
    if isinstance(query, Not):
        return not reference(query.operand, text, language, network)
    if isinstance(query, And):
        return all(reference(op, text, language, network) for op in query.operands)
    return any(reference(op, text, language, network) for op in query.operands)


@given(queries(vocabulary_terms), texts, languages, networks)
def test_matches_agrees_with_a_reference_evaluation(query: Query, text: str, language: str | None,
                                                     network: str) -> None:
    assert matches(query, text=text, language=language, network=network) == reference(query, text, language, network)


@given(queries(vocabulary_terms), texts, languages)
def test_native_queries_find_at_least_every_match(query: Query, text: str, language: str | None) -> None:
    for network, compile_ in (("x", to_x), ("reddit", to_reddit), ("hackernews", to_hackernews)):
        if not matches(query, text=text, language=language, network=network):
            continue
        try:
            native = compile_(query)
        except QueryCompileError:
            continue
        assert matches(parse(native), text=text, language=language, network=network), (network, native)


@given(queries(vocabulary_terms), texts, languages)
def test_followed_hashtags_cover_every_match(query: Query, text: str, language: str | None) -> None:
    try:
        tags = to_mastodon(query)
    except QueryCompileError:
        return
    if tags and matches(query, text=text, language=language, network="mastodon"):
        assert matches(parse(" OR ".join(f"#{tag}" for tag in tags)), text=text, language=language,
                       network="mastodon")
