"""Relabelling says what changed, and a complaint relabelled as none offers to withdraw its apology draft."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timezone

from flask.testing import FlaskClient
from sqlmodel import Session, select

from models import AuditEvent, Mention, Reply, User
from tests.web.web_helpers import csrf_token

APOLOGY = "Hi Ann, we're sorry your order is late. We'll chase the courier today."


def _complaint_with_draft(make_mention: Callable[..., Mention], db_session: Session,
                          text: str = APOLOGY) -> tuple[Mention, Reply]:
    mention = make_mention(status="needs_reply", sentiment="negative", confidence=0.9, complaint=0.8,
                           topics=["delivery"], language="en", text="Where is my parcel, it is a gift",
                           scored_at=datetime(2026, 11, 5, 15, 0, tzinfo=timezone.utc))
    reply = Reply(mention_id=mention.id, text=text, poster="manual")
    db_session.add(reply)
    db_session.flush()
    return mention, reply


def _post(client: FlaskClient, mention: Mention, action: str, **form: str | list[str]) -> str:
    token = csrf_token(client.get(f"/mentions/{mention.id}").get_data(as_text=True))
    response = client.post(f"/mentions/{mention.id}/{action}", data={"csrf_token": token, **form})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client.get(f"/mentions/{mention.id}").get_data(as_text=True)


def test_the_history_shows_each_relabel_from_and_to(client: FlaskClient, logged_in: Callable[[str], User],
                                                    make_mention: Callable[..., Mention],
                                                    db_session: Session) -> None:
    logged_in("agent")
    mention, _reply = _complaint_with_draft(make_mention, db_session)
    html = _post(client, mention, "relabel", sentiment="neutral", complaint="no")
    assert "sentiment negative → neutral; complaint yes → no; topics delivery → none" in html
    html = _post(client, mention, "relabel", sentiment="neutral", complaint="no", topic=["refund"])
    assert "topics none → refund" in html
    event = db_session.exec(select(AuditEvent).where(AuditEvent.action == "mention.relabelled")).first()
    assert event is not None and event.details["before"] == {"sentiment": "negative", "complaint": True,
                                                             "topics": ["delivery"]}


def test_an_apology_draft_relabelled_as_no_complaint_is_offered_for_withdrawal(
        client: FlaskClient, logged_in: Callable[[str], User], make_mention: Callable[..., Mention],
        db_session: Session) -> None:
    agent = logged_in("agent")
    mention, reply = _complaint_with_draft(make_mention, db_session)
    assert 'id="withdraw-apology"' not in client.get(f"/mentions/{mention.id}").get_data(as_text=True)
    html = _post(client, mention, "relabel", sentiment="neutral", complaint="no")
    assert 'id="withdraw-apology"' in html and "withdraw it under Labels" in html
    assert reply.status == "draft"  # offered, never withdrawn unasked
    version = re.search(r'name="version" value="(\d+)"', html.split('id="withdraw-apology"')[1]).group(1)  # type: ignore[union-attr]
    html = _post(client, mention, "withdraw-draft", reply_id=str(reply.id), version=version)
    db_session.refresh(reply)
    db_session.refresh(mention)
    assert reply.status == "rejected" and mention.status == "no_reply"
    assert "The draft was withdrawn." in html and 'id="withdraw-apology"' not in html
    event = db_session.exec(select(AuditEvent).where(AuditEvent.action == "reply.rejected")).one()
    assert event.actor_id == agent.id and event.reply_id == reply.id and "not a complaint" in event.details["note"]


def test_no_offer_for_a_draft_that_does_not_apologise_nor_for_a_stale_form(
        client: FlaskClient, logged_in: Callable[[str], User], make_mention: Callable[..., Mention],
        db_session: Session) -> None:
    logged_in("agent")
    plain, _ = _complaint_with_draft(make_mention, db_session, text="Thanks Ann, the courier has it today.")
    assert 'id="withdraw-apology"' not in _post(client, plain, "relabel", sentiment="neutral", complaint="no")
    mention, reply = _complaint_with_draft(make_mention, db_session)
    _post(client, mention, "relabel", sentiment="neutral", complaint="no")
    html = _post(client, mention, "withdraw-draft", reply_id=str(reply.id), version=str(reply.version + 1))
    assert "nothing was withdrawn" in html
    db_session.refresh(reply)
    assert reply.status == "draft"
