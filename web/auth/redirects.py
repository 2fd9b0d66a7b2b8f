"""Post-login redirects go only to paths on this site, never to another host."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

MAX_NEXT_LENGTH = 2000


def is_local_path(target: str | None) -> bool:
    if not target or len(target) > MAX_NEXT_LENGTH:
        return False
    # Browsers read "/\\host" and "//host" as another host, and drop tabs/newlines before parsing.
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    if any(unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") for char in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc
