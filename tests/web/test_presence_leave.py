"""Leaving the mention page over HTTP: presence forgets the viewer (the rules: tests/inbox/queue/test_presence.py)."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient

from models import Mention, User
from tests.web.web_helpers import csrf_token, login


def test_leaving_the_mention_page_over_http(client: FlaskClient, logged_in: Callable[[str], User],
                                            make_mention: Callable[..., Mention],
                                            make_user: Callable[..., User]) -> None:
    logged_in("agent")
    colleague = make_user(role="viewer", email="colleague@example.com")
    mention = make_mention(status="needs_reply")
    other = client.application.test_client()
    login(other, colleague)
    page = other.get(f"/mentions/{mention.id}").get_data(as_text=True)
    assert f'data-leave-url="/mentions/{mention.id}/presence/leave"' in page
    assert "colleague@example.com" in client.get(f"/mentions/{mention.id}/presence").get_data(as_text=True)
    left = other.post(f"/mentions/{mention.id}/presence/leave", data={"csrf_token": csrf_token(page)})
    assert left.status_code == 204
    assert "colleague@example.com" not in client.get(f"/mentions/{mention.id}/presence").get_data(as_text=True)
    assert other.post(f"/mentions/{mention.id}/presence/leave").status_code == 400  # CSRF like any form
    assert "mention.viewed" not in client.get(f"/mentions/{mention.id}").get_data(as_text=True)
