"""Scoring and drafting are separate steps: the scorer saves scores, `earful.draft_pending` drafts what it scored."""

from __future__ import annotations

import ast
import logging
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, select

from models import Mention, Reply, SavedReply
from models.base import utcnow
from responder.drafting.pending import claim, draft_pending
from sentiment import Score
from sentiment.tasks import awaiting_drafting, score_round
from settings import Settings
from worker import TASK_ROUTES, make_celery

REPO = Path(__file__).resolve().parents[2]


def complaint_scorer(texts: Sequence[str]) -> list[Score]:
    return [Score("negative", 0.9, "en", 0.95, ["delivery"], "negative: test", "earful-e5-small", "v2")
            for _ in texts]


def test_scoring_saves_scores_and_leaves_the_draft_to_the_drafting_step(
    db_session: Session, session_factory: sessionmaker[Session], make_mention: Callable[..., Mention],
    make_saved_reply: Callable[..., SavedReply], caplog: pytest.LogCaptureFixture,
) -> None:
    make_saved_reply(topic="delivery", body="Hi {author}, sorry it's late. - {brand}")
    mention = make_mention(status="new", author="ann")
    db_session.commit()

    assert score_round(session_factory, complaint_scorer, limit=10) == 1
    db_session.expire_all()
    scored = db_session.get_one(Mention, mention.id)
    assert scored.sentiment == "negative" and scored.scored_at is not None and scored.status == "new"
    assert db_session.exec(select(Reply)).all() == []
    assert awaiting_drafting(session_factory)
    assert score_round(session_factory, complaint_scorer, limit=10) == 0  # scored once, not again

    with caplog.at_level(logging.INFO, logger="responder.drafting.pending"):
        assert draft_pending(session_factory, brand="Lumo Home") == 1
    assert "drafting done mentions=1 drafts=1 no_draft=0" in caplog.text
    db_session.expire_all()
    [reply] = db_session.exec(select(Reply)).all()
    assert reply.mention_id == mention.id and reply.text == "Hi @ann, sorry it's late. - Lumo Home"
    assert db_session.get_one(Mention, mention.id).status == "needs_reply"
    assert not awaiting_drafting(session_factory)


def test_drafting_twice_drafts_once(db_session: Session, session_factory: sessionmaker[Session],
                                    make_mention: Callable[..., Mention],
                                    make_saved_reply: Callable[..., SavedReply]) -> None:
    make_saved_reply(topic="delivery")
    make_mention(status="new")
    chatter = make_mention(status="new", text="Lumo has a sale")
    db_session.commit()
    score_round(session_factory, complaint_scorer, limit=10)
    db_session.expire_all()
    stored = db_session.get_one(Mention, chatter.id)
    stored.sentiment, stored.complaint = "neutral", 0.05
    db_session.commit()

    assert draft_pending(session_factory, brand="Lumo Home") == 2
    assert draft_pending(session_factory, brand="Lumo Home") == 0
    db_session.expire_all()
    assert len(db_session.exec(select(Reply)).all()) == 1
    assert db_session.get_one(Mention, chatter.id).status == "no_reply"


def test_a_mention_is_claimed_for_drafting_once(db_session: Session, make_mention: Callable[..., Mention]) -> None:
    scored = make_mention(status="new", sentiment="negative", complaint=0.9, scored_at=utcnow())
    unscored = make_mention(status="new")
    assert scored.id is not None and unscored.id is not None
    assert claim(db_session, scored.id) is True
    assert claim(db_session, scored.id) is False  # a second run, or a second delivery of the task
    assert claim(db_session, unscored.id) is False  # not scored yet: the scorer's, not drafting's


def test_drafting_runs_on_a_queue_the_workers_consume(tmp_path: Path) -> None:
    queue = TASK_ROUTES["earful.draft_pending"]["queue"]
    assert queue != "score"  # the scorer's process does one job
    app = make_celery(Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}", secret_key="x",  # type: ignore[arg-type]
                               broker_url=f"sqla+sqlite:///{tmp_path / 'broker.db'}"))
    assert any(entry["task"] == "earful.draft_pending" for entry in app.conf.beat_schedule.values())
    procfile = (REPO / "Procfile").read_text(encoding="utf-8")
    run_command = (REPO / "web" / "cli.py").read_text(encoding="utf-8")
    for text in (procfile, run_command):
        consumed = {name for found in re.findall(r"-Q\W+([\w,]+)", text) for name in found.split(",")}
        assert queue in consumed


def test_the_scorer_imports_nothing_from_the_responder() -> None:
    for path in sorted((REPO / "sentiment").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
        modules += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
        assert not [name for name in modules if name.split(".")[0] == "responder"], path
