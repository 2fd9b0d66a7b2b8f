"""The listening query language: parse, print back, and match locally.

    query    := or_expr
    or_expr  := and_expr ("OR" and_expr)*
    and_expr := unary (["AND"] unary)*          adjacent operands are ANDed
    unary    := ("NOT" | "-") unary | primary
    primary  := TERM | "\"" PHRASE "\"" | FILTER | "(" or_expr ")"
    FILTER   := "lang:" 2-3 letters | "network:" a name from listener.platforms

Keywords are uppercase only ("and" is a term). `#tag` and `@handle` are terms. A `-` negates only at the start
of a word (`e-mail` is a term). A term and a one-word phrase are the same node: a phrase is a term with spaces.
Compilers to the platforms' own search syntax live in listener.query.native.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, TypeAlias

from listener.platforms import NETWORK_NAMES

MAX_LENGTH = 1000
MAX_DEPTH = 32
KEYWORDS = frozenset({"AND", "OR", "NOT"})
FILTER_KEYS = ("lang", "network")
_FILTER_SHAPE = re.compile(r"([A-Za-z]+):(.*)", re.DOTALL)
_LANG_CODE = re.compile(r"[a-z]{2,3}")
_ERROR_WINDOW = 40


class QuerySyntaxError(ValueError):
    """`message` says what is wrong, `position` is the 0-based index in `query` it points at."""

    def __init__(self, message: str, position: int, query: str | None = None) -> None:
        super().__init__(message, position)
        self.message = message
        self.position = position
        self.query = query

    def __str__(self) -> str:
        if self.query is None:
            return f"{self.message} (at column {self.position + 1})"
        return f"{self.message} (at column {self.position + 1})\n{caret_lines(self.query, self.position)}"


def caret_lines(query: str, position: int) -> str:
    """The query (a window of it, on one line) with a caret under `position`, counting wide CJK as two."""
    start = max(0, position - _ERROR_WINDOW)
    shown = "".join(" " if ch.isspace() or not ch.isprintable() else ch
                    for ch in query[start:position + _ERROR_WINDOW])
    prefix = "…" if start else ""
    return f"{prefix}{shown}\n{' ' * display_width(prefix + shown[:position - start])}^"


@dataclass(frozen=True, slots=True)
class Term:
    """A word, hashtag, handle or phrase; matched case-insensitively on word boundaries (substring for CJK)."""

    text: str

    def __post_init__(self) -> None:
        if not self.text or '"' in self.text or self.text != " ".join(self.text.split()):
            raise ValueError(f"not a valid term: {self.text!r}")


@dataclass(frozen=True, slots=True)
class Filter:
    key: Literal["lang", "network"]
    value: str

    def __post_init__(self) -> None:
        valid = (self.key == "lang" and _LANG_CODE.fullmatch(self.value)) or (
            self.key == "network" and self.value in NETWORK_NAMES)
        if not valid:
            raise ValueError(f"not a valid filter: {self.key}:{self.value}")


@dataclass(frozen=True, slots=True)
class Not:
    operand: Query


@dataclass(frozen=True, slots=True)
class And:
    """Flat by construction (no And directly inside an And), so equal queries have one shape; see all_of."""

    operands: tuple[Query, ...]

    def __post_init__(self) -> None:
        if len(self.operands) < 2 or any(isinstance(op, And) for op in self.operands):
            raise ValueError("an And needs two or more operands, none of them an And: use all_of()")


@dataclass(frozen=True, slots=True)
class Or:
    operands: tuple[Query, ...]

    def __post_init__(self) -> None:
        if len(self.operands) < 2 or any(isinstance(op, Or) for op in self.operands):
            raise ValueError("an Or needs two or more operands, none of them an Or: use any_of()")


Query: TypeAlias = Term | Filter | Not | And | Or


def all_of(*operands: Query) -> Query:
    flat = tuple(part for op in operands for part in (op.operands if isinstance(op, And) else (op,)))
    return flat[0] if len(flat) == 1 else And(flat)


def any_of(*operands: Query) -> Query:
    flat = tuple(part for op in operands for part in (op.operands if isinstance(op, Or) else (op,)))
    return flat[0] if len(flat) == 1 else Or(flat)


# --- lexing -------------------------------------------------------------------------------------------------

TokenKind = Literal["(", ")", "AND", "OR", "NOT", "-", "term", "filter"]


@dataclass(frozen=True, slots=True)
class Token:
    kind: TokenKind
    position: int
    text: str
    node: Term | Filter | None = None


def tokenize(query: str) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    while i < len(query):
        ch = query[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            tokens.append(Token(ch, i, ch))  # type: ignore[arg-type]  # ch is "(" or ")"
            i += 1
        elif ch == "-" and i + 1 < len(query) and not query[i + 1].isspace() and query[i + 1] != ")":
            tokens.append(Token("-", i, "-"))
            i += 1
        elif ch == '"':
            i = _lex_phrase(query, i, tokens)
        else:
            i = _lex_word(query, i, tokens)
    return tokens


def _lex_phrase(query: str, start: int, tokens: list[Token]) -> int:
    end = query.find('"', start + 1)
    if end < 0:
        raise QuerySyntaxError("unterminated quote: add the closing \"", start, query)
    text = " ".join(query[start + 1:end].split())
    if not text:
        raise QuerySyntaxError("empty phrase", start, query)
    tokens.append(Token("term", start, query[start:end + 1], Term(text)))
    return end + 1


def _lex_word(query: str, start: int, tokens: list[Token]) -> int:
    end = start
    while end < len(query) and not query[end].isspace() and query[end] not in '()"':
        end += 1
    word = query[start:end]
    if word == "-":
        raise QuerySyntaxError("'-' needs a term right after it", start, query)
    if word in KEYWORDS:
        tokens.append(Token(word, start, word))  # type: ignore[arg-type]  # word is a keyword
    elif looks_like_filter(word):
        tokens.append(Token("filter", start, word, _filter(query, start, word)))
    else:
        tokens.append(Token("term", start, word, Term(word)))
    return end


def looks_like_filter(word: str) -> bool:
    return _FILTER_SHAPE.fullmatch(word) is not None


def _filter(query: str, start: int, word: str) -> Filter:
    key, value = word.split(":", 1)
    value_at = start + len(key) + 1
    if key not in FILTER_KEYS:
        raise QuerySyntaxError(f"unknown filter '{key}:' (filters are lang: and network:); "
                               f'to search for the word, quote it: "{word}"', start, query)
    value = value.lower()
    if key == "lang" and not _LANG_CODE.fullmatch(value):
        raise QuerySyntaxError("lang: needs a 2 or 3 letter language code, e.g. lang:en", value_at, query)
    if key == "network" and value not in NETWORK_NAMES:
        raise QuerySyntaxError(f"unknown network '{value}' (known: {', '.join(NETWORK_NAMES)})", value_at, query)
    return Filter(key, value)  # type: ignore[arg-type]  # key was checked against FILTER_KEYS


# --- parsing ------------------------------------------------------------------------------------------------

class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = tokenize(query)
        self.at = 0

    def fail(self, message: str, position: int) -> QuerySyntaxError:
        return QuerySyntaxError(message, position, self.query)

    def peek(self) -> Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def parse(self) -> Query:
        query = self.or_expr(0, opening=None)
        extra = self.peek()
        if extra is not None:  # only a ")" stops or_expr early
            raise self.fail("unmatched ')'", extra.position)
        return query

    def or_expr(self, depth: int, opening: Token | None) -> Query:
        operands = [self.and_expr(depth, after=opening)]
        while (token := self.peek()) is not None and token.kind == "OR":
            operands.append(self.and_expr(depth, after=self.take()))
        return any_of(*operands)

    def and_expr(self, depth: int, after: Token | None) -> Query:
        operands = [self.unary(depth, after)]
        while (token := self.peek()) is not None and token.kind not in (")", "OR"):
            operator = self.take() if token.kind == "AND" else None
            operands.append(self.unary(depth, operator))
        return all_of(*operands)

    def unary(self, depth: int, after: Token | None) -> Query:
        token = self.peek()
        if token is None or token.kind in (")", "AND", "OR"):
            raise self._missing_operand(token, after)
        if token.kind in ("NOT", "-", "(") and depth >= MAX_DEPTH:
            raise self.fail(f"query nests too deep (more than {MAX_DEPTH} levels)", token.position)
        self.take()
        if token.kind in ("NOT", "-"):
            return Not(self.unary(depth + 1, token))
        if token.kind == "(":
            return self._group(depth, token)
        assert token.node is not None  # terms and filters carry their node
        return token.node

    def _group(self, depth: int, opening: Token) -> Query:
        inner = self.or_expr(depth + 1, opening)
        closing = self.peek()
        if closing is None:
            raise self.fail("unclosed '(': add the matching ')'", opening.position)
        self.take()
        return inner

    def _missing_operand(self, token: Token | None, after: Token | None) -> QuerySyntaxError:
        if after is not None and after.kind == "(" and (token is None or token.kind == ")"):
            return self.fail("empty parentheses" if token else "unclosed '(': add the matching ')'", after.position)
        if after is not None and after.kind != "(":
            return self.fail(f"'{after.text}' needs a term after it", after.position)
        if token is None:
            return self.fail("empty query", 0)
        if token.kind == ")":
            return self.fail("unmatched ')'", token.position)
        return self.fail(f"'{token.text}' needs a term before it", token.position)


def parse(text: str) -> Query:
    """Parse a listening query, or raise QuerySyntaxError pointing at the problem."""
    if len(text) > MAX_LENGTH:
        raise QuerySyntaxError(f"query is too long ({len(text)} characters, at most {MAX_LENGTH})",
                               MAX_LENGTH, text)
    return _Parser(text).parse()


# --- printing -----------------------------------------------------------------------------------------------

def format_query(query: Query) -> str:
    """Canonical text: parse(format_query(q)) == q."""
    if isinstance(query, Term):
        return _format_term(query.text)
    if isinstance(query, Filter):
        return f"{query.key}:{query.value}"
    if isinstance(query, Not):
        return "-" + _grouped(query.operand, (And, Or))
    if isinstance(query, And):
        return " ".join(_grouped(op, (Or,)) for op in query.operands)
    return " OR ".join(format_query(op) for op in query.operands)


def _grouped(query: Query, kinds: tuple[type, ...]) -> str:
    text = format_query(query)
    return f"({text})" if isinstance(query, kinds) else text


def _format_term(text: str) -> str:
    bare = not (" " in text or any(ch in text for ch in '()"') or text.startswith("-")
                or text in KEYWORDS or looks_like_filter(text))
    return text if bare else f'"{text}"'


# --- matching -----------------------------------------------------------------------------------------------

def matches(query: Query, *, text: str, language: str | None, network: str) -> bool:
    """Whether a post matches. When its language is not known yet, it matches if it would in some language:
    ingestion cannot tell, and dropping it would lose every post on networks that give no language."""
    tokens = document_tokens(text)
    normalized = normalize(text)
    if language is None:
        candidates = {f.value for f in filters(query) if f.key == "lang"} | {""}
        return any(_eval(query, tokens, normalized, lang, network) for lang in sorted(candidates))
    return _eval(query, tokens, normalized, primary_language(language), network)


def primary_language(language: str) -> str:
    return re.split(r"[-_]", language.strip().lower(), maxsplit=1)[0]


def _eval(query: Query, tokens: tuple[str, ...], normalized: str, lang: str, network: str) -> bool:
    if isinstance(query, Term):
        return term_in(query.text, tokens, normalized)
    if isinstance(query, Filter):
        return (lang if query.key == "lang" else network) == query.value
    if isinstance(query, Not):
        return not _eval(query.operand, tokens, normalized, lang, network)
    results = (_eval(op, tokens, normalized, lang, network) for op in query.operands)
    return all(results) if isinstance(query, And) else any(results)


def filters(query: Query) -> list[Filter]:
    if isinstance(query, Filter):
        return [query]
    if isinstance(query, Term):
        return []
    if isinstance(query, Not):
        return filters(query.operand)
    return [f for op in query.operands for f in filters(op)]



# --- text ---------------------------------------------------------------------------------------------------

_PREFIXES = ("#", "@")
# Scripts written without spaces between words: every character is its own token, so terms match as substrings.
_CONTINUOUS = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1100-\u11ff\u1780-\u17ff\u2e80-\u2fdf\u3040-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003ffff]")


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def document_tokens(text: str) -> tuple[str, ...]:
    """Words (letters, marks, digits, `_`), each CJK/Hangul/Thai character alone; `#`/`@` stay on the word
    they start, so `#lumo` is one token and `lumo` in a query can match it."""
    tokens: list[str] = []
    word = ""
    for ch in normalize(text):
        if _CONTINUOUS.match(ch):
            if word not in _PREFIXES and word:
                tokens.append(word)
                word = ""
            tokens.append(word + ch)
            word = ""
        elif unicodedata.category(ch)[0] in "LMN" or unicodedata.category(ch) == "Pc":
            word += ch
        elif ch in _PREFIXES and (not word or word in _PREFIXES):
            word = ch
        else:
            if word and word not in _PREFIXES:
                tokens.append(word)
            word = ""
    if word and word not in _PREFIXES:
        tokens.append(word)
    return tuple(tokens)


@lru_cache(maxsize=1024)
def _term_tokens(text: str) -> tuple[str, ...]:
    return document_tokens(text)


def term_in(term: str, tokens: tuple[str, ...], normalized: str) -> bool:
    """The term's tokens appear consecutively; a term of punctuation only (no tokens) is a plain substring."""
    needle = _term_tokens(term)
    if not needle:
        return normalize(term) in normalized
    size = len(needle)
    return any(all(_token_matches(want, have) for want, have in zip(needle, tokens[i:i + size], strict=True))
               for i in range(len(tokens) - size + 1))


def _token_matches(want: str, have: str) -> bool:
    return want == have or (want[0] not in _PREFIXES and have[0] in _PREFIXES and have[1:] == want)


def display_width(text: str) -> int:
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
               for ch in text)
