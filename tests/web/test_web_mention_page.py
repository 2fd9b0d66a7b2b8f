"""The mention page renders hostile customer content as inert text."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask.testing import FlaskClient
from sqlmodel import Session

from models import Mention, Reply, User


def _page(client: FlaskClient, mention: Mention) -> str:
    response = client.get(f"/mentions/{mention.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_script_and_event_handlers_are_escaped(client: FlaskClient, logged_in: Callable[[str], User],
                                               make_mention: Callable[..., Mention]) -> None:
    logged_in("viewer")
    mention = make_mention(
        status="needs_reply", author='<img src=x onerror=alert(1)>', title="<script>alert(1)</script>",
        text='<script>alert(1)</script> and <img src=x onerror=alert(1)> "quoted" \'single\'',
        reason="<b>model</b> said so", topics=["<i>topic</i>"],
    )
    html = _page(client, mention)
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<b>model</b>" not in html and "<i>topic</i>" not in html
    # The only scripts are the app's own static file.
    assert re.findall(r"<script[^>]*>", html) == [f'<script src="/static/{name}" defer>' for name in
                                                  ("vendor/htmx.min.js", "js/app.js", "js/count.js", "js/shortcuts.js")]


def test_javascript_url_is_not_linked(client: FlaskClient, logged_in: Callable[[str], User],
                                      make_mention: Callable[..., Mention]) -> None:
    logged_in("viewer")
    mention = make_mention(status="needs_reply", url="javascript:alert(1)")
    html = _page(client, mention)
    assert "javascript:" not in html
    assert "not an http(s) address" in html


def test_http_url_is_linked_safely(client: FlaskClient, logged_in: Callable[[str], User],
                                   make_mention: Callable[..., Mention]) -> None:
    logged_in("viewer")
    mention = make_mention(status="needs_reply", url='https://example.com/r/1?a=1&b="x"')
    html = _page(client, mention)
    assert 'href="https://example.com/r/1?a=1&amp;b=&#34;x&#34;"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_rtl_and_zero_width_characters_are_isolated_and_flagged(
        client: FlaskClient, logged_in: Callable[[str], User], make_mention: Callable[..., Mention]) -> None:
    logged_in("viewer")
    tricky = "refund\u202egnp.exe\u202c please \u200bnow \u05e9\u05dc\u05d5\u05dd"
    mention = make_mention(status="needs_reply", author="\u202eevil", text=tricky)
    html = _page(client, mention)
    # tabindex: the text scrolls inside its box, and a scroller must be reachable by keyboard.
    assert f'<div class="mention-text" tabindex="0" dir="auto"><span class="untrusted">{tricky}</span></div>' in html
    assert '<bdi>\u202eevil</bdi><span class="badge badge-warn hidden-chars"' in html
    assert "hidden characters" in html


def test_long_text_is_shown_in_full(client: FlaskClient, logged_in: Callable[[str], User],
                                    make_mention: Callable[..., Mention]) -> None:
    logged_in("viewer")
    text = ("word " * 2000).strip()[:9_990] + " THE-END"
    mention = make_mention(status="needs_reply", text=text)
    assert len(text) >= 10_000 - 2
    assert text in _page(client, mention)


def test_analysis_is_shown(client: FlaskClient, logged_in: Callable[[str], User],
                           make_mention: Callable[..., Mention]) -> None:
    logged_in("viewer")
    mention = make_mention(status="needs_reply", sentiment="negative", confidence=0.91, reason="late delivery",
                           topics=["delivery"], language="en", model_name="earful-e5-small", model_version="0.3.0",
                           rating=1, title="Never again")
    html = _page(client, mention)
    for expected in ("negative", "91% confident", "late delivery", "delivery", "earful-e5-small 0.3.0",
                     "Never again", 'aria-label="1 out of 5 stars"'):
        assert expected in html


CHATTER = {"text": "Walked past the new store on Main Street today.", "sentiment": "neutral", "confidence": 0.88}
NO_DRAFT_LINE = "No draft: neither a complaint, a question nor praise."


def test_why_a_mention_got_no_draft_is_shown(client: FlaskClient, logged_in: Callable[[str], User],
                                             make_mention: Callable[..., Mention]) -> None:
    logged_in("agent")
    mention = make_mention(status="no_reply", **CHATTER)
    html = _page(client, mention)
    assert NO_DRAFT_LINE in html
    assert "New draft" in html  # a person can still draft it anyway


def test_no_draft_reason_is_hidden_once_drafted(client: FlaskClient, logged_in: Callable[[str], User],
                                                make_draft: Callable[..., Reply], db_session: Session) -> None:
    logged_in("agent")
    reply = make_draft(**CHATTER)
    mention = db_session.get(Mention, reply.mention_id)
    assert mention is not None
    html = _page(client, mention)
    assert "No draft:" not in html
    assert reply.text in html


def test_unknown_mention_is_404(client: FlaskClient, logged_in: Callable[[str], User]) -> None:
    logged_in("viewer")
    assert client.get("/mentions/999999").status_code == 404
