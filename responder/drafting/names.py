"""`{name}`: what a reply calls the customer, and one honorific after it, never two.

A review carries the reviewer's display name ("田中 優子", "해바라기"); a social post only the author's handle.
The name is the display name, or the handle without its "@". Where there is no usable name (none, only digits
or symbols, a placeholder such as "A Google user", or in a Japanese or Korean reply a Latin handle such as
"kazu_0808": a handle is not a name) the reply uses the language's generic form: お客様, 고객님, and in English
"there" (so English templates put {name} in a greeting: "Hi {name}," reads "Hi there," without a name).

Templates write the honorific: "{name}様", "{name}님". When the name already carries one, the renderer keeps a
single one (join_honorific): a title that replaces it stays (お客様, 고객님, 山田先生, 김 선생님), a plain one gives
way to the template's ("田中さん" + 様 = "田中様", "민수씨" + 님 = "민수님").
"""

from __future__ import annotations

import re
import unicodedata

from models import Mention

GENERIC = {"ja": "お客様", "ko": "고객님", "en": "there"}
PLACEHOLDERS = frozenset({"a google user", "google user", "anonymous", "anonymous user", "[deleted]", "deleted",
                          "匿名", "匿名希望", "名無し", "ななし", "익명", "익명의 사용자"})
MAX_NAME = 24
# Where a display name's decoration starts: "田中 優子 | 2児のママ", "ゆうこ@ダイエット中", "민수 (서울)".
DECORATION = re.compile(r"\s*[|｜/／@＠(（【\[「].*$")
WRITTEN_LATIN_NAME = re.compile(r"[A-Z][a-z'’\-]*(?:\.? ?[A-Z][a-z'’\-]*)*\.?")  # Ken, Mika Tanaka, Yoko.S
TEMPLATE_HONORIFICS = {"ja": ("様", "さま", "さん", "殿"), "ko": ("님", "씨")}
# A name ending in one of these already says all the reply should: the template's honorific is dropped.
TITLES = ("お客様", "お客さま", "先生", "고객님", "선생님")
# A name ending in one of these gives way to the template's (a business reply writes 様 / 님, not さん / 씨).
PLAIN_HONORIFICS = ("さん", "さま", "様", "殿", "氏", "くん", "君", "ちゃん", "님", "씨")


def customer_name(mention: Mention, language: str) -> str:
    """The name a reply in `language` (en, ja, ko) uses for the mention's author, or the generic form."""
    name = usable_name(mention.author, language)
    return name or GENERIC.get(language, GENERIC["en"])


def usable_name(raw: str, language: str) -> str:
    """The author field as a name, or "" when it is not one (see the module docstring)."""
    name = unicodedata.normalize("NFKC", raw).strip().lstrip("@").strip()
    name = name.split("@", 1)[0] if "@" in name and name.isascii() else name  # user@mastodon.social
    name = " ".join(DECORATION.sub("", name).split())
    name = "".join(char for char in name if not unicodedata.category(char).startswith(("S", "C"))).strip()
    if not any(char.isalpha() for char in name) or name.casefold() in PLACEHOLDERS or len(name) > MAX_NAME:
        return ""
    if language in ("ja", "ko") and name.isascii() and not WRITTEN_LATIN_NAME.fullmatch(name):
        return ""  # "kazu_0808様" addresses a handle; "Ken様" is a name
    return name


def join_honorific(value: str, following: str, language: str) -> tuple[str, str]:
    """(value, following) with one honorific between them: the template's, unless the value ends in a title."""
    suffix = next((honorific for honorific in TEMPLATE_HONORIFICS.get(language, ())
                   if following.startswith(honorific)), None)
    if suffix is None:
        return value, following
    if value.endswith(TITLES):
        return value, following[len(suffix):]
    own = next((honorific for honorific in PLAIN_HONORIFICS if value.endswith(honorific)), None)
    if own is not None and len(value) > len(own):
        return value[:-len(own)].rstrip(), following
    return value, following
