"""Two-character CJK search terms: the pairs they are looked up by, and the search finding them on every backend."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select

from inbox.queue.filters import QueueFilters, filter_conditions
from models import Mention
from models.cjk_search import cjk_bigrams, needs_bigrams


def test_bigrams_are_the_adjacent_pairs_of_cjk_runs_only() -> None:
    assert cjk_bigrams("配送が遅い abc 환불해 x 漢") == ["配送", "送が", "が遅", "遅い", "환불", "불해"]
    assert cjk_bigrams("refund please") == [] and cjk_bigrams("") == []
    assert cjk_bigrams("返金返金") == ["返金", "金返"]  # each pair once


@pytest.mark.parametrize(("term", "pairs"), [("환불", ["환불"]), ("配送", ["配送"]), ("환불 요청", ["환불", "요청"]),
                                             ("配送料", []), ("refund", []), ("返", []), ("go", [])])
def test_only_terms_too_short_for_trigrams_use_bigrams(term: str, pairs: list[str]) -> None:
    assert needs_bigrams(term) == pairs


def test_the_sql_function_agrees_with_python(db_session: Session) -> None:
    if db_session.get_bind().dialect.name != "postgresql":
        pytest.skip("the SQL function exists on PostgreSQL only")
    text = "ご注文の配送が遅い。환불해 주세요! 返金返金 ok"
    stored = db_session.execute(sa.select(sa.func.earful_cjk_bigrams(text))).scalar_one()
    assert sorted(stored) == sorted(cjk_bigrams(text))


def test_short_cjk_search_finds_exactly_the_mentions_containing_it(db_session: Session,
                                                                   make_mention: Callable[..., Mention]) -> None:
    refund = make_mention(text="환불해 주세요, 배송이 너무 늦어요")
    titled = make_mention(text="별로", title="환불 요청")
    make_mention(text="환 불 (spaced, not the word)")
    make_mention(text="配送が遅い")
    found = db_session.exec(select(col(Mention.id)).where(*filter_conditions(QueueFilters(q="환불")))).all()
    assert sorted(found) == sorted([refund.id, titled.id])
    japanese = db_session.exec(select(col(Mention.id)).where(*filter_conditions(QueueFilters(q="配送")))).all()
    assert len(japanese) == 1
