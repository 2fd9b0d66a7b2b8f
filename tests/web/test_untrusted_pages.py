"""Bidi spoofing: an author named "user<U+202E>gnp.exe" reads as "userexe.png". Every page isolates such names
and texts, so the override cannot reach past them, and marks the hidden characters visibly."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask.testing import FlaskClient
from sqlmodel import Session

from models import Mention, Reply, SavedReply, Source, User, record_event
from tests.web.web_helpers import post_form
from web.formatting import hidden_marker, untrusted, untrusted_plain

SPOOF = "user\u202egnp.exe"
MARKER = ('<span class="badge badge-warn hidden-chars" title="This text contains invisible or direction-changing '
          'characters that can make it read differently than it looks: U+202E RIGHT-TO-LEFT OVERRIDE.">'
          "hidden characters</span>")
ISOLATED = f"<bdi>{SPOOF}</bdi>{MARKER}"
SHOWN_PLAIN = "\u2068user[U+202E]gnp.exe\u2069"  # where no markup can go: attributes, <option>, <title>


def html_of(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_filters_isolate_escape_and_mark() -> None:
    assert untrusted(SPOOF) == ISOLATED
    assert untrusted("<b>Mika</b>") == "<bdi>&lt;b&gt;Mika&lt;/b&gt;</bdi>"
    assert untrusted(f"{SPOOF}\n2", block=True, mark=False) == f'<span class="untrusted">{SPOOF}\n2</span>'
    assert untrusted(None) == "<bdi></bdi>" and hidden_marker("plain, 日本語, שלום") == ""
    assert untrusted_plain(SPOOF) == SHOWN_PLAIN
    assert untrusted_plain("x\u2069\u202e") == "\u2068x[U+2069][U+202E]\u2069"  # a PDI cannot end the isolate
    assert untrusted_plain("שלום") == "\u2068שלום\u2069" and untrusted_plain("Export 2") == "Export 2"


def test_queue_cards_isolate_the_author_title_and_text(client: FlaskClient, logged_in: Callable[[str], User],
                                                      make_mention: Callable[..., Mention]) -> None:
    logged_in("agent")
    make_mention(status="needs_reply", author=SPOOF, title="Great\u202e", text="refund\u202egnp.exe please")
    html = html_of(client, "/queue")
    assert f'<span class="author">{ISOLATED}</span>' in html
    assert f"by {ISOLATED}</label>" in html  # the checkbox's label, read by screen readers
    assert "<strong><bdi>Great\u202e</bdi></strong> — <bdi>refund\u202egnp.exe please</bdi></span>" in html
    assert MARKER in html.split('class="card-line card-head"')[1].split('class="card-line excerpt"')[0]


def test_the_mention_page_isolates_and_marks_everything_the_customer_wrote(
        client: FlaskClient, logged_in: Callable[[str], User], make_mention: Callable[..., Mention],
        db_session: Session) -> None:
    logged_in("agent")
    earlier = make_mention(status="needs_reply", author=SPOOF, author_id="spoofer", text="first\u202e post")
    mention = make_mention(status="needs_reply", author=SPOOF, author_id="spoofer", title=SPOOF,
                           text="second\u202e post", reason="says\u202e so",
                           created_at=earlier.created_at + timedelta(hours=1))
    draft = Reply(mention_id=mention.id, text="Sorry\u202e!", poster="manual", draft_reason="topic\u202e")
    db_session.add(draft)
    db_session.flush()
    record_event(db_session, "reply.edited", mention_id=mention.id, reply_id=draft.id, text="sent\u202e text")
    db_session.flush()
    html = html_of(client, f"/mentions/{mention.id}")
    assert f'<h1 id="mention-title">{ISOLATED}</h1>' in html
    assert f"<span>by {ISOLATED}</span>" in html
    assert 'dir="auto"><span class="untrusted">second\u202e post</span></div>' in html
    assert '<dd dir="auto"><span class="untrusted">says\u202e so</span><span class="badge' in html
    assert f"Earlier from {ISOLATED}" in html
    assert f"<bdi>{SPOOF}</bdi></a>\n{MARKER}" in html  # the earlier mention's line, marker outside its link
    assert "<bdi>first\u202e post</bdi>" in html
    assert '<bdi>topic\u202e</bdi><span class="badge' in html.split('id="draft-reason"')[1]
    assert '<td dir="auto"><span class="untrusted">sent\u202e text</span><span class="badge' in html


def test_the_sources_pages_isolate_names_errors_and_test_results(
        client: FlaskClient, logged_in: Callable[[str], User], make_source: Callable[..., Source]) -> None:
    logged_in("admin")
    source = make_source(name=SPOOF, last_error="bad\u202e row", config={"path": "nope.csv"})
    listing = html_of(client, "/sources")
    assert f'<th scope="row">{ISOLATED}</th>' in listing
    assert "<bdi>bad\u202e row</bdi>" in listing
    assert f'aria-label="Edit {SHOWN_PLAIN}"' in listing and f'aria-label="Test query of {SHOWN_PLAIN}"' in listing
    assert f">{SHOWN_PLAIN}</option>" in html_of(client, "/queue")  # the queue's source filter
    edit = html_of(client, f"/sources/{source.id}/edit")
    assert f"<title>Edit {SHOWN_PLAIN} · Earful</title>" in edit and f"<h1>Edit {ISOLATED}</h1>" in edit
    tested = post_form(client, f"/sources/{source.id}/test", token_from="/sources").get_data(as_text=True)
    assert f"<h1>Test query: {ISOLATED}</h1>" in tested and f"<title>Test {SHOWN_PLAIN} · Earful</title>" in tested
    assert "The collector reported an error: <bdi>import file not found" in tested


def test_saved_replies_and_flashes_isolate_the_name_and_body(
        client: FlaskClient, logged_in: Callable[[str], User], make_saved_reply: Callable[..., SavedReply]) -> None:
    logged_in("admin")
    saved = make_saved_reply(name=SPOOF, body="We are\u202e sorry, {author}.")
    listing = html_of(client, "/saved-replies")
    assert f'<th scope="row">{ISOLATED}</th>' in listing
    assert ('<td dir="auto" class="cell-text"><span class="untrusted">We are\u202e sorry, {author}.</span>'
            '<span class="badge') in listing
    assert f'aria-label="Edit {SHOWN_PLAIN}"' in listing
    response = post_form(client, f"/saved-replies/{saved.id}/active", {"active": "0"}, token_from="/saved-replies")
    assert response.status_code == 302
    assert f"{SHOWN_PLAIN} is deactivated" in html_of(client, "/saved-replies")


def test_token_names_are_isolated(client: FlaskClient, logged_in: Callable[[str], User]) -> None:
    logged_in("viewer")
    post_form(client, "/account/tokens", {"name": SPOOF}, token_from="/account")
    assert f"<td>{ISOLATED}</td>" in html_of(client, "/account")
