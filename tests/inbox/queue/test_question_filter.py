"""The queue's question filter (Mention.question, from the Score): parsing, the SQL it adds, and where it is
stored and cleared; the same conditions serve the reports."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timezone

import pytest
from sqlmodel import Session

from inbox.queue.filters import QueueFilters
from inbox.queue.params import InvalidQuery, QueueChoices, parse_filters
from inbox.queue.queries import queue_page
from models import Mention
from reports import rollup_counts
from reports.request import InvalidReportQuery, ReportChoices, ReportFilters, for_dates
from reports.request import parse_filters as parse_report_filters
from sentiment import Score
from sentiment.service import apply_score

START = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
CHOICES = QueueChoices(networks=["x"])


def _ids(session: Session, filters: QueueFilters) -> set[int | None]:
    return {row.mention.id for row in queue_page(session, filters).rows}


def test_question_filter_returns_the_mentions_that_ask(db_session: Session,
                                                       make_mention: Callable[..., Mention]) -> None:
    asks = make_mention(status="needs_reply", question=True, text="Can I change the address?", created_at=START)
    tells = make_mention(status="needs_reply", question=False, text="The parcel is late", created_at=START)
    unknown = make_mention(status="needs_reply", question=None, text="配送先を変更できますか", created_at=START)
    assert _ids(db_session, QueueFilters(question=True)) == {asks.id}
    # "no" takes the not-yet-known too, as the complaint filter takes the unscored
    assert _ids(db_session, QueueFilters(question=False)) == {tells.id, unknown.id}
    assert _ids(db_session, QueueFilters()) == {asks.id, tells.id, unknown.id}
    assert _ids(db_session, QueueFilters(question=True, complaint=True)) == set()


def test_question_parses_yes_or_no_and_refuses_anything_else() -> None:
    assert parse_filters({"question": "yes"}, CHOICES).question is True
    assert parse_filters({"question": "no"}, CHOICES).question is False
    assert parse_filters({"question": ""}, CHOICES).question is None
    for bad in ("maybe", "true", "1", "YES"):
        with pytest.raises(InvalidQuery, match="question must be yes or no"):
            parse_filters({"question": bad}, CHOICES)


def test_question_round_trips_through_the_url_and_saved_views() -> None:
    filters = QueueFilters(question=False, language="ja")
    assert filters.url_args() == {"question": "no", "language": "ja"} and filters.narrows()
    assert parse_filters(filters.url_args(), CHOICES) == filters


def test_reports_take_the_question_filter() -> None:
    choices = ReportChoices(networks=["x"], source_ids=[])
    filters = parse_report_filters({"question": "yes"}, choices)
    assert filters == ReportFilters(question=True)
    assert filters.url_args() == {"question": "yes"} and filters.describe() == [("Question", "yes")]
    with pytest.raises(InvalidReportQuery, match="question must be yes or no"):
        parse_report_filters({"question": "perhaps"}, choices)
    # The hourly rollups do not count questions: a report filtered on them reads the mentions
    request = for_dates(date(2026, 11, 1), date(2026, 11, 7), "UTC", filters=filters)
    assert not rollup_counts.usable_for(request, "UTC")


def test_scoring_stores_the_question_on_the_mention(make_mention: Callable[..., Mention]) -> None:
    mention = make_mention(status="new", text="환불 가능한가요?", created_at=START)
    apply_score(mention, Score("neutral", 0.8, "ko", 0.1, [], "neutral: test", "m", "v", question=True))
    assert mention.question is True
    apply_score(mention, Score("negative", 0.8, "ko", 0.9, [], "negative: test", "m", "v"))
    assert mention.question is False
