"""Plain-Python figures of a report, computed row by row from the same mentions and replies: what the SQL must match."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from models import Mention, Reply
from models.business_hours import BusinessCalendar
from models.complaint import complaint_by_score


@dataclass(frozen=True)
class Answer:
    posted_at: datetime
    agent_id: int | None


def percentile(values: list[float], q: float) -> float | None:
    """numpy.percentile's default (linear) method."""
    if not values:
        return None
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def first_answers(replies: list[Reply]) -> dict[int, Answer]:
    firsts: dict[int, Reply] = {}
    for reply in replies:
        if reply.status != "posted" or reply.posted_at is None:
            continue
        known = firsts.get(reply.mention_id)
        if known is None or (reply.posted_at, reply.id or 0) < (known.posted_at or reply.posted_at, known.id or 0):
            firsts[reply.mention_id] = reply
    return {mention_id: Answer(reply.posted_at, reply.approved_by_id or reply.edited_by_id)
            for mention_id, reply in firsts.items() if reply.posted_at is not None}


def in_range(mentions: list[Mention], since: datetime, until: datetime) -> list[Mention]:
    return [mention for mention in mentions if since <= mention.created_at < until]


def complaints(mentions: list[Mention]) -> list[Mention]:
    return [mention for mention in mentions if complaint_by_score(mention.complaint)]


def bucket_series(mentions: list[Mention], zone: ZoneInfo, size: str) -> Counter[str]:
    """Mentions per local hour ("2026-11-03 14:00"), day ("2026-11-03") or Monday-started week."""
    def label(moment: datetime) -> str:
        local = moment.astimezone(zone)
        if size == "hour":
            return f"{local:%Y-%m-%d %H}:00"
        if size == "day":
            return local.date().isoformat()
        return f"week of {(local.date() - timedelta(days=local.weekday())).isoformat()}"

    return Counter(label(mention.created_at) for mention in mentions)


def sentiment_net(mentions: list[Mention]) -> float | None:
    counts = Counter(mention.sentiment for mention in mentions if mention.sentiment)
    scored = sum(counts.values())
    return (counts["positive"] - counts["negative"]) / scored if scored else None


@dataclass(frozen=True)
class Responses:
    needed: int
    answered: int
    median: float | None
    p90: float | None
    within_sla: int
    decided: int


def responses(mentions: list[Mention], answers: dict[int, Answer], calendar: BusinessCalendar, sla_minutes: float,
              now: datetime) -> Responses:
    needed = [m for m in mentions if m.status in ("needs_reply", "replied") or m.id in answers]
    minutes = [calendar.business_minutes(m.created_at, answers[m.id or 0].posted_at) for m in needed
               if m.id in answers]
    within = sum(1 for value in minutes if value * 60 <= sla_minutes * 60 + 1e-6)
    overdue = sum(1 for m in needed if m.id not in answers
                  and calendar.business_minutes(m.created_at, now) >= sla_minutes - 1e-6)
    return Responses(len(needed), len(minutes), percentile(minutes, 0.5), percentile(minutes, 0.9), within,
                     len(minutes) + overdue)


def resolved(mentions_in_range: list[Mention], everyone: list[Mention], answers: dict[int, Answer],
             now: datetime) -> tuple[int, int, int]:
    """(resolved, marked, pending) among the complaints in range."""
    window = timedelta(days=7)
    found = marked = pending = 0
    for mention in complaints(mentions_in_range):
        answer = answers.get(mention.id or 0)
        if mention.resolved_at is not None:
            found += 1
            marked += 1
            continue
        if answer is None:
            continue
        if answer.posted_at > now - window:
            pending += 1
            continue
        again = any(other.author_id == mention.author_id and other.network == mention.network
                    and mention.author_id is not None and complaint_by_score(other.complaint)
                    and answer.posted_at < other.created_at <= answer.posted_at + window for other in everyone)
        found += 0 if again else 1
    return found, marked, pending


def repeaters(mentions: list[Mention]) -> dict[tuple[str, str], int]:
    counts = Counter((m.network, m.author_id) for m in complaints(mentions) if m.author_id)
    return {(network, author or ""): count for (network, author), count in counts.items() if count >= 2}


def heatmap(mentions: list[Mention], zone: ZoneInfo) -> list[list[int]]:
    cells = [[0] * 24 for _ in range(7)]
    for mention in mentions:
        local = mention.created_at.astimezone(zone)
        cells[local.weekday()][local.hour] += 1
    return cells


def topic_counts(mentions: list[Mention]) -> dict[str, int]:
    counts: defaultdict[str, int] = defaultdict(int)
    for mention in complaints(mentions):
        for topic in mention.topics or []:
            counts[topic] += 1
    return dict(counts)
