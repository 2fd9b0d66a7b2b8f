"""Template filters for hostile text: the hidden-character warning agrees with Unicode's own table."""

from __future__ import annotations

import sys
import unicodedata

from web.formatting import _FORMAT_CHARACTERS, has_hidden_characters


def test_the_format_character_class_is_exactly_unicode_category_cf() -> None:
    expected = {code for code in range(sys.maxunicode + 1) if unicodedata.category(chr(code)) == "Cf"}
    matched = {code for code in range(sys.maxunicode + 1) if _FORMAT_CHARACTERS.fullmatch(chr(code))}
    assert matched == expected


def test_hidden_characters_are_found_anywhere_in_a_text() -> None:
    assert has_hidden_characters("pay \u202eoN") and has_hidden_characters("日本\u200b語")
    assert not has_hidden_characters("plain, 日本語, 한국어, emoji 😀") and not has_hidden_characters(None)
    assert not has_hidden_characters("")
