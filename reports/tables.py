"""Every table of a report, in the page's order: the one list the page, the PDF, the CSV files and the API
read, so that a figure shown is a figure exported."""

from __future__ import annotations

from collections.abc import Sequence

from reports.report import (
    WEEKDAYS,
    Comparison,
    Movement,
    Report,
    ResponseFigures,
    ResponseGroup,
    SentimentCounts,
    SentimentGroup,
    TestKind,
)
from reports.table import Cell, Column, Kind, Table

C, K = Column, Kind
TEST_LABELS = {TestKind.poisson: "exact binomial (Poisson counts)", TestKind.two_proportion: "two-proportion z"}
COMPARED = (C("current", "This period", K.number), C("previous", "Previous period", K.number))


def report_tables(report: Report) -> list[Table]:
    return [*volume_tables(report), *sentiment_tables(report), *complaint_tables(report),
            *responsiveness_tables(report), resolution_table(report), repeat_complainers_table(report),
            *peak_hour_tables(report), *rating_tables(report), changes_table(report)]


def tables_by_key(report: Report) -> dict[str, Table]:
    return {table.key: table for table in report_tables(report)}


def headline_table(report: Report) -> Table:
    """The figures a reader looks at first: on top of the page and the PDF, and in the digest email."""
    r = report
    rows: list[tuple[Cell, ...]] = [
        ("Mentions", K.number, *_pair(r.volume.total)),
        ("Net sentiment", K.net, *_pair(r.sentiment.net)),
        ("Complaint share", K.share, *_pair(r.complaints.share)),
        ("Response rate", K.share, *_pair(r.responsiveness.response_rate)),
        ("Median first response (business time)", K.minutes, *_pair(r.responsiveness.median_minutes)),
        ("Answered within SLA", K.share, *_pair(r.responsiveness.sla_share)),
        ("Issues resolved", K.share, *_pair(r.resolution.share)),
        ("Average rating", K.stars, *_pair(r.ratings.average)),
        ("Promoter score (from ratings)", K.score, *_pair(r.ratings.promoter_score)),
    ]
    return Table("headline", "Headline figures", (C("figure", "Figure"), C("kind", "Kind"),
                                                   C("current", "This period"), C("previous", "Previous period")),
                 tuple(rows))


def series_table(report: Report) -> Table:
    """Every per-bucket figure in one table: the PDF's appendix, in place of one long table per chart (a table
    row costs WeasyPrint far more than a chart, and the page count matters on paper)."""
    bucket = report.bucket.value
    rows = tuple((v.bucket.label, v.mentions, c.complaints, c.share, s.counts.positive, s.counts.neutral,
                  s.counts.negative, s.counts.net, r.rated, r.average)
                 for v, c, s, r in zip(report.volume.series, report.complaints.series, report.sentiment.series,
                                       report.ratings.series, strict=True))
    return Table("series", f"Figures by {bucket}",
                 (C("bucket", bucket.capitalize()), C("mentions", "Mentions", K.number),
                  C("complaints", "Complaints", K.number), C("complaint_share", "Complaint share", K.share),
                  C("positive", "Positive", K.number), C("neutral", "Neutral", K.number),
                  C("negative", "Negative", K.number), C("net", "Net sentiment", K.net),
                  C("reviews", "Reviews", K.number), C("average", "Average rating", K.stars)), rows,
                 caption="The numbers behind the charts over time.")


def volume_tables(report: Report) -> list[Table]:
    v = report.volume
    over_time = Table("volume_over_time", "Mentions over time",
                      (C("bucket", f"{report.bucket.value.capitalize()}"), C("mentions", "Mentions", K.number)),
                      tuple((p.bucket.label, p.mentions) for p in v.series))
    by_network = Table("volume_by_network", "Mentions per network", (C("network", "Network", K.network), *COMPARED),
                       tuple((n.network, *_pair(n.mentions)) for n in v.by_network))
    by_source = Table("volume_by_source", "Mentions per source",
                      (C("source", "Source"), C("collector", "Collector"), *COMPARED,
                       C("coverage", "What this source cannot see")),
                      tuple((s.name, s.collector, *_pair(s.mentions), s.coverage) for s in v.by_source),
                      caption="Coverage notes say what each platform does not let its source see.")
    return [over_time, by_network, by_source]


def sentiment_tables(report: Report) -> list[Table]:
    s = report.sentiment
    counts = (C("positive", "Positive", K.number), C("neutral", "Neutral", K.number),
              C("negative", "Negative", K.number), C("unscored", "Not scored yet", K.number))
    over_time = Table("sentiment_over_time", "Sentiment over time",
                      (C("bucket", report.bucket.value.capitalize()), *counts, C("net", "Net sentiment", K.net)),
                      tuple((p.bucket.label, *_counts(p.counts), p.counts.net) for p in s.series),
                      caption="Net sentiment is (positive − negative) / scored mentions, from −1 to +1.")
    group_columns = (*counts, C("net", "Net sentiment", K.net), C("previous_net", "Previous net", K.net))
    by_network = Table("sentiment_by_network", "Sentiment per network",
                       (C("network", "Network", K.network), *group_columns),
                       tuple(_group_row(g) for g in s.by_network))
    by_language = Table("sentiment_by_language", "Sentiment per language",
                        (C("language", "Language"), *group_columns), tuple(_group_row(g) for g in s.by_language))
    return [over_time, by_network, by_language]


def complaint_tables(report: Report) -> list[Table]:
    c = report.complaints
    over_time = Table("complaints_over_time", "Complaint share over time",
                      (C("bucket", report.bucket.value.capitalize()), C("mentions", "Mentions", K.number),
                       C("complaints", "Complaints", K.number), C("share", "Complaint share", K.share)),
                      tuple((p.bucket.label, p.mentions, p.complaints, p.share) for p in c.series))
    topics = Table("complaint_topics", "Top complaint topics",
                   (C("topic", "Topic"), *COMPARED, C("examples", "Example mentions", K.mentions)),
                   tuple((t.topic, *_pair(t.complaints), tuple(e.id for e in t.examples)) for t in c.top_topics))
    return [over_time, topics]


def responsiveness_tables(report: Report) -> list[Table]:
    r = report.responsiveness
    summary = Table("responsiveness", "Responsiveness",
                    (C("figure", "Figure"), C("kind", "Kind"), C("current", "This period"),
                     C("previous", "Previous period")),
                    (("Needed a reply", K.number, r.current.needed, r.previous.needed),
                     ("Answered", K.number, r.current.answered, r.previous.answered),
                     ("Response rate", K.share, *_pair(r.response_rate)),
                     ("Median first response", K.minutes, *_pair(r.median_minutes)),
                     ("90th percentile first response", K.minutes, *_pair(r.p90_minutes)),
                     ("Answered within SLA", K.share, *_pair(r.sla_share))),
                    caption=f"First-response times are business time; the SLA is {_sla(r.sla_minutes)}.")
    return [summary, _response_groups("responsiveness_by_network", "Responsiveness per network", "Network",
                                      r.by_network, kind=K.network),
            _response_groups("responsiveness_by_agent", "Responsiveness per agent", "Agent", r.by_agent)]


def resolution_table(report: Report) -> Table:
    s = report.resolution
    return Table("issues_resolved", "Issues resolved",
                 (C("figure", "Figure"), C("kind", "Kind"), C("current", "This period"),
                  C("previous", "Previous period")),
                 (("Complaints", K.number, *_pair(s.complaints)), ("Resolved", K.number, *_pair(s.resolved)),
                  ("Resolved share", K.share, *_pair(s.share)), ("Marked resolved by staff", K.number, s.marked, None),
                  ("Answered, too recent to judge", K.number, s.pending, None)),
                 caption="Resolved: marked resolved by staff, or answered and the author did not complain again "
                         "within 7 days.")


def repeat_complainers_table(report: Report) -> Table:
    rc = report.repeat_complainers
    return Table("repeat_complainers", "Repeat complainers",
                 (C("network", "Network", K.network), C("author", "Author"), C("author_id", "Author id"),
                  C("complaints", "Complaints", K.number), C("mentions", "Mentions", K.mentions)),
                 tuple((a.network, a.author, a.author_id, a.complaints, a.mention_ids) for a in rc.top),
                 caption="Authors with two or more complaints in the range.")


def peak_hour_tables(report: Report) -> list[Table]:
    hours = tuple(C(f"h{hour:02d}", f"{hour:02d}", K.number) for hour in range(24))
    return [Table(f"peak_hours_{name}", f"Peak hours: {name}", (C("weekday", "Day"), *hours),
                  tuple((WEEKDAYS[day], *grid[day]) for day in range(7)),
                  caption=f"By weekday and hour, in {report.request.timezone}.")
            for name, grid in (("mentions", report.peak_hours.mentions), ("complaints", report.peak_hours.complaints))]


def rating_tables(report: Report) -> list[Table]:
    g = report.ratings
    over_time = Table("ratings_over_time", "Average rating over time",
                      (C("bucket", report.bucket.value.capitalize()), C("rated", "Reviews", K.number),
                       C("average", "Average rating", K.stars)),
                      tuple((p.bucket.label, p.rated, p.average) for p in g.series))
    distribution = Table("rating_distribution", "Rating distribution", (C("stars", "Stars"), *COMPARED),
                         tuple((stars, g.distribution[stars - 1], g.previous_distribution[stars - 1])
                               for stars in range(5, 0, -1)))
    summary = Table("ratings", "Ratings",
                    (C("figure", "Figure"), C("kind", "Kind"), C("current", "This period"),
                     C("previous", "Previous period")),
                    (("Reviews with a rating", K.number, *_pair(g.rated)), ("Average rating", K.stars,
                                                                           *_pair(g.average)),
                     ("Promoter score", K.score, *_pair(g.promoter_score))),
                    caption="The promoter score is derived from star ratings (5 stars promoters, 1 to 3 "
                            "detractors), not asked as a Net Promoter Score survey.")
    return [summary, over_time, distribution]


def changes_table(report: Report) -> Table:
    ch = report.changes
    return Table("what_changed", "What changed",
                 (C("movement", "Movement"), C("kind", "Kind"), C("previous", "Previous"),
                  C("current", "This period"), C("test", "Test"), C("p_value", "p (Holm-adjusted)", K.p_value),
                  C("beyond_noise", "Beyond noise")),
                 tuple((m.name, movement_kind(m).value, _number(m.previous), _number(m.current), TEST_LABELS[m.test],
                        m.adjusted_p_value, "yes" if m.beyond_noise else "no") for m in ch.movements),
                 caption=f"Each movement is tested against the previous period ({ch.correction}, "
                         f"alpha {ch.alpha}).")


def movement_kind(movement: Movement) -> Kind:
    return K.share if movement.test is TestKind.two_proportion else K.number


def _pair(comparison: Comparison) -> tuple[float | None, float | None]:
    return comparison.current, comparison.previous


def _counts(counts: SentimentCounts) -> tuple[int, int, int, int]:
    return counts.positive, counts.neutral, counts.negative, counts.unscored


def _group_row(group: SentimentGroup) -> tuple[Cell, ...]:
    return (group.key or "unknown", *_counts(group.counts), group.net.current, group.net.previous)


def _response_groups(key: str, title: str, label: str, groups: Sequence[ResponseGroup], *,
                     kind: Kind = Kind.text) -> Table:
    columns = (C("group", label, kind), C("needed", "Needed a reply", K.number), C("answered", "Answered", K.number),
               C("rate", "Response rate", K.share), C("median", "Median first response", K.minutes),
               C("p90", "90th percentile", K.minutes), C("sla", "Within SLA", K.share),
               C("previous_rate", "Previous response rate", K.share))
    return Table(key, title, columns, tuple((g.key, *_figures(g.current), g.previous.response_rate) for g in groups))


def _figures(f: ResponseFigures) -> tuple[Cell, ...]:
    return f.needed, f.answered, f.response_rate, f.median_minutes, f.p90_minutes, f.sla_share


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 4)


def _sla(minutes: int) -> str:
    return f"{minutes // 60} business hours" if minutes % 60 == 0 else f"{minutes} business minutes"
