"""The Mastodon status a reply becomes, and its length as Mastodon counts it. No Mastodon.py here: the web
process lints with it.

Mastodon notifies only the accounts a status mentions, and a `direct` status is visible only to them, so a reply
leads with `@user@domain` (the author's acct as the replying instance sees it: `@user` for its own accounts),
keeps the original's content warning, and is never more visible than the original (the official app does the
same: the narrower of the original's visibility and the account's default).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Account::MENTION_RE of Mastodon 4.x; its validator counts a mention as its username part only.
MENTION = re.compile(r"(?<![=/\w])@(?P<user>[a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)(?:@(?P<domain>[\w.-]+\w))?",
                     re.IGNORECASE)
# Any link counts as 23 characters, however long; trailing punctuation is not part of it.
LINK = re.compile(r"https?://[^\s<>\"]*[^\s<>\".,;:!?)\]}'`]", re.IGNORECASE)
LINK_CHARS = 23
ACCT = re.compile(r"^@?(?P<user>[a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)(?:@(?P<domain>[\w.-]+\w))?$", re.IGNORECASE)
VISIBILITIES = ("direct", "private", "unlisted", "public")  # narrowest first


@dataclass(frozen=True)
class OutgoingStatus:
    text: str  # exactly what is sent
    warning: str | None  # spoiler_text
    visibility: str | None  # None: the account's default


def outgoing_status(reply_text: str, author: str | None, warning: str | None, original: str | None,
                    default: str | None) -> OutgoingStatus:
    return OutgoingStatus(addressed(reply_text, author), content_warning(warning) or None,
                          narrower(original, default))


def content_warning(original: str | None) -> str:
    """The original's content warning as the reply repeats it; "" for none."""
    return (original or "").strip()


def addressed(text: str, author: str | None) -> str:
    """The reply led by `@acct ` unless it already mentions the author (anywhere, as Mastodon would read it)."""
    acct = ACCT.match((author or "").strip())
    if acct is None or _key(acct) in mentioned(text):
        return text
    return f"@{acct['user']}@{acct['domain']} {text}" if acct["domain"] else f"@{acct['user']} {text}"


def author_acct(author: str | None) -> tuple[str, str | None] | None:
    """The author's (user, domain) as the reply will @mention them; domain None for the replying instance's own
    accounts; None when the author is no account (nobody is mentioned)."""
    acct = ACCT.match((author or "").strip())
    return (acct["user"], acct["domain"]) if acct else None


def posted_length(reply_text: str, author: str | None, warning: str | None) -> int:
    """Mastodon's count of the status the reply becomes (see outgoing_status)."""
    return counted_length(addressed(reply_text, author), content_warning(warning))


def mentioned(text: str) -> set[tuple[str, str | None]]:
    return {_key(match) for match in MENTION.finditer(text)}


def counted_length(text: str, warning: str | None = None) -> int:
    """Mastodon's count: the content warning plus the text, each link as 23 and each mention as `@user`. Code
    points, where Mastodon counts grapheme clusters: an emoji sequence counts more here, never less."""
    shortened = MENTION.sub(lambda m: "@" + m["user"], LINK.sub("x" * LINK_CHARS, text))
    return len(warning or "") + len(shortened)


def narrower(original: str | None, default: str | None) -> str | None:
    """The narrower of two visibilities; an unknown one does not count. None: let the account's default apply."""
    known = [value for value in (original, default) if value in VISIBILITIES]
    return min(known, key=VISIBILITIES.index) if known else None


def _key(match: re.Match[str]) -> tuple[str, str | None]:
    return match["user"].lower(), match["domain"].lower() if match["domain"] else None
