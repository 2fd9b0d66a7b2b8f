"""A mention in its conversation: the post it answers and the other mentions of the same thread, read from what
each collector keeps in Mention.extra (X: referenced_tweets and conversation_id; Reddit: parent_id and link_id;
Hacker News: parent_id and story_id; Mastodon: in_reply_to_id on the instance)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from models import Mention
from models.thread_lookup import thread_lookup

MAX_THREAD_MENTIONS = 10
HN_ITEM = "https://news.ycombinator.com/item?id={}"
PLATFORM_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")
HOST = re.compile(r"[a-z0-9-]+(\.[a-z0-9-]+)+(:[0-9]{1,5})?")


@dataclass(frozen=True)
class ThreadRef:
    """Where a mention sits in its thread, in the network's own ids."""

    parent_id: str | None = None  # the parent's external_id, when the network gives it
    parent_url: str | None = None  # the parent on the platform, for when it is not stored here
    root_id: str | None = None  # the thread's first post (external_id), when it is not the parent
    thread_key: str | None = None  # the thread's lookup value (models.thread_lookup), shared by its mentions
    parent_key: str | None = None  # Mastodon: the parent's lookup value (its id on the instance) ...
    parent_instance: str | None = None  # ... which is only unique with the instance


@dataclass(frozen=True)
class ThreadContext:
    parent: Mention | None
    parent_url: str | None  # set when the parent is known but not stored
    root: Mention | None
    others: list[Mention]  # other stored mentions of the same thread, oldest first

    @property
    def empty(self) -> bool:
        return not (self.parent or self.parent_url or self.root or self.others)


def thread_ref(mention: Mention) -> ThreadRef:
    reader = _READERS.get(mention.network)
    return reader(mention.external_id, mention.extra or {}) if reader else ThreadRef()


def thread_context(session: Session, mention: Mention, *, limit: int = MAX_THREAD_MENTIONS) -> ThreadContext:
    ref = thread_ref(mention)
    parent = _by_external_id(session, mention.network, ref.parent_id) or _by_instance_id(session, mention, ref)
    root = _by_external_id(session, mention.network, ref.root_id)
    known = {m.id for m in (mention, parent, root) if m is not None}
    others = _same_thread(session, mention, ref.thread_key, exclude=known, limit=limit)
    return ThreadContext(parent, None if parent else ref.parent_url, root, others)


def _x(external_id: str, extra: dict[str, Any]) -> ThreadRef:
    references = [r for r in extra.get("referenced") or [] if isinstance(r, dict)]
    replied = [r.get("id") for r in references if r.get("type") == "replied_to"]
    parent = _text(replied[0]) if replied else None
    conversation = _text(extra.get("conversation_id"))
    return ThreadRef(parent_id=parent, parent_url=f"https://x.com/i/web/status/{parent}" if parent else None,
                     root_id=conversation if conversation not in (parent, external_id) else None,
                     thread_key=conversation)


def _reddit(external_id: str, extra: dict[str, Any]) -> ThreadRef:
    parent, link = _text(extra.get("parent_id")), _text(extra.get("link_id"))
    thread = link or (external_id if extra.get("kind") == "submission" else None)
    return ThreadRef(parent_id=parent, parent_url=_reddit_url(parent, link) if parent else None,
                     root_id=link if link != parent else None, thread_key=thread)


def _reddit_url(parent: str, link: str | None) -> str | None:
    kind, _, id36 = parent.partition("_")
    if kind == "t3":
        return f"https://www.reddit.com/comments/{id36}/"
    post = (link or "").partition("_")[2]
    return f"https://www.reddit.com/comments/{post}/_/{id36}/" if kind == "t1" and post else None


def _hackernews(external_id: str, extra: dict[str, Any]) -> ThreadRef:
    parent, story = _number(extra.get("parent_id")), _number(extra.get("story_id"))
    return ThreadRef(parent_id=str(parent) if parent else None,
                     parent_url=HN_ITEM.format(parent) if parent else None,
                     root_id=str(story) if story and story != parent and str(story) != external_id else None,
                     thread_key=str(story) if story else None)


def _mastodon(external_id: str, extra: dict[str, Any]) -> ThreadRef:
    parent, instance = _text(extra.get("in_reply_to_id")), extra.get("instance")
    if not parent or not isinstance(instance, str) or not HOST.fullmatch(instance):
        return ThreadRef()
    # The /web/ path of the instance's own app opens a status by its local id; a private instance may be http.
    scheme = "http" if str(extra.get("instance_url", "")).startswith(f"http://{instance}") else "https"
    return ThreadRef(parent_url=f"{scheme}://{instance}/web/statuses/{parent}", parent_key=parent,
                     parent_instance=instance)


_READERS: dict[str, Callable[[str, dict[str, Any]], ThreadRef]] = {
    "x": _x, "reddit": _reddit, "hackernews": _hackernews, "mastodon": _mastodon,
}


def _by_external_id(session: Session, network: str, external_id: str | None) -> Mention | None:
    if not external_id:
        return None
    statement = select(Mention).where(Mention.network == network, Mention.external_id == external_id)
    return session.exec(statement).first()


def _by_instance_id(session: Session, mention: Mention, ref: ThreadRef) -> Mention | None:
    if not ref.parent_key or not ref.parent_instance:
        return None
    statement = select(Mention).where(Mention.network == mention.network, _lookup(session) == ref.parent_key,
                                      col(Mention.extra)["instance"].as_string() == ref.parent_instance)
    return session.exec(statement.limit(1)).first()


def _same_thread(session: Session, mention: Mention, key: str | None, *, exclude: set[int | None],
                 limit: int) -> list[Mention]:
    if key is None:
        return []
    statement = (select(Mention).where(Mention.network == mention.network, _lookup(session) == key,
                                       col(Mention.id).not_in([i for i in exclude if i is not None]))
                 .order_by(col(Mention.created_at), col(Mention.id)).limit(limit))
    return list(session.exec(statement).all())


def _lookup(session: Session) -> sa.ColumnElement[str]:
    return thread_lookup(session.get_bind().dialect.name)


def _text(value: Any) -> str | None:
    """A platform id as text; anything else (imports may carry any extra) is ignored, never put in a link."""
    text = str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    return text if PLATFORM_ID.fullmatch(text) else None


def _number(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None
