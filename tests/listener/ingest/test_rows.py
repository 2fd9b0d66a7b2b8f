from datetime import datetime, timezone

import pytest

from listener.ingest.rows import RowInvalid, parse_timestamp, row_to_mention
from listener.text import MAX_TEXT_CHARS, clean_text

GOOD = {"network": "x", "external_id": "1", "text": "Where is my order?", "created_at": "2026-11-05T14:07:00Z"}


def test_a_good_row_becomes_a_mention() -> None:
    mention = row_to_mention({**GOOD, "rating": "4", "in_reply_to_brand": "true", "Subreddit": "Cooking"})
    assert mention.network == "x"
    assert mention.created_at == datetime(2026, 11, 5, 14, 7, tzinfo=timezone.utc)
    assert mention.rating == 4
    assert mention.in_reply_to_brand is True
    assert mention.extra == {"subreddit": "Cooking"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"text": "  "}, "missing required field(s): text"),
        ({"network": "myspace"}, "network 'myspace' is unknown"),
        ({"created_at": "yesterday"}, "not an ISO 8601 time"),
        ({"created_at": "2026-11-05T14:07:00"}, "no time zone"),
        ({"rating": "7"}, "outside 1..5"),
        ({"rating": "great"}, "is not a number"),
        ({"url": "javascript:alert(1)"}, "url must start with http"),
        ({"in_reply_to_brand": "maybe"}, "is not true/false"),
        ({"text": "x" * (MAX_TEXT_CHARS + 1)}, "the limit is 40,000"),
    ],
)
def test_bad_rows_say_what_is_wrong(change: dict[str, str], message: str) -> None:
    with pytest.raises(RowInvalid, match=message.replace("(", r"\(").replace(")", r"\)")):
        row_to_mention({**GOOD, **change})


def test_hostile_text_is_kept_verbatim_but_control_characters_and_surrogates_are_dropped() -> None:
    text = "<script>alert(1)</script>\x00\x07 ok \ud800 \u200f\u202e"
    mention = row_to_mention({**GOOD, "text": text})
    assert mention.text.startswith("<script>alert(1)</script>")
    assert "\x00" not in mention.text and "\x07" not in mention.text
    assert "\ud800" not in mention.text
    assert "\u202e" in mention.text  # bidi controls are content; the web layer renders them safely
    mention.text.encode("utf-8")


def test_unix_timestamps_and_offsets_are_normalised_to_utc() -> None:
    assert parse_timestamp(0) == datetime(1970, 1, 1, tzinfo=timezone.utc)
    assert parse_timestamp("2026-11-05T23:00:00+09:00") == datetime(2026, 11, 5, 14, tzinfo=timezone.utc)


def test_clean_text_normalises_to_nfc() -> None:
    assert clean_text("Cafe\u0301") == "Café"
