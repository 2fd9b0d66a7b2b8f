"""The mention page and its queue card: an edited review's flag and earlier versions, an estimated feed date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from flask.testing import FlaskClient
from sqlmodel import Session

from models import Mention, Reply, ReplyStatus, User
from models.mention import MentionVersion

ANSWERED = datetime(2026, 11, 5, 12, 0, tzinfo=timezone.utc)
EDITED = ANSWERED + timedelta(days=1)
FLAG = "edited after our reply"


def edited_review(db_session: Session, make_mention: Callable[..., Mention]) -> Mention:
    mention = make_mention(network="googleplay", status="needs_reply", rating=1, title="Still broken",
                           text="The widget drains the battery <b>overnight</b>.", edited_after_reply_at=EDITED)
    db_session.add(MentionVersion(mention_id=mention.id, number=1, text="Works, but the widget drains battery.",
                                  rating=3, sentiment="neutral", confidence=0.71, superseded_at=EDITED))
    db_session.add(Reply(mention_id=mention.id, text="A fix ships in 4.2.2.", status=ReplyStatus.posted.value,
                         poster="googleplay", posted_at=ANSWERED))
    db_session.flush()
    return mention


def test_an_edit_after_our_reply_is_flagged_with_the_earlier_version(
        client: FlaskClient, logged_in: Callable[[str], User], db_session: Session,
        make_mention: Callable[..., Mention]) -> None:
    logged_in("viewer")
    mention = edited_review(db_session, make_mention)
    page = client.get(f"/mentions/{mention.id}").get_data(as_text=True)
    assert "Edited after our reply" in page
    assert "Earlier versions" in page and "Works, but the widget drains battery." in page
    assert "Version 1" in page and 'aria-label="3 out of 5 stars"' in page
    assert "&lt;b&gt;overnight" in page and "<b>overnight" not in page
    queue = client.get("/queue").get_data(as_text=True)
    assert FLAG in queue


def test_the_flag_goes_once_a_reply_has_gone_out_since(
        client: FlaskClient, logged_in: Callable[[str], User], db_session: Session,
        make_mention: Callable[..., Mention]) -> None:
    logged_in("viewer")
    mention = edited_review(db_session, make_mention)
    db_session.add(Reply(mention_id=mention.id, text="Sorry Daniel, 4.2.3 fixes it.", status=ReplyStatus.posted.value,
                         poster="googleplay", posted_at=EDITED + timedelta(hours=2)))
    db_session.flush()
    page = client.get(f"/mentions/{mention.id}").get_data(as_text=True)
    assert "Edited after our reply" not in page and "Earlier versions" in page
    assert FLAG not in client.get("/queue").get_data(as_text=True)


def test_a_feed_date_that_could_not_be_read_is_said_to_be_estimated(
        client: FlaskClient, logged_in: Callable[[str], User], make_mention: Callable[..., Mention]) -> None:
    logged_in("viewer")
    estimated = make_mention(network="rss", status="needs_reply", extra={"feed": "https://blog.example/feed/",
                                                                          "created_at_estimated": True})
    dated = make_mention(network="rss", status="needs_reply", extra={"feed": "https://blog.example/feed/"})
    note = "date estimated: the feed's date could not be read"
    assert note in client.get(f"/mentions/{estimated.id}").get_data(as_text=True)
    assert note not in client.get(f"/mentions/{dated.id}").get_data(as_text=True)
