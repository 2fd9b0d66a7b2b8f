"""Near-duplicates: retweets, quotes, syndicated copies and reposts of one post are grouped under the earliest.

Two mentions are the same post when their normalised text (fingerprint) is equal and the later one was
written at most DUPLICATE_WINDOW after the earlier. A duplicate points at the group's original, never at
another duplicate, so groups stay one level deep.

Each mention stores the SHA-256 of its fingerprint when it is inserted; finding a new mention's original is
an indexed equality lookup on (fingerprint, created_at).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from models import Mention
from models.base import UTCDateTime

DUPLICATE_WINDOW = timedelta(days=7)
# Counted in display units (a CJK or Hangul character is two): short generic posts such as "thanks!",
# "ありがとう！" or "감사합니다!" are written independently by many people and are not copies of each other.
MIN_FINGERPRINT_UNITS = 24
MAX_CANDIDATES = 10_000

_URL = re.compile(r"(?:https?://|www\.)\S+")
# Handles as X/Reddit (`@name`, `u/name`) and Mastodon (`@name@instance.social`) write them.
_HANDLE = re.compile(r"(?<!\w)(?:@[\w.-]+(?:@[\w.-]+)?|/?u/[\w-]+)")
_NOT_WORD = re.compile(r"[\W_]+")  # keeps letters and digits of every script
_ASCII_NOT_WORD = bytes(byte for byte in range(128) if not chr(byte).isalnum())  # the same for ASCII, far faster
_RETWEET = re.compile(r"(?<!\w)(?:rt|via)(?!\w)")
_WIDE = re.compile("[\u1100-\u11ff\u2e80-\u2fdf\u3040-\u31ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f"
                   "\uac00-\ud7ff\uf900-\ufaff\U00020000-\U0003ffff]")


def fingerprint(text: str) -> str | None:
    """The text reduced to its letters and digits, or None when too little is left to identify a post."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    # Each pattern needs a literal that most posts lack; skipping its scan then changes nothing and is cheaper.
    if "http" in folded or "www." in folded:
        folded = _URL.sub(" ", folded)
    if "@" in folded or "u/" in folded:
        folded = _HANDLE.sub(" ", folded)
    if "rt" in folded or "via" in folded:
        folded = _RETWEET.sub(" ", folded)
    if folded.isascii():
        kept = folded.encode("ascii").translate(None, _ASCII_NOT_WORD).decode("ascii")
        units = len(kept)
    else:
        kept = _NOT_WORD.sub("", folded)
        units = len(kept) + len(_WIDE.findall(kept))
    return kept if units >= MIN_FINGERPRINT_UNITS else None


def fingerprint_hash(text: str) -> str | None:
    kept = fingerprint(text)
    return hashlib.sha256(kept.encode("utf-8")).hexdigest() if kept else None


@dataclass(frozen=True)
class Candidate:
    id: int
    created_at: datetime
    fingerprint: str | None
    duplicate_of_id: int | None = None


def find_originals(new_ids: Iterable[int], candidates: Sequence[Candidate],
                   window: timedelta = DUPLICATE_WINDOW) -> dict[int, int]:
    """{new mention id: id of its group's original} for the new mentions that repeat an earlier one.

    `candidates` holds the new mentions themselves and every stored mention in their window."""
    wanted = set(new_ids)
    assigned: dict[int, int] = {}
    earliest: dict[str, list[Candidate]] = {}
    for candidate in sorted(candidates, key=lambda c: (c.created_at, c.id)):
        if candidate.fingerprint is None:
            continue
        group = earliest.setdefault(candidate.fingerprint, [])
        if candidate.id in wanted:
            first = next((c for c in group if candidate.created_at - c.created_at <= window), None)
            if first is not None:
                assigned[candidate.id] = assigned.get(first.id) or first.duplicate_of_id or first.id
        group.append(candidate)
    return assigned


def mark_duplicates(session: Session, new: Sequence[Candidate]) -> dict[int, int]:
    """Point each just-inserted mention that repeats an earlier one at the original; returns what it set."""
    fingerprinted = [c for c in new if c.fingerprint is not None]
    if not fingerprinted:
        return {}
    originals = find_originals([c.id for c in new], _window_candidates(session, fingerprinted) + list(new))
    if originals:
        # ORM bulk UPDATE by primary key: one executemany
        session.execute(sa.update(Mention), [{"id": new_id, "duplicate_of_id": original}
                                             for new_id, original in originals.items()])
    return originals


def _window_candidates(session: Session, new: Sequence[Candidate]) -> list[Candidate]:
    """Stored mentions that share a fingerprint with a new one and fall in its window (the new ones left out)."""
    start = min(c.created_at for c in new) - DUPLICATE_WINDOW
    end = max(c.created_at for c in new)
    fingerprints, new_ids = {c.fingerprint for c in new if c.fingerprint}, {c.id for c in new}
    if session.get_bind().dialect.name == "postgresql":
        statement = _pg_window_candidates(fingerprints, new_ids, start, end)
    else:
        statement = (_columns().where(col(Mention.fingerprint).in_(fingerprints), col(Mention.created_at) >= start,
                                      col(Mention.created_at) <= end)
                     .order_by(col(Mention.created_at)).limit(MAX_CANDIDATES))
    return [candidate for candidate in map(_candidate, session.exec(statement)) if candidate.id not in new_ids]


def _pg_window_candidates(fingerprints: set[str], new_ids: set[int], start: datetime,
                          end: datetime) -> Select[int | None, datetime, str | None, int | None]:
    """One index probe on (fingerprint, created_at) per fingerprint, whatever the planner believes: a fingerprint
    list ANDed with the created-at range lets it walk a created-at index and test every row of the range against
    the whole list, which on a table not yet analysed (a first big import) makes each page slower than the last.
    The OFFSET 0 keeps the lateral subquery from being flattened into that plan. The arrays are one literal each:
    an IN list of a thousand values is rendered, parsed and planned every page (hex digests and ids need no
    quoting); NOT IN of a subquery is a hashed lookup, cheaper than sending the new rows back."""
    wanted = sa.func.unnest(_pg_array(fingerprints, sa.Text())).table_valued("fingerprint").render_derived(
        name="wanted")
    # The range as row comparisons that start with the fingerprint: only that index can use them, so the planner
    # cannot take the created-at index and filter on the fingerprint, as it does while it believes the table tiny.
    key = sa.tuple_(col(Mention.fingerprint), col(Mention.created_at))
    stored = (_columns().where(col(Mention.fingerprint) == wanted.c.fingerprint,
                               key >= sa.tuple_(wanted.c.fingerprint, sa.literal(start, UTCDateTime())),
                               key <= sa.tuple_(wanted.c.fingerprint, sa.literal(end, UTCDateTime())))
              .offset(0).lateral("stored"))
    return (select(stored.c.id, stored.c.created_at, stored.c.fingerprint, stored.c.duplicate_of_id)
            .select_from(wanted).join(stored, sa.true())
            .where(stored.c.id.not_in(sa.select(sa.func.unnest(_pg_array(new_ids, sa.Integer())))))
            .order_by(stored.c.created_at).limit(MAX_CANDIDATES))


def _pg_array(values: Iterable[str | int], item: sa.types.TypeEngine[Any]) -> sa.ColumnElement[Any]:
    literal = "{" + ",".join(sorted(map(str, values))) + "}"
    return sa.cast(sa.literal(literal, sa.Text()), postgresql.ARRAY(item))


def _columns() -> Select[int | None, datetime, str | None, int | None]:
    return select(Mention.id, Mention.created_at, Mention.fingerprint, Mention.duplicate_of_id)


def _candidate(row: tuple[int | None, datetime, str | None, int | None]) -> Candidate:
    mention_id, created_at, hashed, duplicate_of_id = row
    assert mention_id is not None  # stored rows have ids
    return Candidate(mention_id, created_at, hashed, duplicate_of_id)
