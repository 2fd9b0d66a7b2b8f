"""Text as every collector stores it: NFC, without the control characters and lone surrogates databases refuse."""

from __future__ import annotations

import re
import unicodedata

MAX_TEXT_CHARS = 40_000
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: str) -> str:
    """Normalise to NFC and drop control characters and lone surrogates that databases refuse."""
    value = value.encode("utf-8", "replace").decode("utf-8")
    return CONTROL_CHARS.sub("", unicodedata.normalize("NFC", value))
