"""Near-duplicates (retweets, syndicated copies, reposts) are grouped under the earliest mention."""

import unicodedata
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from listener.base import Batch, RawMention
from listener.ingest import duplicates
from listener.ingest.duplicates import Candidate, find_originals, fingerprint
from listener.service import ingest
from models import Mention, Source

WHEN = datetime(2026, 11, 5, 14, 0, tzinfo=timezone.utc)
EN = "My order is two weeks late and nobody answers."
JA = "注文した商品が二週間も届かないし、サポートからの返事もありません。"
KO = "주문한 제품이 2주째 안 와요. 고객센터도 답이 없네요."


@pytest.mark.parametrize(("original", "copy"), [
    (EN, f"RT @angry_ann: {EN} https://t.co/AbC123"),
    (EN, "  my ORDER is two weeks late — and nobody answers!!! via @lumo@mastodon.social  "),
    (JA, "注文した商品が二週間も届かないし、サポートからの返事もありません！！ https://example.jp/p/1"),
    (JA, "ＲＴ @ｔａｒｏ 注文した商品が二週間も届かないし サポートからの返事もありません"),  # full-width forms
    (KO, "RT @minji: 주문한 제품이 2주째 안 와요!! 고객센터도 답이 없네요 www.example.kr/x"),
    (KO, "주문한 제품이 ２주째 안 와요 … 고객센터도 답이 없네요 😡"),
])
def test_copies_share_the_originals_fingerprint(original: str, copy: str) -> None:
    assert fingerprint(original) is not None
    assert fingerprint(copy) == fingerprint(original)


@pytest.mark.parametrize("text", [
    "thanks!", "Thank you so much!!", "RT @lumo: thanks https://t.co/x",
    "ありがとう！", "最高です！", "감사합니다!", "좋아요 👍",
])
def test_short_generic_posts_have_no_fingerprint(text: str) -> None:
    assert fingerprint(text) is None


def test_different_posts_differ() -> None:
    assert fingerprint(EN) != fingerprint("My order is two weeks late and support answered quickly.")
    assert fingerprint(KO) != fingerprint("주문한 제품이 3주째 안 와요. 고객센터도 답이 없네요.")


def fingerprint_by_definition(text: str) -> str | None:
    """fingerprint() without its shortcuts: every pattern applied, the Unicode path for every text."""
    d = duplicates
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    kept = d._NOT_WORD.sub("", d._RETWEET.sub(" ", d._HANDLE.sub(" ", d._URL.sub(" ", folded))))
    return kept if len(kept) + len(d._WIDE.findall(kept)) >= d.MIN_FINGERPRINT_UNITS else None


PIECES = st.sampled_from(["RT ", "rt", "via ", "@ann: ", "@lumo@mastodon.social", "u/bob", "/u/bob ", "http",
                          "https://t.co/AbC", "www.example.kr/x", "ＲＴ", "＠ｔａｒｏ", "注文した", "주문한", "ß",
                          "İ", "Ⅻ", "٣", "_", "-", " ", "!!", "order", "Order 12 is late"])


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES | st.text(max_size=4), max_size=12).map("".join))
def test_the_shortcuts_do_not_change_any_fingerprint(text: str) -> None:
    assert fingerprint(text) == fingerprint_by_definition(text)


def candidate(mention_id: int, days: float, text: str, duplicate_of_id: int | None = None) -> Candidate:
    return Candidate(mention_id, WHEN + timedelta(days=days), fingerprint(text), duplicate_of_id)


def test_find_originals_points_at_the_earliest_within_the_window_and_never_at_a_duplicate() -> None:
    stored = [candidate(1, 0, EN), candidate(2, 1, EN, duplicate_of_id=1), candidate(3, 0, JA)]
    new = [candidate(10, 3, EN), candidate(11, 2, JA), candidate(12, 3, KO), candidate(13, 3.5, KO)]
    assert find_originals([10, 11, 12, 13], stored + new) == {10: 1, 11: 3, 13: 12}


def test_an_original_older_than_the_window_starts_a_new_group() -> None:
    stored = [candidate(1, 0, EN), candidate(2, 6, EN, duplicate_of_id=1)]
    new = [candidate(10, 9, EN)]
    # id 1 is out of the window, id 2 is inside it: 10 joins 2's group, whose original is 1
    assert find_originals([10], stored + new) == {10: 1}
    assert find_originals([10], [candidate(1, 0, EN), *new]) == {}


# --- through ingestion ---------------------------------------------------------------------------------------

def raw(external_id: str, text: str, *, network: str = "x", days: float = 0) -> RawMention:
    return RawMention(network=network, external_id=external_id, text=text, created_at=WHEN + timedelta(days=days))


def by_external_id(session: Session) -> dict[str, Mention]:
    return {m.external_id: m for m in session.exec(select(Mention))}


def test_ingest_groups_retweets_and_syndicated_copies_under_the_original(
        db_session: Session, make_source: Callable[..., Source]) -> None:
    reddit, rss = make_source(network="reddit"), make_source(network="rss")
    ingest(db_session, reddit, Batch([raw("t3_ja", JA, network="reddit"), raw("t3_ko", KO, network="reddit")],
                                     cursor=None))
    result = ingest(db_session, rss, Batch([
        raw("rss:1", f"{JA} https://reddit.com/r/lumo/t3_ja", network="rss", days=0.5),
        raw("rss:2", f"{KO} (reddit.com)", network="rss", days=1),
        raw("rss:3", "ありがとう！", network="rss", days=1),
    ], cursor=None))
    ingest(db_session, make_source(), Batch([raw("x:1", EN, days=2), raw("x:2", f"RT @ann: {EN}", days=2.1)],
                                            cursor=None))
    rows = by_external_id(db_session)
    assert rows["rss:1"].duplicate_of_id == rows["t3_ja"].id
    assert rows["rss:3"].duplicate_of_id is None and rows["t3_ja"].duplicate_of_id is None
    assert rows["x:2"].duplicate_of_id == rows["x:1"].id  # a retweet in the same batch as its original
    assert result.duplicates_of == {rows["rss:1"].id: rows["t3_ja"].id}  # "(reddit.com)" makes rss:2 differ
    assert rows["rss:2"].duplicate_of_id is None


def test_ingest_leaves_copies_more_than_seven_days_apart_alone(
        db_session: Session, make_source: Callable[..., Source]) -> None:
    source = make_source()
    ingest(db_session, source, Batch([raw("1", KO)], cursor=None))
    ingest(db_session, source, Batch([raw("2", KO, days=8), raw("3", KO, days=8.5)], cursor=None))
    rows = by_external_id(db_session)
    assert rows["2"].duplicate_of_id is None and rows["3"].duplicate_of_id == rows["2"].id


def test_a_mention_heard_again_is_not_marked_a_duplicate_of_itself(
        db_session: Session, make_source: Callable[..., Source]) -> None:
    source = make_source()
    ingest(db_session, source, Batch([raw("1", EN)], cursor=None))
    assert ingest(db_session, make_source(), Batch([raw("1", EN)], cursor=None)).duplicates_of == {}
    assert by_external_id(db_session)["1"].duplicate_of_id is None
