"""What a report is asked for: a time range (a preset resolved in the workspace's time zone, or custom dates) and
the queue's filters, to and from URL query arguments so that a link holds the whole report."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from inbox.queue.params import InvalidQuery, search_text
from models.base import utcnow
from models.row_ids import parse_row_id

SENTIMENTS = ("positive", "neutral", "negative")
LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,4})?$")
TOPIC_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
NETWORK_PATTERN = re.compile(r"^[a-z0-9_]{1,32}$")
# A custom range longer than this is refused: the buckets and the business calendar are built in Python per day.
MAX_RANGE = timedelta(days=3 * 366)
FILTER_ARGS = ("network", "source", "language", "sentiment", "topic", "complaint", "question", "rating", "q")


class InvalidReportQuery(ValueError):
    """A report argument that is not one of the allowed values; the message says what is allowed."""


class Preset(StrEnum):
    today = "today"
    last_7 = "last_7"
    last_30 = "last_30"
    last_90 = "last_90"
    this_month = "this_month"
    last_month = "last_month"
    custom = "custom"


DEFAULT_PRESET = Preset.last_30
PRESET_LABELS = {Preset.today: "Today", Preset.last_7: "Last 7 days", Preset.last_30: "Last 30 days",
                 Preset.last_90: "Last 90 days", Preset.this_month: "This month", Preset.last_month: "Last month",
                 Preset.custom: "Custom range"}


@dataclass(frozen=True)
class ReportFilters:
    """The queue's filters that make sense for a report (no tab, sort or assignee); None means not filtered."""

    network: str | None = None
    source_id: int | None = None
    language: str | None = None
    sentiment: str | None = None
    topic: str | None = None
    complaint: bool | None = None
    question: bool | None = None
    rating: int | None = None
    q: str | None = None

    def url_args(self) -> dict[str, str]:
        values = {"network": self.network, "source": _text(self.source_id), "language": self.language,
                  "sentiment": self.sentiment, "topic": self.topic,
                  "complaint": _yes_no_text(self.complaint), "question": _yes_no_text(self.question),
                  "rating": _text(self.rating), "q": self.q}
        return {name: value for name, value in values.items() if value}

    def narrows(self) -> bool:
        return bool(self.url_args())

    def describe(self) -> list[tuple[str, str]]:
        """(label, value) pairs for a page or PDF header: "Network: reddit", ...; empty when unfiltered."""
        labels = {"network": "Network", "source": "Source", "language": "Language", "sentiment": "Sentiment",
                  "topic": "Topic", "complaint": "Complaint", "question": "Question", "rating": "Rating",
                  "q": "Search"}
        return [(labels[name], value) for name, value in self.url_args().items()]


@dataclass(frozen=True)
class ReportRequest:
    """A report over [since, until) (aware UTC datetimes), under filters.

    `preset` records how the range was chosen, so a link keeps "last 30 days" rolling; `timezone` is the IANA zone
    the range was resolved in and the report's buckets and heatmap are drawn in (the workspace's)."""

    since: datetime
    until: datetime
    filters: ReportFilters = field(default_factory=ReportFilters)
    preset: Preset = Preset.custom
    timezone: str = "UTC"

    def __post_init__(self) -> None:
        if self.since.tzinfo is None or self.until.tzinfo is None:
            raise InvalidReportQuery("a report's range needs timezone-aware times")
        if self.since >= self.until:
            raise InvalidReportQuery("the start of the range must be before its end")
        if self.until - self.since > MAX_RANGE:
            raise InvalidReportQuery(f"a report covers at most {MAX_RANGE.days} days")

    @property
    def length(self) -> timedelta:
        return self.until - self.since

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def previous(self) -> ReportRequest:
        """The period of the same length just before this one, under the same filters. Today is compared with
        yesterday up to the same time of day, not with the evening before it."""
        shift = timedelta(days=1) if self.preset is Preset.today else self.length
        return replace(self, since=self.since - shift, until=self.until - shift, preset=Preset.custom)

    def url_args(self) -> dict[str, str]:
        """Query arguments that open the same report: the preset, or the custom dates, and the filters."""
        args: dict[str, str] = {"range": self.preset.value}
        if self.preset is Preset.custom:
            args.update(_custom_args(self.since, self.until, self.zone))
        return {**args, **self.filters.url_args()}

    def describe_range(self) -> str:
        """"Last 30 days: 2026-11-04 – 2026-12-03 (Europe/Paris)", for headers."""
        first = self.since.astimezone(self.zone)
        last = (self.until - timedelta(microseconds=1)).astimezone(self.zone)
        if _is_midnight(self.since, self.zone) and _is_midnight(self.until, self.zone):
            span = f"{first.date().isoformat()} – {last.date().isoformat()}"
        else:
            span = f"{first:%Y-%m-%d %H:%M} – {self.until.astimezone(self.zone):%Y-%m-%d %H:%M}"
        return f"{PRESET_LABELS[self.preset]}: {span} ({self.timezone})"


def zone_named(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidReportQuery(f"unknown time zone {name!r}; expected an IANA name such as Europe/Paris") from None


def preset_range(preset: Preset, zone: ZoneInfo, now: datetime) -> tuple[datetime, datetime]:
    """[since, until) of a preset in UTC. The last N days are N whole days ending at today's midnight (today,
    still under way, would make the comparison with the previous period unfair); today and this month end now."""
    today = now.astimezone(zone).date()
    if preset is Preset.today:
        return local_midnight(today, zone), now
    if preset in (Preset.last_7, Preset.last_30, Preset.last_90):
        days = {Preset.last_7: 7, Preset.last_30: 30, Preset.last_90: 90}[preset]
        return local_midnight(today - timedelta(days=days), zone), local_midnight(today, zone)
    first_of_month = today.replace(day=1)
    if preset is Preset.this_month:
        return local_midnight(first_of_month, zone), now
    if preset is Preset.last_month:
        first_of_last = (first_of_month - timedelta(days=1)).replace(day=1)
        return local_midnight(first_of_last, zone), local_midnight(first_of_month, zone)
    raise InvalidReportQuery("a custom range needs its dates")


def for_preset(preset: Preset, timezone_name: str = "UTC", *, filters: ReportFilters | None = None,
               now: datetime | None = None) -> ReportRequest:
    since, until = preset_range(preset, zone_named(timezone_name), now or utcnow())
    return ReportRequest(since, until, filters or ReportFilters(), preset, timezone_name)


def for_dates(first: date, last: date, timezone_name: str = "UTC", *,
              filters: ReportFilters | None = None) -> ReportRequest:
    """Whole days from `first` to `last`, both included, in the workspace's time zone."""
    if first > last:
        raise InvalidReportQuery("the start date must not be after the end date")
    zone = zone_named(timezone_name)
    return ReportRequest(local_midnight(first, zone), local_midnight(last + timedelta(days=1), zone),
                         filters or ReportFilters(), Preset.custom, timezone_name)


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone).astimezone(timezone.utc)


@dataclass(frozen=True)
class ReportChoices:
    """What the filters may name in this workspace; None skips that check (the CLI, before it has looked)."""

    networks: Collection[str] | None = None
    source_ids: Collection[int] | None = None


def parse_request(args: Mapping[str, str], timezone_name: str = "UTC", *, choices: ReportChoices | None = None,
                  now: datetime | None = None) -> ReportRequest:
    """Read `range` (a preset; default last_30, or custom when since/until are given), `since` and `until` (dates,
    inclusive, in the workspace's zone; or ISO datetimes with an offset, until exclusive) and the filters."""
    filters = parse_filters(args, choices or ReportChoices())
    raw_range = args.get("range") or (Preset.custom.value if args.get("since") or args.get("until") else None)
    preset = _preset(raw_range) if raw_range else DEFAULT_PRESET
    if preset is not Preset.custom:
        return for_preset(preset, timezone_name, filters=filters, now=now)
    zone = zone_named(timezone_name)
    since_raw, until_raw = args.get("since"), args.get("until")
    if not since_raw or not until_raw:
        raise InvalidReportQuery("a custom range needs both since and until (dates such as 2026-11-01)")
    since, until = _bound("since", since_raw, zone, end=False), _bound("until", until_raw, zone, end=True)
    if since >= until:
        raise InvalidReportQuery("the start of the range must be before its end")
    return ReportRequest(since, until, filters, Preset.custom, timezone_name)


def parse_filters(args: Mapping[str, str], choices: ReportChoices) -> ReportFilters:
    return ReportFilters(
        network=_network(args.get("network"), choices.networks),
        source_id=_source(args.get("source"), choices.source_ids),
        language=_pattern("language", args.get("language"), LANGUAGE_PATTERN, "a code such as en, ko or pt-br"),
        sentiment=_sentiment(args.get("sentiment")),
        topic=_pattern("topic", args.get("topic"), TOPIC_PATTERN, "a topic name such as delivery"),
        complaint=_yes_no("complaint", args.get("complaint")),
        question=_yes_no("question", args.get("question")),
        rating=_rating(args.get("rating")),
        q=_search(args.get("q")),
    )


def _preset(raw: str) -> Preset:
    try:
        return Preset(raw)
    except ValueError:
        raise InvalidReportQuery(f"unknown range; expected one of {', '.join(p.value for p in Preset)}") from None


def _bound(name: str, raw: str, zone: ZoneInfo, *, end: bool) -> datetime:
    raw = raw.strip()
    try:
        if len(raw) == 10:
            day = date.fromisoformat(raw)
            return local_midnight(day + timedelta(days=1) if end else day, zone)
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidReportQuery(f"{name} must be a date such as 2026-11-01 or an ISO time with an offset") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(timezone.utc)


def _custom_args(since: datetime, until: datetime, zone: ZoneInfo) -> dict[str, str]:
    if _is_midnight(since, zone) and _is_midnight(until, zone):
        last_day = (until.astimezone(zone) - timedelta(hours=12)).date()
        return {"since": since.astimezone(zone).date().isoformat(), "until": last_day.isoformat()}
    return {"since": since.isoformat(), "until": until.isoformat()}


def _is_midnight(moment: datetime, zone: ZoneInfo) -> bool:
    return moment.astimezone(zone).time() == time()


def _network(raw: str | None, allowed: Collection[str] | None) -> str | None:
    if not raw:
        return None
    if not NETWORK_PATTERN.match(raw) or (allowed is not None and raw not in allowed):
        expected = f"one of {', '.join(sorted(allowed))}" if allowed is not None else "a network name"
        raise InvalidReportQuery(f"unknown network; expected {expected}")
    return raw


def _source(raw: str | None, allowed: Collection[int] | None) -> int | None:
    if not raw:
        return None
    value = parse_row_id(raw) if raw == raw.strip() else None  # an id in a URL is written as is
    if value is None or (allowed is not None and value not in allowed):
        raise InvalidReportQuery("unknown source; expected the id of a configured source")
    return value


def _pattern(name: str, raw: str | None, pattern: re.Pattern[str], example: str) -> str | None:
    if not raw:
        return None
    if not pattern.match(raw):
        raise InvalidReportQuery(f"invalid {name}; expected {example}")
    return raw


def _sentiment(raw: str | None) -> str | None:
    if not raw:
        return None
    if raw not in SENTIMENTS:
        raise InvalidReportQuery(f"unknown sentiment; expected one of {', '.join(SENTIMENTS)}")
    return raw


def _yes_no(name: str, raw: str | None) -> bool | None:
    if not raw:
        return None
    if raw not in ("yes", "no"):
        raise InvalidReportQuery(f"{name} must be yes or no")
    return raw == "yes"


def _rating(raw: str | None) -> int | None:
    if not raw:
        return None
    if raw not in ("1", "2", "3", "4", "5"):
        raise InvalidReportQuery("rating must be a whole number of stars from 1 to 5")
    return int(raw)


def _search(raw: str | None) -> str | None:
    try:
        return search_text(raw)
    except InvalidQuery as error:
        raise InvalidReportQuery(str(error)) from None


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _yes_no_text(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")
