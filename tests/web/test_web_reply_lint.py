"""The queue's lint adapter: empty text, unfilled variables, and the per-network length (X weighted, links 23)."""

from __future__ import annotations

from web.queue.lint import lint, reply_length, weighted_length


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
