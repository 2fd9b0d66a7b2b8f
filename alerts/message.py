"""What every alert notification carries: the evidence a person needs to act, independent of the channel.

The detection side fills an `AlertMessage`; the outbox stores it as JSON in the delivery row, so a retry sends
exactly the same content under the same delivery id.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

MAX_TITLE = 150
MAX_EXAMPLE = 300
MAX_ITEMS = 5


@dataclass(frozen=True)
class Example:
    text: str
    network: str = ""
    author: str = ""
    url: str | None = None


@dataclass(frozen=True)
class AlertMessage:
    title: str  # "Negative mentions spiking: delivery"
    series: str  # what was counted, in words: "negative mentions, topic delivery"
    observed: float
    expected: float
    p_value: float | None = None
    score: float | None = None
    window_start: datetime | None = None
    window_end: datetime | None = None
    state: str = "opened"  # opened / updated / resolved: one incident, several messages
    alert_id: int | None = None
    top_topics: tuple[tuple[str, int], ...] = ()
    top_networks: tuple[tuple[str, int], ...] = ()
    phrases: tuple[str, ...] = ()
    examples: tuple[Example, ...] = ()
    link: str | None = None  # the queue filtered to the spike's window (absolute URL)
    # The series around the spike for the chart: (bucket start ISO 8601, observed, expected or None).
    chart: tuple[tuple[str, float, float | None], ...] = ()
    extra: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("window_start", "window_end"):
            value = getattr(self, key)
            data[key] = value.isoformat() if value is not None else None
        data["top_topics"] = [list(pair) for pair in self.top_topics]
        data["top_networks"] = [list(pair) for pair in self.top_networks]
        data["phrases"] = list(self.phrases)
        data["examples"] = [asdict(example) for example in self.examples]
        data["chart"] = [list(point) for point in self.chart]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AlertMessage:
        return cls(
            title=str(data["title"]), series=str(data.get("series", "")),
            observed=float(data["observed"]), expected=float(data["expected"]),
            p_value=_float(data.get("p_value")), score=_float(data.get("score")),
            window_start=_when(data.get("window_start")), window_end=_when(data.get("window_end")),
            state=str(data.get("state", "opened")), alert_id=data.get("alert_id"),
            top_topics=tuple((str(name), int(count)) for name, count in data.get("top_topics", ())),
            top_networks=tuple((str(name), int(count)) for name, count in data.get("top_networks", ())),
            phrases=tuple(str(phrase) for phrase in data.get("phrases", ())),
            examples=tuple(Example(**example) for example in data.get("examples", ())),
            link=data.get("link"),
            chart=tuple((str(at), float(observed), _float(expected))
                        for at, observed, expected in data.get("chart", ())),
            extra={str(k): str(v) for k, v in data.get("extra", {}).items()},
        )


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _when(value: Any) -> datetime | None:
    return None if not value else datetime.fromisoformat(value)
