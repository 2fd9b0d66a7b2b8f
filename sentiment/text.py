"""Make hostile user text safe to score: valid unicode, no control characters, bounded size."""

from __future__ import annotations

import re
import unicodedata

MAX_CHARS = 2000  # the model reads at most 256 tokens; longer input only costs tokenizer time
_SPACE = re.compile(r"\s+")


def clean_text(text: object) -> str:
    raw = text if isinstance(text, str) else ("" if text is None else str(text))
    raw = raw[: MAX_CHARS * 2].encode("utf-8", "replace").decode("utf-8", "replace")
    kept = "".join(ch if unicodedata.category(ch)[0] != "C" or ch in "\n\t" else " " for ch in raw)
    return _SPACE.sub(" ", kept).strip()[:MAX_CHARS]
