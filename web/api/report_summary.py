"""The reputation summary over a time window, from the same KPI queries as the reports pages."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, col, select

from listener.sources import coverage
from models import Source
from models.base import utcnow
from reports.kpis import response_rate, sentiment_by_network
from web.api.errors import ApiError
from web.api.routing import operation
from web.api.schemas import ReportSummary, SentimentCountOut, SourceCoverageOut, SummaryQuery
from web.db import db_session

DEFAULT_WINDOW = timedelta(days=30)


@operation("GET", "/reports/summary", summary="Sentiment by network and response rate", tag="reports",
           response=ReportSummary, query=SummaryQuery)
def summary(*, query: SummaryQuery) -> ReportSummary:
    until = query.until or utcnow()
    try:
        since = query.since or until - DEFAULT_WINDOW
    except OverflowError:
        raise ApiError(400, "invalid_request", "until is too early to default since") from None
    if since >= until:
        raise ApiError(400, "invalid_request", "since must be before until")
    session = db_session()
    counts = sentiment_by_network(session, since=since, until=until)
    return ReportSummary(since=since, until=until, response_rate=response_rate(session, since=since, until=until),
                         sentiment_by_network=[SentimentCountOut.model_validate(count) for count in counts],
                         coverage=source_coverage(session))


def source_coverage(session: Session) -> list[SourceCoverageOut]:
    sources = session.exec(select(Source).order_by(col(Source.id))).all()
    return [SourceCoverageOut(source_id=source.id or 0, name=source.name, collector=source.collector,
                              coverage=coverage(source.collector)) for source in sources]
