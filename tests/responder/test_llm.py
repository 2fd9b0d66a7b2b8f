"""Generative drafting through the real httpx client against hand-written vcrpy cassettes of an OpenAI-compatible
server (tests/cassettes/llm/), plus a loopback server that answers too late. Every failure keeps the saved reply."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import vcr
from pydantic import SecretStr
from sqlmodel import Session, col, select
from vcr.request import Request

from models import AuditEvent, Mention, Reply, User
from responder.drafting.assist import assist_draft
from responder.drafting.llm import LlmConfig, LlmConfigError, build_messages, generate, prompt_limit
from settings import Settings

CASSETTES = Path(__file__).resolve().parents[1] / "cassettes" / "llm"
CONFIG = LlmConfig(base_url="http://llm.test:8080", model="care-writer-7b", timeout=5.0)
DRAFT = ("Hi @ann, we're really sorry your order is late. Please DM us your order number and we'll chase the "
         "courier for you today. - Lumo Home Care")
PROMPTED = "Hi @ann, sorry about order {?order number}. We're chasing the courier today. - {agent}, Lumo Home Care"
REWRITE = ("Hi @ann, two weeks is far too long, and we're sorry. Please DM us your order number and we'll chase "
           "the courier for you today. - Lumo Home Care")


def same_chat_request(actual: Request, recorded: Request) -> None:
    """The request sent holds the recorded model, and the same system and user messages: the mention and the
    saved reply it is grounded in."""
    sent, expected = json.loads(actual.body or b"{}"), json.loads(recorded.body or b"{}")
    assert sent["model"] == expected["model"]
    assert sent["messages"] == expected["messages"]


def player() -> vcr.VCR:
    recorder = vcr.VCR(cassette_library_dir=str(CASSETTES), record_mode="none",
                       match_on=["method", "scheme", "host", "port", "path", "chat"])
    recorder.register_matcher("chat", same_chat_request)
    return recorder


@pytest.fixture()
def cassette() -> Callable[[str], AbstractContextManager[Any]]:
    def use(name: str) -> AbstractContextManager[Any]:
        assert (CASSETTES / f"{name}.yaml").is_file()
        return player().use_cassette(f"{name}.yaml")

    return use


@pytest.fixture()
def mention() -> Mention:
    return Mention(network="x", external_id="1", author="ann", language="en",
                   text="@lumohome my order is two weeks late, where is it?",
                   created_at=datetime(2026, 11, 5, 14, 0, tzinfo=timezone.utc))


def ask(mention: Mention, draft: str = DRAFT, config: LlmConfig = CONFIG) -> Any:
    with httpx.Client() as client:
        return generate(client, config, mention, draft, brand="Lumo Home")


def test_the_model_rewrites_the_saved_reply_for_this_mention(cassette: Any, mention: Mention) -> None:
    with cassette("chat_ok") as played:
        generated = ask(mention)
    assert played.play_count == 1
    assert generated.used_model and generated.text == REWRITE
    assert generated.reason == "rewritten for this mention by care-writer-7b"


def test_the_prompt_holds_the_mention_and_the_saved_reply_and_asks_to_keep_its_commitments(mention: Mention) -> None:
    system, user = build_messages(mention, DRAFT, brand="Lumo Home", limit=280)
    assert "Keep every commitment the saved reply makes" in system["content"]
    assert "make no new promise" in system["content"] and "at most 280 characters" in system["content"]
    assert "Write in English" in system["content"]
    assert mention.text in user["content"] and user["content"].endswith(DRAFT)


def test_the_prompt_asks_for_the_networks_length(mention: Mention) -> None:
    def other(network: str, language: str = "en") -> Mention:
        return Mention(network=network, external_id="2", text="", language=language, created_at=mention.created_at)

    assert prompt_limit(mention) == 280
    assert prompt_limit(other("x", "ja")) == 140  # X weighs each CJK character as two
    assert prompt_limit(other("googleplay", "ja")) == 350
    assert prompt_limit(other("reddit")) == 1000


@pytest.mark.parametrize(("name", "says"), [
    ("chat_500", "the model endpoint answered HTTP 500: The server had an error while processing your request."),
    ("chat_malformed", "the model's answer was malformed ('choices')"),
    ("chat_cut_off", "the model's answer was malformed (cut off at the token limit)"),
])
def test_a_failing_endpoint_keeps_the_saved_reply_and_says_why(cassette: Any, mention: Mention, name: str,
                                                               says: str) -> None:
    with cassette(name):
        generated = ask(mention)
    assert not generated.used_model and generated.text == DRAFT
    assert generated.reason == "saved reply kept: " + says


def test_a_rewrite_that_drops_a_prompted_field_is_not_used(cassette: Any, mention: Mention) -> None:
    with cassette("chat_dropped_prompt"):
        generated = ask(mention, PROMPTED)
    assert generated.text == PROMPTED
    assert generated.reason == "saved reply kept: the model dropped the prompted field {?order number}"
    with cassette("chat_prompted"):
        kept = ask(mention, PROMPTED)
    assert kept.used_model and "{?order number}" in kept.text and "{agent}" in kept.text


class _SlowHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        time.sleep(1.0)
        self.send_response(200)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture()
def slow_server() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _SlowHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_timeout_keeps_the_saved_reply(slow_server: str, mention: Mention) -> None:
    started = time.monotonic()
    generated = ask(mention, config=LlmConfig(base_url=slow_server + "/v1/", model="m", timeout=0.2))
    assert time.monotonic() - started < 0.9
    assert not generated.used_model and generated.text == DRAFT
    assert generated.reason == "saved reply kept: the model did not answer within 0.2 s"


def test_an_unreachable_endpoint_keeps_the_saved_reply(mention: Mention) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    generated = ask(mention, config=LlmConfig(base_url=f"http://127.0.0.1:{port}", model="m", timeout=2))
    assert generated.reason == "saved reply kept: could not reach the model endpoint (ConnectError)"


def test_generative_drafting_is_off_by_default_and_refuses_a_half_configuration() -> None:
    assert LlmConfig.from_settings(Settings(llm_base_url=None)) is None
    with pytest.raises(LlmConfigError, match="LLM_MODEL is empty"):
        LlmConfig.from_settings(Settings(llm_base_url="http://127.0.0.1:8080"))
    with pytest.raises(LlmConfigError, match="http"):
        LlmConfig.from_settings(Settings(llm_base_url="file:///etc/passwd", llm_model="m"))
    config = LlmConfig.from_settings(Settings(llm_base_url="https://api.example.com/v1", llm_model=" m ",
                                              llm_api_key=SecretStr("sk-1")))
    assert config == LlmConfig("https://api.example.com/v1", "m", "sk-1", 20.0)
    assert config.endpoint == "https://api.example.com/v1/chat/completions"
    assert CONFIG.endpoint == "http://llm.test:8080/v1/chat/completions"


def _draft_for(db_session: Session, make_mention: Callable[..., Mention], text: str) -> tuple[Reply, Mention]:
    mention = make_mention(author="ann", text="@lumohome my order is two weeks late, where is it?", language="en",
                           status="needs_reply")
    reply = Reply(mention_id=mention.id, text=text, poster="manual",
                  draft_reason="en · delivery complaint · negative · matched saved reply 'Late delivery (en)'")
    db_session.add(reply)
    db_session.flush()
    return reply, mention


def test_assist_replaces_the_draft_which_stays_a_draft_edited_by_whoever_asked(
    cassette: Any, db_session: Session, make_mention: Callable[..., Mention], make_user: Callable[..., User]
) -> None:
    agent = make_user(role="agent")
    reply, mention = _draft_for(db_session, make_mention, DRAFT)
    with cassette("chat_ok"), httpx.Client() as client:
        assist_draft(db_session, reply, mention, config=CONFIG, client=client, user=agent, expected_version=1,
                     brand="Lumo Home")
    assert (reply.text, reply.status, reply.edited_by_id, reply.version) == (REWRITE, "draft", agent.id, 2)
    assert (reply.draft_reason or "").endswith(" · rewritten for this mention by care-writer-7b")
    actions = list(db_session.exec(select(AuditEvent.action).where(AuditEvent.reply_id == reply.id)
                                   .order_by(col(AuditEvent.id))))
    assert actions == ["reply.edited", "reply.assisted"]


def test_assist_that_fails_keeps_the_draft_and_records_only_the_latest_outcome(
    cassette: Any, db_session: Session, make_mention: Callable[..., Mention], make_user: Callable[..., User]
) -> None:
    agent = make_user(role="agent")
    reply, mention = _draft_for(db_session, make_mention, DRAFT)
    for _ in range(2):
        with cassette("chat_500"), httpx.Client() as client:
            generated = assist_draft(db_session, reply, mention, config=CONFIG, client=client, user=agent,
                                     expected_version=1, brand="Lumo Home")
    assert not generated.used_model
    assert (reply.text, reply.version, reply.edited_by_id) == (DRAFT, 1, None)
    assert reply.draft_reason is not None and reply.draft_reason.count("saved reply kept:") == 1
