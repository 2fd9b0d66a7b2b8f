"""The text of a mention as the rest of Earful reads it: a review's title and body together, in one place."""

from __future__ import annotations

from typing import Protocol

SENTENCE_END = (".", "!", "?", "。", "！", "？")


class Titled(Protocol):
    """A stored Mention or a collected RawMention."""

    @property
    def title(self) -> str | None: ...

    @property
    def text(self) -> str: ...


def title_and_text(mention: Titled) -> str:
    """What listening queries, alert rules and similar replies read: the title, when there is one, above the body."""
    return f"{mention.title}\n{mention.text}" if mention.title else mention.text


def scored_text(mention: Titled) -> str:
    """What the model scores. A review's title often carries its verdict ("Broke after a week"), so it is scored
    with the body. The title is closed as a sentence: cleaning turns the line break into a space, and a reason
    phrase must not run from the title into the body ("week Terrible")."""
    if not mention.title:
        return mention.text
    title = mention.title.rstrip()
    return f"{title}{'' if title.endswith(SENTENCE_END) else '.'}\n{mention.text}"
