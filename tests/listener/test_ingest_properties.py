"""Ingestion is idempotent whatever the order, overlap and repetition of batches; a source's query filters it.

Hypothesis runs many examples inside one test (one outer transaction): each example works in a savepoint of
its own and rolls it back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from listener.base import Batch, RawMention
from listener.query.language import matches, parse
from listener.service import ingest
from models import AuditEvent, Mention, Source

WHEN = datetime(2026, 11, 5, 14, 0, tzinfo=timezone.utc)
QUERY = "lumo -refund"


def raw(network: str, external_id: str, text: str, **fields: object) -> RawMention:
    return RawMention(network=network, external_id=external_id, text=text, created_at=WHEN, author="ann",
                      **fields)  # type: ignore[arg-type]


# The same id on two networks is two mentions; the same (network, id) with another text is the same mention seen
# again (an edit), so the first one stored wins.
POOL = [
    raw("x", "1", "lumo is late"), raw("x", "2", "lumo refund please"), raw("x", "3", "nothing to see"),
    raw("reddit", "1", "my lumo broke"), raw("reddit", "t3_9", "lumo, finally"),
    raw("x", "1", "lumo is late (edited)"), raw("mastodon", "109", "#lumo 配送が遅い"),
    raw("hackernews", "42", "Show HN: not the brand"), raw("reddit", "t3_9", "refund from lumo (edited)"),
]
batches = st.lists(st.lists(st.sampled_from(POOL), max_size=6), min_size=1, max_size=5)
SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def replay(draw: st.DrawFn) -> list[list[RawMention]]:
    drawn = draw(batches)
    again = draw(st.lists(st.sampled_from(drawn), max_size=3))
    return draw(st.permutations(drawn + again))


def stored(session: Session, source: Source) -> list[tuple[str, str, str]]:
    rows = session.exec(select(Mention).where(Mention.source_id == source.id)).all()
    return sorted((row.network, row.external_id, row.text) for row in rows)


def first_seen(order: list[list[RawMention]], keep: Callable[[RawMention], bool]) -> list[tuple[str, str, str]]:
    first: dict[tuple[str, str], str] = {}
    for mention in (m for batch in order for m in batch if keep(m)):
        first.setdefault((mention.network, mention.external_id), mention.text)
    return sorted((network, external_id, text) for (network, external_id), text in first.items())


def ingest_all(session: Session, config: dict[str, object], order: list[list[RawMention]]) -> tuple[Source, int]:
    source = Source(name="prop", collector="import", network="x", config=config)
    session.add(source)
    session.flush()
    inserted = sum(len(ingest(session, source, Batch(batch, cursor={"batch": i})).inserted_ids)
                   for i, batch in enumerate(order))
    return source, inserted


@SETTINGS
@given(data=st.data())
def test_any_replay_of_batches_stores_each_mention_once(db_session: Session, data: st.DataObject) -> None:
    order = data.draw(st.composite(replay)())
    savepoint = db_session.begin_nested()
    try:
        source, inserted = ingest_all(db_session, {}, order)
        expected = first_seen(order, lambda m: True)
        assert stored(db_session, source) == expected
        assert inserted == len(expected) == source.items_collected
        assert source.cursor == {"batch": len(order) - 1}
    finally:
        savepoint.rollback()


def wanted(mention: RawMention) -> bool:
    return matches(parse(QUERY), text=mention.text, language=mention.language, network=mention.network)


@SETTINGS
@given(data=st.data())
def test_with_a_query_each_matching_mention_is_stored_once(db_session: Session, data: st.DataObject) -> None:
    order = data.draw(st.composite(replay)())
    savepoint = db_session.begin_nested()
    try:
        source, inserted = ingest_all(db_session, {"query": QUERY}, order)
        assert stored(db_session, source) == first_seen(order, wanted)
        assert inserted == source.items_collected
    finally:
        savepoint.rollback()


# --- the query at ingestion, example by example ------------------------------------------------------------

def test_the_query_filters_what_is_stored_and_the_cursor_still_advances(db_session: Session,
                                                                         make_source: Callable[..., Source]) -> None:
    source = make_source(config={"query": '"lumo home" -refund lang:en'})
    batch = Batch([raw("x", "a", "Lumo Home is late", language="en"), raw("x", "b", "lumo home refund"),
                   raw("x", "c", "lumo home en retard", language="fr"),
                   raw("reddit", "d", "it is late", title="Lumo Home hub"),
                   raw("x", "e", "unknown language lumo home")], cursor={"page": 2})
    result = ingest(db_session, source, batch)
    assert sorted(row[1] for row in stored(db_session, source)) == ["a", "d", "e"]
    assert (result.fetched, result.filtered_out, result.duplicates) == (5, 2, 0)
    assert source.cursor == {"page": 2} and source.items_collected == 3


def test_an_invalid_stored_query_fails_the_source_and_keeps_the_cursor(db_session: Session,
                                                                        make_source: Callable[..., Source]) -> None:
    source = make_source(config={"query": "lumo (late"}, cursor={"page": 1})
    result = ingest(db_session, source, Batch([raw("x", "a", "lumo late")], cursor={"page": 2}))
    assert result.failure is not None and not result.failure.transient
    assert stored(db_session, source) == []
    assert source.cursor == {"page": 1} and not source.enabled
    assert source.last_error == "the query is invalid: unclosed '(': add the matching ')' (at column 6)"
    event = db_session.exec(select(AuditEvent).where(AuditEvent.action == "source.failed")).one()
    assert event.details["source_id"] == source.id
