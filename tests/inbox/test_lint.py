"""The queue's lint adapter: empty text, unfilled variables, and the per-network length (X weighted, links 23;
Mastodon the status as posted)."""

from __future__ import annotations

from dataclasses import replace

from inbox.lint import MastodonCount, lint, mastodon_count, reply_length, weighted_length
from responder.lint.findings import Draft, lint_draft
from responder.lint.rules import default_rules


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



def test_the_workspace_rules_passed_in_are_the_ones_counted() -> None:
    without_x_length = [replace(rule, enabled=False) if rule.kind == "length" and rule.networks and "x" in
                        rule.networks else rule for rule in default_rules()]
    assert reply_length("x" * 281, "x").over
    assert reply_length("x" * 281, "x", rules=without_x_length).rule is None
    assert lint("x" * 281, "x", without_x_length) == []
    assert lint("   ", "x", without_x_length) == ["The reply is empty."]
