"""What a Mastodon reply says (the author's @mention, the content warning, the visibility), how lint counts it,
and that the audit keeps exactly what was sent."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pydantic import SecretStr
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, col, select

from models import AuditEvent, Mention, Reply
from responder.lint.findings import Draft, check_reply, lint_draft
from responder.lint.rules import default_rules
from responder.posters.mastodon_status import addressed, counted_length, narrower
from responder.replies import service
from settings import Settings
from tests.responder.conftest import Cassette

RULES = list(default_rules())
REPLY = "Sorry Ann, a new kettle is on its way. DM us your order number."


@pytest.mark.parametrize(("text", "author", "expected"), [
    ("Thanks!", "dana@hachyderm.io", "@dana@hachyderm.io Thanks!"),
    ("Thanks!", "eve", "@eve Thanks!"),  # a local account of the replying instance
    ("Thanks!", "@eve", "@eve Thanks!"),
    ("Thanks @Dana@Hachyderm.io!", "dana@hachyderm.io", "Thanks @Dana@Hachyderm.io!"),  # already mentioned
    ("Hi @dana, thanks!", "dana@hachyderm.io", "@dana@hachyderm.io Hi @dana, thanks!"),  # @dana is a local one
    ("Hi dana@hachyderm.io", "dana@hachyderm.io", "@dana@hachyderm.io Hi dana@hachyderm.io"),  # not a mention
    ("See https://hachyderm.io/@dana", "dana@hachyderm.io", "@dana@hachyderm.io See https://hachyderm.io/@dana"),
    ("Thanks!", "", "Thanks!"),
    ("Thanks!", "not an account", "Thanks!"),
])
def test_the_author_is_mentioned_once(text: str, author: str, expected: str) -> None:
    assert addressed(text, author) == expected


def test_mastodon_counts_a_mention_as_its_username_a_link_as_23_and_the_warning_too() -> None:
    assert counted_length("@dana@hachyderm.io hi") == len("@dana hi")
    assert counted_length("see https://lumo.example/" + "a" * 300 + ".") == len("see ") + 23 + 1
    assert counted_length("hi", warning="delivery") == 2 + 8


@pytest.mark.parametrize(("original", "default", "expected"), [
    ("public", "unlisted", "unlisted"), ("unlisted", "public", "unlisted"), ("private", "public", "private"),
    ("direct", "public", "direct"), ("public", None, "public"), (None, "private", "private"), (None, None, None),
    ("limited", "public", "public"),
])
def test_a_reply_takes_the_narrower_visibility(original: str | None, default: str | None,
                                               expected: str | None) -> None:
    assert narrower(original, default) == expected


def test_lint_counts_the_mention_the_poster_adds_and_the_content_warning() -> None:
    def blocked(text: str, author: str, title: str | None = None) -> bool:
        draft = Draft(text=text, network="mastodon", mention_language="en", author=author, title=title)
        return "length_mastodon" in {finding.code for finding in lint_draft(draft, RULES)}

    # "@dana@hachyderm.io " is added and Mastodon counts it as "@dana " (6)
    assert not blocked("a" * 494, author="dana@hachyderm.io") and blocked("a" * 495, author="dana@hachyderm.io")
    assert not blocked("@dana@hachyderm.io " + "a" * 494, author="dana@hachyderm.io")
    assert blocked("a" * 490, author="dana@hachyderm.io", title="delivery rant")


def test_a_stored_mastodon_draft_is_linted_as_it_will_be_posted(
    db_session: Session, make_mention: Callable[..., Mention]
) -> None:
    mention = make_mention(network="mastodon", author="dana@hachyderm.io", title="kettle")
    assert mention.id is not None
    reply = Reply(mention_id=mention.id, text="a" * 490)
    db_session.add(reply)
    db_session.flush()
    [finding] = [f for f in check_reply(db_session, reply) if f.code == "length_mastodon"]
    assert finding.message.startswith("502 characters, over the limit of 500")


def test_the_reply_and_its_audit_keep_the_exact_text_sent(
    session_factory: sessionmaker[Session], settings: Settings, db_session: Session,
    make_mention: Callable[..., Mention], posting_cassette: Cassette
) -> None:
    mention = make_mention(network="mastodon", author="ann@hachyderm.io", title="broken kettle",
                           extra={"instance": "mastodon.social", "status_id": "113456789012345678",
                                  "visibility": "unlisted"})
    assert mention.id is not None
    reply = Reply(mention_id=mention.id, text=REPLY, status="approved", poster="mastodon")
    db_session.add(reply)
    db_session.flush()
    with_token = settings.model_copy(update={"mastodon_access_token": SecretStr("brand-token")})
    with posting_cassette("mastodon", "create_ok") as played:
        posted = service.post_reply(session_factory, reply.id or 0, settings=with_token)
    assert posted is not None and posted.status == "posted"
    [form] = played.bodies()
    sent = f"@ann@hachyderm.io {REPLY}"
    assert "status=%40ann%40hachyderm.io+Sorry+Ann" in form and posted.text == sent
    audit = select(AuditEvent).where(AuditEvent.reply_id == reply.id).order_by(col(AuditEvent.id))
    events = db_session.exec(audit).all()
    assert [(e.action, e.details["text"]) for e in events] == [("reply.posting", REPLY), ("reply.posted", sent)]
