from __future__ import annotations

import pytest

from sentiment.language import detect_language


@pytest.mark.parametrize(("text", "expected"), [
    ("My order never arrived and support ignores me", "en"),
    ("届かない", "ja"),
    ("ありがとう", "ja"),
    ("최악", "ko"),
    ("배송이 늦어요", "ko"),
    ("这个产品很好用", "zh"),
    ("El pedido llegó tarde otra vez", "es"),
    ("La livraison est arrivée en retard", "fr"),
    ("Die Lieferung kam viel zu spät", "de"),
    ("A entrega atrasou de novo", "pt"),
    ("", "und"),
    ("ok", "und"),
    ("xxxxxxxxxxxxxxxx", "und"),
    ("😀👍🔥", "und"),
    ("https://example.com/some/path", "und"),
    ("@brand https://t.co/abc", "und"),
])
def test_detect_language(text: str, expected: str) -> None:
    assert detect_language(text) == expected
