from __future__ import annotations

import pytest

from sentiment.language import JAPANESE_ONLY_HAN, detect_language, detect_languages


@pytest.mark.parametrize(("text", "expected"), [
    ("My order never arrived and support ignores me", "en"),
    ("届かない", "ja"),
    ("ありがとう", "ja"),
    ("최악", "ko"),
    ("배송이 늦어요", "ko"),
    ("这个产品很好用", "zh"),
    ("退款太慢了，客服也不回复", "zh"),
    ("這個產品很好用，物超所值", "zh"),
    ("配送遅延", "ja"),
    ("最悪", "ja"),
    ("対応最悪、二度と利用しない", "ja"),
    ("品質検査済", "ja"),
    ("時々故障", "ja"),
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


def test_batch_detection_agrees_with_single() -> None:
    texts = ["My order never arrived", "配送遅延", "这个产品很好用", "", "배송이 늦어요", "La livraison est en retard"]
    assert detect_languages(texts) == [detect_language(t) for t in texts]
    assert detect_languages([]) == []


def test_japanese_only_characters_are_not_chinese_forms() -> None:
    # characters simplified or traditional Chinese also writes must not be on the list
    common_chinese = "届弁浜的是了我不人在有这个上们来到时大地为子中你说生国年着就那和要她出也得里后自以会"
    assert not JAPANESE_ONLY_HAN & set(common_chinese)
