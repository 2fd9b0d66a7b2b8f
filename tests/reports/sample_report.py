"""A hand-made Report with every section filled (hostile text included), for the presentation tests: charts,
tables, CSV, the print template and the PDF. (No tests here.)"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from reports.report import (
    BucketSize,
    Changes,
    Comparison,
    ComplaintPoint,
    Complaints,
    ExampleMention,
    Movement,
    NetworkVolume,
    PeakHours,
    RatingPoint,
    Ratings,
    RepeatComplainer,
    RepeatComplainers,
    Report,
    Resolution,
    ResponseFigures,
    ResponseGroup,
    Responsiveness,
    Sentiment,
    SentimentCounts,
    SentimentGroup,
    SentimentPoint,
    SourceVolume,
    TestKind,
    TimeBucket,
    TopicComplaints,
    Volume,
    VolumePoint,
)
from reports.request import Preset, ReportFilters, ReportRequest

HOSTILE = '=HYPERLINK("http://evil.example","x") <script>alert(1)</script>'
SINCE = datetime(2026, 11, 4, tzinfo=timezone.utc)


def sample_report(days: int = 30, *, filters: ReportFilters | None = None) -> Report:
    request = ReportRequest(SINCE, SINCE + timedelta(days=days), filters or ReportFilters(network="x"),
                            Preset.custom, "Europe/Paris")
    buckets = [TimeBucket(SINCE + timedelta(days=d), SINCE + timedelta(days=d + 1),
                          (SINCE + timedelta(days=d)).date().isoformat()) for d in range(days)]
    volumes = [40 + (d * 7) % 23 + (30 if d == days // 2 else 0) for d in range(days)]
    sentiments = [SentimentCounts(v // 3, v // 3, v - 2 * (v // 3) - 1, 1) for v in volumes]
    figures = ResponseFigures(needed=300, answered=240, median_minutes=95.0, p90_minutes=610.0, within_sla=180,
                              sla_decided=260)
    earlier = ResponseFigures(needed=280, answered=200, median_minutes=130.0, p90_minutes=900.0, within_sla=150,
                              sla_decided=250)
    example = ExampleMention(17, "Still waiting for my order " + HOSTILE, None, "x", SINCE)
    return Report(
        request=request, previous_request=request.previous(), generated_at=SINCE + timedelta(days=days, hours=2),
        bucket=BucketSize.day,
        volume=Volume(Comparison(sum(volumes), 1100),
                      tuple(VolumePoint(b, v) for b, v in zip(buckets, volumes, strict=True)),
                      (NetworkVolume("x", Comparison(900, 700)), NetworkVolume("reddit", Comparison(300, 400))),
                      (SourceVolume(1, "Brand mentions " + HOSTILE, "x_mentions", Comparison(900, 700),
                                    "X's recent search sees only the last 7 days."),
                       SourceVolume(None, "Imported", "import", Comparison(3, 0), ""))),
        sentiment=Sentiment(SentimentCounts(400, 500, 300, 12), SentimentCounts(380, 450, 250, 3),
                            Comparison(0.083, 0.12),
                            tuple(SentimentPoint(b, c) for b, c in zip(buckets, sentiments, strict=True)),
                            (SentimentGroup("x", SentimentCounts(300, 400, 200, 5), Comparison(0.11, 0.2)),),
                            (SentimentGroup("en", SentimentCounts(350, 450, 250, 5), Comparison(0.095, 0.1)),
                             SentimentGroup("", SentimentCounts(1, 0, 0, 7), Comparison(1.0, None)))),
        complaints=Complaints(Comparison(310, 250), Comparison(0.25, 0.22),
                              tuple(ComplaintPoint(b, v, v // 4) for b, v in zip(buckets, volumes, strict=True)),
                              (TopicComplaints("delivery", Comparison(120, 60), (example,)),
                               TopicComplaints("refund", Comparison(40, 45), ()))),
        responsiveness=Responsiveness(240, figures, earlier, Comparison(0.8, 0.714), Comparison(95.0, 130.0),
                                      Comparison(610.0, 900.0), Comparison(0.69, 0.6),
                                      (ResponseGroup("x", None, figures, earlier),),
                                      (ResponseGroup("agent@example.com", 3, figures, earlier),)),
        resolution=Resolution(Comparison(310, 250), Comparison(200, 150), 12, 30, Comparison(0.645, 0.6)),
        repeat_complainers=RepeatComplainers(Comparison(4, 2), 11,
                                             (RepeatComplainer("x", "42", HOSTILE, 4, (17, 12, 9)),)),
        peak_hours=PeakHours(tuple(tuple((d + 1) * (h % 12) for h in range(24)) for d in range(7)),
                             tuple(tuple(h % 5 for h in range(24)) for _d in range(7)), (6, 11)),
        ratings=Ratings(Comparison(120, 100), Comparison(3.6, 3.9),
                        tuple(RatingPoint(b, 4, 3.0 + (i % 5) / 4) for i, b in enumerate(buckets)),
                        (20, 10, 15, 30, 45), (10, 10, 10, 30, 40), Comparison(8.3, 20.0)),
        changes=Changes(0.05, "Holm-Bonferroni over 9 comparisons",
                        (Movement("Complaints about delivery", "topic:delivery", 120, 60, TestKind.poisson, 1e-6,
                                  1e-5, True),
                         Movement("Complaint share", "share:complaint", 0.25, 0.22, TestKind.two_proportion, 0.04,
                                  0.3, False)), 9),
    )
