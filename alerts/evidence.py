"""The evidence an alert carries, gathered from the stored mentions of the spike window: what people are saying
(the most over-represented words and phrases, alerts/phrases.py), where (top topics and networks), three
example mentions (the most negative complaints first), the series' chart, and a link to the queue filtered to
the window. The detection side calls `build_evidence` when it opens or updates an alert; the result is stored on
the alert (`to_json`) for the Alerts page and copied into every channel's message (`message_fields`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, Protocol
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlmodel import Session, col, select

from alerts.chart import SeriesPoint
from alerts.message import MAX_EXAMPLE, MAX_ITEMS, Example
from alerts.phrases import MIN_BASELINE_DOCS, rank_terms
from alerts.phrases import phrases as readable_phrases
from alerts.terms import terms
from listener.query.language import Query, QuerySyntaxError, matches, parse
from models import Mention
from models.complaint import COMPLAINT_THRESHOLD
from models.mention import negativity
from models.mention_text import Titled, title_and_text

BASELINE = timedelta(days=7)
# Bounded work per alert: Korean analysis takes about 1.8 ms a mention (Japanese 0.3, English 0.07), so at most
# 3,000 mentions cost about 6 s in the worst case, once per alert message. 2,000 baseline mentions estimate the
# everyday rate of any term worth showing well enough. Past a cap an even sample is taken (every k-th id), so the
# baseline week is represented across its hours, not only by its last evening.
MAX_WINDOW_MENTIONS = 1000
MAX_BASELINE_MENTIONS = 2000
EXAMPLES = 3
EXAMPLE_CANDIDATES = 40
Row = tuple[int, str, str | None, str, Sequence[str] | None]  # id, text, language, network, topics


class Read(Titled, Protocol):
    """What the listening query reads of a mention: a Mention, or a row of its columns."""

    @property
    def language(self) -> str | None: ...

    @property
    def network(self) -> str: ...


@dataclass(frozen=True)
class EvidenceScope:
    """What the rule's series counts, as conditions on mentions (the same meaning as the queue's filters)."""

    sentiment: str | None = None  # "negative" for negative-mention rules
    complaint: bool | None = None  # True for complaint rules
    topic: str | None = None
    network: str | None = None
    source_id: int | None = None
    language: str | None = None
    query: str | None = None  # a rule's listening query: checked on each mention read (it has no SQL form)

    def admits(self, mention: Read) -> bool:
        parsed = _parsed(self.query) if self.query else None
        if parsed is None:
            return True
        return matches(parsed, text=title_and_text(mention), language=mention.language, network=mention.network)

    def conditions(self) -> list[sa.ColumnElement[bool]]:
        conditions: list[sa.ColumnElement[bool]] = [col(Mention.duplicate_of_id).is_(None)]
        equal = {col(Mention.sentiment): self.sentiment, col(Mention.network): self.network,
                 col(Mention.language): self.language, col(Mention.source_id): self.source_id}
        conditions += [column == value for column, value in equal.items() if value is not None]
        if self.complaint is not None:
            score = col(Mention.complaint)
            conditions.append(score >= COMPLAINT_THRESHOLD if self.complaint
                              else sa.or_(score < COMPLAINT_THRESHOLD, score.is_(None)))
        if self.topic:
            # As the queue does it, portable over SQLite and PostgreSQL JSON: the list's text holds '"name"'.
            conditions.append(sa.cast(col(Mention.topics), sa.Text).like(f'%"{_like_safe(self.topic)}"%',
                                                                              escape="\\"))
        return conditions

    def queue_args(self) -> dict[str, str]:
        """The queue's query-string filters for the same mentions (web/queue params: names and values)."""
        values = {"sentiment": self.sentiment, "topic": self.topic, "network": self.network,
                  "language": self.language, "source": None if self.source_id is None else str(self.source_id),
                  "complaint": None if self.complaint is None else ("yes" if self.complaint else "no")}
        return {name: value for name, value in values.items() if value}


@dataclass(frozen=True)
class ExampleMention:
    mention_id: int
    text: str
    network: str
    author: str
    url: str | None
    sentiment: str | None
    complaint: float | None


@dataclass(frozen=True)
class Evidence:
    phrases: tuple[str, ...]
    terms: tuple[tuple[str, int, int, float], ...]  # (term, window mentions, baseline mentions, z) best first
    top_topics: tuple[tuple[str, int], ...]
    top_networks: tuple[tuple[str, int], ...]
    examples: tuple[ExampleMention, ...]
    queue_path: str  # "/queue?since=...": relative, for the app's own pages
    link: str | None  # the same, absolute under PUBLIC_URL, for messages (None without one)
    chart: tuple[SeriesPoint, ...]
    window_mentions: int
    baseline_mentions: int
    # What the window's words were compared with: "before" (the series' own mentions of the week before) or
    # "rest" (every other mention of that week and the window, when the series' own week had too few).
    contrast: str = "before"

    @property
    def compared_with(self) -> str:
        if self.contrast == "rest":
            return "every other mention of those days and of the week before"
        return "the week before"

    @property
    def ranked_by_share(self) -> bool:
        """Too few mentions to compare with anything: the terms are the ones most of the window shares (z 0)."""
        return bool(self.terms) and all(z == 0.0 for *_, z in self.terms)

    def message_fields(self) -> dict[str, Any]:
        """Keyword arguments for AlertMessage."""
        return {"phrases": self.phrases[:MAX_ITEMS], "top_topics": self.top_topics[:MAX_ITEMS],
                "top_networks": self.top_networks[:MAX_ITEMS], "link": self.link,
                "examples": tuple(Example(text=e.text, network=e.network, author=e.author, url=e.url)
                                  for e in self.examples),
                "chart": tuple((p.at.isoformat(), p.observed, p.expected) for p in self.chart)}

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["chart"] = [[p.at.isoformat(), p.observed, p.expected] for p in self.chart]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Evidence:
        return cls(
            phrases=tuple(str(p) for p in data.get("phrases", ())),
            terms=tuple((str(t), int(w), int(b), float(z)) for t, w, b, z in data.get("terms", ())),
            top_topics=tuple((str(n), int(c)) for n, c in data.get("top_topics", ())),
            top_networks=tuple((str(n), int(c)) for n, c in data.get("top_networks", ())),
            examples=tuple(ExampleMention(**e) for e in data.get("examples", ())),
            queue_path=str(data.get("queue_path", "")), link=data.get("link"),
            chart=tuple(SeriesPoint(datetime.fromisoformat(at), float(observed), None if ex is None else float(ex))
                        for at, observed, ex in data.get("chart", ())),
            window_mentions=int(data.get("window_mentions", 0)),
            baseline_mentions=int(data.get("baseline_mentions", 0)), contrast=str(data.get("contrast", "before")))


def build_evidence(session: Session, scope: EvidenceScope, window_start: datetime, window_end: datetime, *,
                   baseline_start: datetime | None = None, baseline_end: datetime | None = None,
                   points: Sequence[SeriesPoint] = (), base_url: str = "") -> Evidence:
    """Evidence for the spike [window_start, window_end) against the baseline [baseline_start, baseline_end),
    by default the seven days before the window. `points` are the series' buckets for the chart."""
    baseline_end = baseline_end or window_start
    baseline_start = baseline_start or baseline_end - BASELINE
    window = _rows(session, scope, window_start, window_end, MAX_WINDOW_MENTIONS)
    baseline, contrast = _rows(session, scope, baseline_start, baseline_end, MAX_BASELINE_MENTIONS), "before"
    if len(baseline) < MIN_BASELINE_DOCS:
        baseline, contrast = _rest_of_stream(session, scope, window_start, baseline, baseline_start, window_end)
    ranked = rank_terms((terms(text, language) for _, text, language, _, _ in window),
                        (terms(text, language) for _, text, language, _, _ in baseline))
    path = queue_path(scope, window_start, window_end)
    return Evidence(
        phrases=tuple(readable_phrases(ranked)),
        terms=tuple((t.text, t.window, t.baseline, round(t.z, 2)) for t in ranked),
        top_topics=_top(topic for *_, topics in window for topic in (topics or [])),
        top_networks=_top(network for _, _, _, network, _ in window),
        examples=tuple(examples(session, scope, window_start, window_end)),
        queue_path=path, link=base_url.rstrip("/") + path if base_url.startswith(("http://", "https://")) else None,
        chart=tuple(points), window_mentions=len(window), baseline_mentions=len(baseline), contrast=contrast)


def _rest_of_stream(session: Session, scope: EvidenceScope, window_start: datetime, baseline: list[Row],
                    start: datetime, end: datetime) -> tuple[list[Row], str]:
    """When the series' own week before says too little (a new workspace, a rare series, or the SLA alert, whose
    window is a month of complaints), every other mention of that week and of the window is the next best
    contrast: it sets the window's words apart from what the whole stream says ("lumo", "app", "order") instead of
    crowning the words that are merely frequent. The series' window is left out by its own conditions, not by the
    rows read of it, which are a sample when the window holds more than MAX_WINDOW_MENTIONS."""
    in_series_window = sa.and_(*_in_window(scope, window_start, end))
    rest = _rows(session, EvidenceScope(), start, end, MAX_BASELINE_MENTIONS, leave_out=in_series_window)
    return (rest, "rest") if len(rest) > len(baseline) else (baseline, "before")


def queue_path(scope: EvidenceScope, window_start: datetime, window_end: datetime) -> str:
    """The queue's filters are whole days (since/until inclusive), so the link covers the days of the window."""
    last = window_end - timedelta(microseconds=1) if window_end > window_start else window_end
    args = {"since": window_start.date().isoformat(), "until": last.date().isoformat(), **scope.queue_args()}
    return "/queue?" + urlencode(args)


def examples(session: Session, scope: EvidenceScope, window_start: datetime, window_end: datetime,
             *, count: int = EXAMPLES) -> list[ExampleMention]:
    """The most telling mentions of the window: complaints first, then the most confidently negative; one per
    author and per text, so three copies of one post are not three examples."""
    complaint_first = sa.case((col(Mention.complaint) >= COMPLAINT_THRESHOLD, 1), else_=0)
    query = (select(Mention).where(*_in_window(scope, window_start, window_end))
             .order_by(complaint_first.desc(), negativity().desc(), col(Mention.created_at).desc(),
                       col(Mention.id).desc())
             .limit(EXAMPLE_CANDIDATES))
    chosen: list[ExampleMention] = []
    authors: set[str] = set()
    texts: set[str] = set()
    for mention in session.exec(query).all():
        text = " ".join(mention.text.split())[:MAX_EXAMPLE]
        if not scope.admits(mention):
            continue
        if mention.author in authors or text.lower() in texts or not text:
            continue
        authors.add(mention.author)
        texts.add(text.lower())
        chosen.append(ExampleMention(mention_id=mention.id or 0, text=text, network=mention.network,
                                     author=mention.author[:100], url=mention.url, sentiment=mention.sentiment,
                                     complaint=mention.complaint))
        if len(chosen) == count:
            break
    return chosen


def _rows(session: Session, scope: EvidenceScope, start: datetime, end: datetime, limit: int,
          leave_out: sa.ColumnElement[bool] | None = None) -> list[Row]:
    conditions = _in_window(scope, start, end)
    if leave_out is not None:  # NULL (a condition on a missing value) counts as not matching
        conditions.append(sa.not_(sa.func.coalesce(leave_out, sa.false())))
    total = session.exec(select(sa.func.count()).select_from(Mention).where(*conditions)).one()
    if total > limit:
        conditions.append(col(Mention.id) % math.ceil(total / limit) == 0)
    query = (sa.select(col(Mention.id), col(Mention.text), col(Mention.title), col(Mention.language),
                       col(Mention.network), col(Mention.topics))  # more columns than sqlmodel's select is typed for
             .where(*conditions).order_by(col(Mention.created_at).desc()).limit(limit))
    return [(row.id, row.text, row.language, row.network, row.topics) for row in session.execute(query)
            if scope.admits(row)]


def _in_window(scope: EvidenceScope, start: datetime, end: datetime) -> list[sa.ColumnElement[bool]]:
    return [*scope.conditions(), col(Mention.created_at) >= start, col(Mention.created_at) < end]


def _top(values: Any) -> tuple[tuple[str, int], ...]:
    return tuple(Counter(str(value) for value in values if value).most_common(MAX_ITEMS))


@lru_cache(maxsize=64)
def _parsed(query: str) -> Query | None:
    try:
        return parse(query)
    except QuerySyntaxError:  # a rule saved under older syntax: the unfiltered evidence rather than none
        return None


def _like_safe(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_").replace('"', "")
