"""Edited reviews, from recorded Google Play and Business Profile walks into ingestion (listener.ingest.revisions)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlmodel import Session, col, select

from listener.base import Batch, RawMention
from listener.collectors.gbp import BusinessProfileCollector
from listener.collectors.googleplay import GooglePlayCollector
from listener.collectors.reviews import ReviewCollector
from listener.http.api import TokenCache
from listener.service import IngestResult, ingest
from models import AuditEvent, Mention, Reply, ReplyStatus, Source
from models.mention import MentionVersion
from settings import Settings
from tests.listener.conftest import service_account_settings

Cassette = Callable[[str, str], AbstractContextManager[Any]]
PLAY = {"package_name": "com.lumohome.app"}
GBP = {"account_id": "108247395736475839201", "location_id": "4729384756102938475"}
LUIZA = "gp:AOqpTOEe1Ff2Gg3Hh4Ii5Jj6Kk7Ll8Mm9Nn0Oo1Pp2Qq3Rr4Ss5Tt6Uu7Vv8"
DANIEL = "gp:AOqpTOGk2Lm3Nn4Oo5Pp6Qq7Rr8Ss9Tt0Uu1Vv2Ww3Xx4Yy5Zz6Aa7Bb8Cc9"
PLAY_STOP = {"stop": {"at": "2026-11-05T14:03:21.512000+00:00",
                      "ids": ["gp:AOqpTOH8vR2kQe1jZ7xL0aB3cD4eF5gH6iJ7kL8mN9oP0qR1sT2uV3wX4yZ5"]}}
YUKI = "AbFvOqaA1sS2dD3fF4gG5hH6jJ7kK8lL9zZ0xX"
GBP_STOP = {"stop": {"at": "2026-11-05T18:20:11.482000+00:00", "ids": ["AbFvOqmH7xK2pLw9sQe4RtYu1IoP3aSdFgHjKl"]}}


@pytest.fixture()
def configured(settings: Settings, tmp_path: Path, signing_key: rsa.RSAPrivateKey) -> Settings:
    return service_account_settings(settings, tmp_path, signing_key, private_key_id="k1",
                                    client_email="earful@lumo-home-prod.iam.gserviceaccount.com")


def walk(collector: ReviewCollector[Any], config: dict[str, Any], cursor: dict[str, Any] | None) -> Batch:
    """Every page of one walk, as one batch."""
    mentions: list[RawMention] = []
    while True:
        batch = collector.fetch(config, cursor)
        mentions += batch.mentions
        cursor = batch.cursor
        if not batch.more:
            return Batch(mentions, cursor)


def heard(cassette: Cassette, network: str, name: str, collector: ReviewCollector[Any], config: dict[str, Any],
          cursor: dict[str, Any] | None = None) -> Batch:
    with cassette(network, name):
        return walk(collector, config, cursor)


def stored(session: Session, external_id: str) -> Mention:
    return session.exec(select(Mention).where(Mention.external_id == external_id)).one()


def kept_versions(session: Session, mention: Mention) -> list[MentionVersion]:
    return list(session.exec(select(MentionVersion).where(MentionVersion.mention_id == mention.id)
                             .order_by(col(MentionVersion.number))))


def scored_and_answered(session: Session, mention: Mention, *, posted_at: datetime | None = None) -> None:
    mention.status, mention.sentiment, mention.confidence, mention.complaint = "replied", "positive", 0.93, 0.02
    mention.topics, mention.scored_at, mention.language = ["setup"], posted_at, "pt"
    session.add(mention)
    if posted_at is not None:
        session.add(Reply(mention_id=mention.id, text="Obrigado, Luiza!", status=ReplyStatus.posted.value,
                          poster="googleplay", posted_at=posted_at))
    session.flush()


def play_source(make_source: Callable[..., Source]) -> Source:
    return make_source(name="Play", collector="googleplay", network="googleplay", config=PLAY)


def test_a_review_edited_after_our_reply_is_stored_anew_rescored_and_flagged(
        db_session: Session, make_source: Callable[..., Source], configured: Settings, cassette: Cassette) -> None:
    source = play_source(make_source)
    play = GooglePlayCollector(configured, tokens=TokenCache())
    ingest(db_session, source, heard(cassette, "googleplay", "reviews_pages", play, PLAY))
    luiza = stored(db_session, LUIZA)
    scored_and_answered(db_session, luiza, posted_at=datetime(2026, 11, 5, 12, 0, tzinfo=timezone.utc))

    result = ingest(db_session, source, heard(cassette, "googleplay", "reviews_since", play, PLAY, PLAY_STOP))

    assert result.revised_ids == [luiza.id] and result.inserted_ids == []
    db_session.refresh(luiza)
    assert (luiza.text, luiza.rating) == ("Mudei de ideia: parou de funcionar depois da atualização.", 2)
    assert (luiza.status, luiza.sentiment, luiza.confidence, luiza.topics, luiza.scored_at) == (
        "new", None, None, None, None)
    assert luiza.edited_after_reply_at is not None
    (first,) = kept_versions(db_session, luiza)
    assert (first.number, first.text, first.rating, first.sentiment) == (
        1, "Ótimo app, fácil de configurar.", 5, "positive")
    event = db_session.exec(select(AuditEvent).where(AuditEvent.mention_id == luiza.id)).one()
    assert (event.action, event.details) == ("mention.edited", {"version": 2, "after_reply": True, "rating": 2,
                                                                "previous_rating": 5})


def test_the_same_review_fetched_again_unchanged_makes_no_version(
        db_session: Session, make_source: Callable[..., Source], configured: Settings, cassette: Cassette) -> None:
    source = play_source(make_source)
    play = GooglePlayCollector(configured, tokens=TokenCache())
    ingest(db_session, source, heard(cassette, "googleplay", "reviews_pages", play, PLAY))
    ingest(db_session, source, heard(cassette, "googleplay", "reviews_since", play, PLAY, PLAY_STOP))
    luiza = stored(db_session, LUIZA)
    luiza.status = "needs_reply"  # scored since
    db_session.add(luiza)

    again = ingest(db_session, source, heard(cassette, "googleplay", "reviews_since", play, PLAY, PLAY_STOP))

    assert again.revised_ids == [] and again.inserted_ids == []
    db_session.refresh(luiza)
    assert luiza.status == "needs_reply" and len(kept_versions(db_session, luiza)) == 1


def test_a_reply_written_in_the_play_console_counts_as_answered(
        db_session: Session, make_source: Callable[..., Source], configured: Settings, cassette: Cassette) -> None:
    source = play_source(make_source)
    play = GooglePlayCollector(configured, tokens=TokenCache())
    ingest(db_session, source, heard(cassette, "googleplay", "reviews_pages", play, PLAY))

    result = ingest(db_session, source,
                    heard(cassette, "googleplay", "reviews_edited_after_reply", play, PLAY, PLAY_STOP))

    daniel = stored(db_session, DANIEL)
    assert result.revised_ids == [daniel.id]
    assert (daniel.title, daniel.text, daniel.rating) == (
        "Still broken in 4.2.2", "The widget drains the battery overnight. One star until it is fixed.", 1)
    assert daniel.edited_after_reply_at is not None
    (first,) = kept_versions(db_session, daniel)
    assert (first.title, first.text, first.rating) == (None, "Works, but the widget drains battery.", 3)
    assert first.extra is not None and first.extra["app_version"] == "4.2.1"


def test_a_business_profile_review_edited_before_any_reply_is_rescored_but_not_flagged(
        db_session: Session, make_source: Callable[..., Source], configured: Settings, cassette: Cassette) -> None:
    source = make_source(name="Shop", collector="gbp", network="gbp", config=GBP)
    gbp = BusinessProfileCollector(configured, tokens=TokenCache())
    ingest(db_session, source, heard(cassette, "gbp", "reviews_pages", gbp, GBP))
    yuki = stored(db_session, YUKI)
    yuki.status, yuki.sentiment = "needs_reply", "negative"
    db_session.add(yuki)

    result = ingest(db_session, source, heard(cassette, "gbp", "reviews_since", gbp, GBP, GBP_STOP))

    assert result.revised_ids == [yuki.id]
    db_session.refresh(yuki)
    assert (yuki.rating, yuki.status, yuki.sentiment, yuki.edited_after_reply_at) == (3, "new", None, None)
    assert yuki.text.startswith("Closed early once, but the staff called me back")
    (first,) = kept_versions(db_session, yuki)
    assert (first.text, first.rating) == ("Closed 20 minutes before the posted time.", 1)


WHEN = datetime(2026, 11, 5, 9, 0, tzinfo=timezone.utc)


def review(text: str = "Slow delivery.", *, rating: int = 2, edited: datetime = WHEN,
           reply_at: datetime | None = None, title: str | None = None) -> RawMention:
    extra: dict[str, Any] = {"edited_at": edited.isoformat()}
    if reply_at is not None:
        extra |= {"reply": "Sorry, we are on it.", "reply_at": reply_at.isoformat()}
    return RawMention(network="gbp", external_id="r-1", text=text, title=title, rating=rating, created_at=WHEN,
                      extra=extra)


@pytest.mark.parametrize(("again", "is_version"), [
    (review(), False),
    (review("  Slow   delivery. "), False),  # spacing is no edit
    (review(rating=1), True),
    (review("Slow delivery, and rude staff."), True),
    (review(edited=WHEN + timedelta(hours=3)), True),  # re-saved by its author: the edit time alone counts
    (review(edited=WHEN + timedelta(hours=3), reply_at=WHEN + timedelta(hours=3)), False),  # dated anew by a reply
])
def test_only_a_real_change_makes_a_version(db_session: Session, make_source: Callable[..., Source],
                                            again: RawMention, is_version: bool) -> None:
    source = make_source(collector="gbp", network="gbp")
    ingest(db_session, source, Batch([review()], cursor=None))
    result: IngestResult = ingest(db_session, source, Batch([again], cursor=None))
    mention = stored(db_session, "r-1")
    assert (len(result.revised_ids), len(kept_versions(db_session, mention))) == (int(is_version), int(is_version))
    assert mention.extra == again.extra


def test_posts_on_networks_without_edits_keep_their_first_version(db_session: Session,
                                                                  make_source: Callable[..., Source]) -> None:
    source = make_source(collector="rss", network="rss")
    first = RawMention(network="rss", external_id="tag:a", text="Lumo recall", created_at=WHEN)
    ingest(db_session, source, Batch([first], cursor=None))
    result = ingest(db_session, source, Batch([RawMention(network="rss", external_id="tag:a",
                                                          text="Lumo recall (updated)", created_at=WHEN)], cursor=None))
    assert result.revised_ids == [] and stored(db_session, "tag:a").text == "Lumo recall"
