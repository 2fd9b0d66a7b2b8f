"""The queue's lint adapter: empty text, unfilled variables, and the per-network length (X weighted, links 23;
Mastodon the status as posted), as the mention page shows it."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask.testing import FlaskClient

from models import Reply, User
from responder.lint import Draft, lint_draft
from responder.lint_rules import default_rules
from web.queue.lint import MastodonCount, lint, mastodon_count, reply_length, weighted_length


def test_weighted_length_counts_links_and_wide_characters() -> None:
    assert weighted_length("hello") == 5
    assert weighted_length("see https://example.com/" + "a" * 200) == 4 + 23
    assert weighted_length("한국어") == 6 and weighted_length("日本") == 4
    assert weighted_length("👍") == 2
    assert weighted_length("e\u0301") == 1  # NFC first: é is one character


def test_lint_rules_per_network() -> None:
    assert lint("Thanks!", "x") == []
    assert lint("   ", "x") == ["The reply is empty."]
    assert lint("Hi {author} from {brand}", "reddit") == [
        "The reply has unfilled variables: {author}, {brand}. Replace them with real words."]
    assert lint("x" * 281, "x")[0].startswith("281 characters, over the limit of 280 (1 over)")
    assert lint("x" * 281, "reddit") == []
    assert lint("x" * 351, "googleplay")[0].startswith("351 characters, over the limit of 350")
    length = reply_length("한" * 141, "x")
    assert (length.used, length.over) == (282, True)
    assert reply_length("한" * 141, "mastodon").rule is not None  # 500 plain characters
    assert reply_length("한" * 141, "hackernews").rule is None


def test_the_mastodon_count_is_the_status_as_posted() -> None:
    text = "Sorry, a new kettle is on its way."  # 34 as typed
    assert reply_length(text, "mastodon", author="dana@hachyderm.io", title=" kettle ").used == 6 + 34 + 6
    assert reply_length("@dana@hachyderm.io " + text, "mastodon", author="dana@hachyderm.io").used == 6 + 34
    over = Draft(text="a" * 490, network="mastodon", author="dana@hachyderm.io", title="kettle")
    [finding] = [f for f in lint_draft(over, default_rules()) if f.code == "length_mastodon"]
    shown = reply_length(over.text, "mastodon", author=over.author, title=over.title).used
    assert finding.message.startswith(f"{shown} characters")


def test_the_live_counter_gets_what_the_mastodon_status_adds() -> None:
    assert mastodon_count("mastodon", "dana@hachyderm.io", " kettle ") == MastodonCount("dana", "hachyderm.io", 6)
    assert mastodon_count("mastodon", "@eve", None) == MastodonCount("eve", "", 0)
    assert mastodon_count("mastodon", "not an account", None) == MastodonCount("", "", 0)
    assert mastodon_count("x", "dana@hachyderm.io", "kettle") is None


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
