"""Import a file -> scored by the real model -> drafted -> approved in the web app -> posted (manual) -> audited."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, col, select

from listener.service import run_collection
from models import AuditEvent, Mention, Reply, Source, User
from models.db import session_scope
from responder.drafting.library import load_starter_saved_replies
from responder.drafting.pending import draft_pending
from responder.replies.service import post_reply
from sentiment.config import ModelConfig
from sentiment.tasks import model_scorer, score_round
from settings import Settings
from tests.web.web_helpers import login, post_form
from web import create_app

EXPORT = [
    {"network": "x", "external_id": "1901", "author": "ann_k", "in_reply_to_brand": True,
     "text": "@lumohome my kettle arrived smashed and the box was soaked. Really disappointed.",
     "created_at": "2026-11-05T14:05:00Z"},
    {"network": "googleplay", "external_id": "gp:77", "author": "김민지", "rating": 1,
     "text": "배송이 2주째 안 와요. 고객센터는 답도 없고 환불도 안 해줘요.", "created_at": "2026-11-05T14:06:00Z"},
    {"network": "appstore", "external_id": "55501", "author": "ゆき", "rating": 5, "title": "最高です",
     "text": "マグカップがとても可愛くて、届くのも早かったです。また買います！", "created_at": "2026-11-05T14:07:00Z"},
    {"network": "x", "external_id": "1902", "author": "bad row", "text": "", "created_at": "2026-11-05T14:08:00Z"},
]


class InlineDispatcher:
    """Runs the post task's service function at once, in its own unit of work, as a worker would."""

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self.factory = factory

    def collect(self, source_id: int) -> None:
        run_collection(self.factory, source_id, settings=Settings())

    def score_pending(self) -> None:
        raise AssertionError("not used here")

    def draft_pending(self) -> None:
        raise AssertionError("not used here")

    def post_reply(self, reply_id: int) -> None:
        post_reply(self.factory, reply_id, settings=Settings())


@pytest.mark.slow
def test_a_mention_travels_from_import_to_posted_with_a_complete_audit_trail(
    settings: Settings, session_factory: sessionmaker[Session], make_user: Callable[..., User], tmp_path: Path
) -> None:
    export = tmp_path / "export.jsonl"
    export.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in EXPORT), encoding="utf-8")
    with session_scope(session_factory) as session:
        load_starter_saved_replies(session)
        source = Source(name="export", collector="import", network="x", config={"path": str(export)})
        session.add(source)
    assert source.id is not None

    summary = run_collection(session_factory, source.id, settings=settings)
    assert (summary.inserted, [e.line for e in summary.errors]) == (3, [4])

    assert score_round(session_factory, model_scorer(ModelConfig.from_settings(settings)), limit=10) == 3
    assert draft_pending(session_factory, brand=settings.brand_name) == 3  # the step after scoring, its own task

    with session_factory() as session:
        mentions = {m.external_id: m for m in session.exec(select(Mention))}
        assert {m.language for m in mentions.values()} == {"en", "ko", "ja"}
        smashed = mentions["1901"]
        assert smashed.sentiment == "negative" and smashed.model_name == settings.sentiment_model
        assert mentions["55501"].sentiment == "positive"
        draft = session.exec(select(Reply).where(Reply.mention_id == smashed.id)).one()
        assert draft.status == "draft" and "@ann_k" in draft.text
        korean_draft = session.exec(select(Reply).where(Reply.mention_id == mentions["gp:77"].id)).one()
        assert "김민지님" in korean_draft.text

    agent, approver = make_user(role="agent"), make_user(role="approver")
    app = create_app(settings, session_factory=session_factory, dispatcher=InlineDispatcher(session_factory))
    page = f"/mentions/{smashed.id}"
    final_text = draft.text + " We'll send a new kettle today."
    with app.test_client() as client:  # the agent finishes the draft ...
        assert login(client, agent).status_code == 302
        assert "ann_k" in client.get("/queue?tab=awaiting").get_data(as_text=True)
        response = post_form(client, f"/replies/{draft.id}/save", {"text": final_text, "version": str(draft.version)},
                             token_from=page)
        assert response.status_code == 302
    with app.test_client() as client:  # ... and a second pair of eyes approves it
        assert login(client, approver).status_code == 302
        response = post_form(client, f"/replies/{draft.id}/approve",
                             {"text": final_text, "version": str(draft.version + 1)}, token_from=page)
        assert response.status_code == 302
        assert "ready to paste" in client.get(page).get_data(as_text=True).lower()
        response = post_form(client, f"/replies/{draft.id}/confirm",
                             {"permalink": "https://x.com/lumohome/status/1902000000000000000"}, token_from=page)
        assert response.status_code == 302

    with session_factory() as session:
        reply = session.get_one(Reply, draft.id)
        assert reply.status == "posted" and reply.text == final_text
        assert session.get_one(Mention, smashed.id).status == "replied"
        trail = session.exec(select(AuditEvent).where(AuditEvent.mention_id == smashed.id,
                                                      col(AuditEvent.action).startswith("reply."))
                             .order_by(col(AuditEvent.id))).all()
        assert [event.action for event in trail] == [
            "reply.drafted", "reply.edited", "reply.approved", "reply.posting", "reply.ready_to_paste", "reply.posted"]
        assert [event.actor for event in trail] == [
            "system", agent.email, approver.email, "system", "system", approver.email]
        assert trail[1].details["text"] == final_text == trail[-1].details["text"]
