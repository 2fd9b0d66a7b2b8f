"""The report's charts, keyed by the table each one sits beside (the table holds the same numbers)."""

from __future__ import annotations

from markupsafe import Markup

from reports.charts import Series, bar_chart, heatmap, line_chart, percent, plain_number
from reports.report import WEEKDAYS, Report
from reports.table import Kind, display, duration

MAX_NETWORK_LINES = 4


def report_charts(report: Report) -> dict[str, Markup]:
    charts = {
        "volume_over_time": _volume(report),
        "sentiment_over_time": _sentiment(report),
        "complaints_over_time": _complaint_share(report),
        "peak_hours_mentions": _peak(report, "mentions"),
        "peak_hours_complaints": _peak(report, "complaints"),
    }
    if any(report.ratings.distribution) or any(report.ratings.previous_distribution):
        charts["rating_distribution"] = _distribution(report)
    if report.complaints.top_topics:
        charts["complaint_topics"] = _topics(report)
    if any(group.current.median_minutes is not None for group in report.responsiveness.by_network):
        charts["responsiveness_by_network"] = _response_by_network(report)
    if any(point.average is not None for point in report.ratings.series):
        charts["ratings_over_time"] = _rating_trend(report)
    return charts


def _labels(report: Report, points: tuple[object, ...]) -> list[str]:
    return [point.bucket.label for point in points]  # type: ignore[attr-defined]


def _volume(report: Report) -> Markup:
    series = report.volume.series
    return line_chart("chart-volume", title="Mentions over time",
                      description=f"Mentions per {report.bucket.value}, {report.volume.total.current or 0:,.0f} in "
                                  f"all; the table beside lists every {report.bucket.value}.",
                      x_labels=_labels(report, series), series=[Series("Mentions", [p.mentions for p in series])],
                      y_label="mentions", x_label=report.bucket.value, whole=True)


def _sentiment(report: Report) -> Markup:
    points = report.sentiment.series
    lines = [Series(name, [getattr(p.counts, name) for p in points]) for name in ("negative", "neutral", "positive")]
    return line_chart("chart-sentiment", title="Sentiment over time",
                      description=f"Negative, neutral and positive mentions per {report.bucket.value}.",
                      x_labels=_labels(report, points), series=[lines[2], lines[0], lines[1]],
                      y_label="mentions", x_label=report.bucket.value, whole=True)


def _complaint_share(report: Report) -> Markup:
    points = report.complaints.series
    return line_chart("chart-complaints", title="Complaint share over time",
                      description=f"Share of mentions that are complaints, per {report.bucket.value}.",
                      x_labels=_labels(report, points), series=[Series("Complaint share", [p.share for p in points])],
                      y_label="share of mentions", x_label=report.bucket.value, y_format=percent)


def _topics(report: Report) -> Markup:
    topics = report.complaints.top_topics
    return bar_chart("chart-topics", title="Top complaint topics",
                     description="Complaints per topic in this period, with the previous period under each bar.",
                     labels=[t.topic for t in topics], values=[t.complaints.current or 0 for t in topics],
                     compare=[t.complaints.previous or 0 for t in topics], value_label="complaints", whole=True)


def _response_by_network(report: Report) -> Markup:
    groups = [g for g in report.responsiveness.by_network if g.current.median_minutes is not None]
    return bar_chart("chart-response", title="Median first response per network",
                     description="Median business time to the first posted reply, per network.",
                     labels=[display(g.key, Kind.network) for g in groups],
                     values=[g.current.median_minutes or 0 for g in groups],
                     value_label="business time to first reply", value_format=duration, whole=True)


def _peak(report: Report, name: str) -> Markup:
    grid = report.peak_hours.mentions if name == "mentions" else report.peak_hours.complaints
    return heatmap(f"chart-peak-{name}", title=f"Peak hours: {name}",
                   description=f"{name.capitalize()} by weekday and hour of day in {report.request.timezone}.",
                   row_labels=WEEKDAYS, column_labels=[f"{hour:02d}" for hour in range(24)],
                   values=grid, value_name=name)


def _rating_trend(report: Report) -> Markup:
    points = report.ratings.series
    return line_chart("chart-ratings", title="Average rating over time",
                      description=f"Average star rating of reviews per {report.bucket.value}.",
                      x_labels=_labels(report, points), series=[Series("Average rating", [p.average for p in points])],
                      y_label="stars", x_label=report.bucket.value, y_range=(1.0, 5.0),
                      y_format=plain_number)


def _distribution(report: Report) -> Markup:
    stars = range(5, 0, -1)
    return bar_chart("chart-distribution", title="Rating distribution",
                     description="Reviews per star rating, with the previous period under each bar.",
                     labels=[f"{n} star{'s' if n > 1 else ''}" for n in stars],
                     values=[report.ratings.distribution[n - 1] for n in stars],
                     compare=[report.ratings.previous_distribution[n - 1] for n in stars], value_label="reviews",
                     whole=True)
