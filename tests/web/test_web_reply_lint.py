"""The mention page's live counter counts a draft as the queue's lint adapter (inbox.lint) does."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask.testing import FlaskClient

from models import Reply, User


def test_the_mention_page_counts_a_mastodon_draft_as_lint_does(client: FlaskClient, logged_in: Callable[[str], User],
                                                               make_draft: Callable[..., Reply]) -> None:
    logged_in("agent")
    reply = make_draft("a" * 30, network="mastodon", author="dana@hachyderm.io", title="kettle")
    html = client.get(f"/mentions/{reply.mention_id}").get_data(as_text=True)
    counter = re.search(r'<p id="reply-count"[^>]*>', html)
    assert counter is not None
    assert dict(re.findall(r'(data-[\w-]+)="([^"]*)"', counter.group(0))) == {
        "data-limit": "500", "data-weighted": "false", "data-mastodon": "true", "data-mention-user": "dana",
        "data-mention-domain": "hachyderm.io", "data-warning-length": "6"}
    label = "Mastodon length (with the @mention and the content warning): <span data-count>42</span> of 500"
    assert label in html  # "@dana " + 30 + "kettle"
