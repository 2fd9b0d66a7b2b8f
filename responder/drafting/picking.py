"""Picking a saved reply by hand for a draft: the choices for a mention, best fits first, and using one.

The choices are ordered the way drafting matches (responder.drafting.rules.match_saved_reply), so the first one is
the reply drafting would choose: fitting replies in the mention's language, then fitting English ones, then
the rest, which a person may still pick when the scores got the mention wrong. Using one counts as editing:
the picker becomes the draft's last editor, so the four-eyes rule keeps them from approving it themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from models import AuditEvent, Mention, Reply, ReplyStatus, SavedReply, User, record_event
from responder.drafting import selection
from responder.drafting.rules import MAX_REASON, drafting_variables, drafts_made_from, pick_wording
from responder.drafting.selection import FALLBACK_LANGUAGE, Profile, profile_of, wordings
from responder.drafting.variables import Workspace, render
from responder.replies.service import ReplyStateError, clean_text, require_status, require_version, set_text
from responder.replies.states import bump

PREVIEW_CHARS = 90


class SavedReplyUnavailable(ReplyStateError):
    """The picked saved reply is switched off (or gone): nothing was changed."""


@dataclass(frozen=True)
class Choice:
    saved_reply_id: int
    name: str
    language: str
    topic: str | None
    sentiment: str | None
    network: str | None
    intent: str | None
    channel: str | None
    preview: str  # the start of the text it would draft for this mention, on one line
    group: str  # where it ranks: "Fits this mention", "Fits, in English", "Other replies in ja", ...

    @property
    def fits(self) -> bool:
        return self.group.startswith("Fits")

    @property
    def description(self) -> str:
        """'ja · delivery · negative · x', or 'ja · general' for a reply that answers anything."""
        scope = [value for value in (self.intent, self.topic, self.sentiment, self.network, self.channel) if value]
        return " · ".join([self.language, *(scope or ["general"])])


def saved_reply_choices(session: Session, mention: Mention, workspace: Workspace,
                        agent: User | None = None) -> list[Choice]:
    """Every active saved reply (one query), best fits for this mention first."""
    active = session.exec(select(SavedReply).where(col(SavedReply.active))).all()
    profile = profile_of(mention)
    variables = drafting_variables(session, mention, workspace, agent, profile)
    tiers = {id(saved): _tier(saved, profile) for saved in active}
    ranked = sorted(active, key=lambda saved: (tiers[id(saved)], -selection.score(saved, profile), saved.id or 0))
    return [Choice(saved_reply_id=_saved_id(saved), name=saved.name, language=saved.language, topic=saved.topic,
                   sentiment=saved.sentiment, network=saved.network, intent=saved.intent, channel=saved.channel,
                   preview=_preview(render(saved.body, variables).text),
                   group=_group_label(tiers[id(saved)], mention)) for saved in ranked]


def group_choices(choices: list[Choice]) -> list[tuple[str, list[Choice]]]:
    """The choices in their groups, keeping their order (for <optgroup>s)."""
    groups: dict[str, list[Choice]] = {}
    for choice in choices:
        groups.setdefault(choice.group, []).append(choice)
    return list(groups.items())


def use_saved_reply(session: Session, reply: Reply, saved: SavedReply, *, user: User, expected_version: int,
                    workspace: Workspace) -> Reply:
    """Replace the draft with `saved` rendered for its mention, as drafting would (next wording, variables
    filled, {?prompted} fields kept). Raises ReplyStateError, StaleReplyError or SavedReplyUnavailable
    before anything changes."""
    require_status(reply, ReplyStatus.draft)
    require_version(reply, expected_version)
    if not saved.active:
        raise SavedReplyUnavailable(f"The saved reply '{saved.name}' is switched off; pick another one.")
    mention = session.get_one(Mention, reply.mention_id)
    profile = profile_of(mention)
    index, body = pick_wording(saved, drafts_made_from(session, saved),
                               tuple(selection.author_history(session, mention)))
    previous_text = reply.text
    text = render(body, drafting_variables(session, mention, workspace, user, profile)).text
    text = selection.fill_order_number(text, profile.order_number)
    cleared = set_text(reply, clean_text(text), user=user)
    reply.saved_reply_id = saved.id
    reply.draft_reason = _reason(user, saved, index)
    bump(reply)
    record_event(session, "reply.saved_reply_used", actor=user, mention_id=reply.mention_id, reply_id=reply.id,
                 saved_reply_id=saved.id, saved_reply_name=saved.name, previous_text=previous_text,
                 text=reply.text, version=reply.version, **({"first_approval_cleared": True} if cleared else {}))
    return reply


@dataclass(frozen=True)
class DraftOrigin:
    """Which saved reply wrote a draft, and whether its words were changed by hand (or by the model) since."""

    saved_reply_id: int | None
    saved_reply_name: str | None
    edited: bool


# The draft's text over time, from its audit trail: a saved reply writes it, an edit changes the words, filling in
# prompted fields does not (data the saved reply asked for).
WRITTEN = ("reply.drafted", "reply.saved_reply_used")
TEXT_EVENTS = (*WRITTEN, "reply.edited", "reply.filled_in")


def draft_origin(session: Session, reply: Reply) -> DraftOrigin:
    saved = session.get(SavedReply, reply.saved_reply_id) if reply.saved_reply_id else None
    events = session.exec(select(AuditEvent).where(AuditEvent.reply_id == reply.id,
                                                   col(AuditEvent.action).in_(TEXT_EVENTS))
                          .order_by(col(AuditEvent.id))).all()
    text, edited = None, False
    for event in events:
        new_text = event.details.get("text")
        if event.action in WRITTEN:
            edited = False
        elif event.action == "reply.edited" and new_text != text:
            edited = True
        text = new_text
    return DraftOrigin(reply.saved_reply_id, saved.name if saved else None, edited)


def _tier(saved: SavedReply, profile: Profile) -> int:
    """0 fits in the mention's language, 1 fits in English, 2 and 3 the same languages without fitting,
    4 and 5 other languages (fitting first)."""
    language = profile.language
    fits = selection.fits(saved, profile)
    if saved.language == language:
        return 0 if fits else 2
    if saved.language == FALLBACK_LANGUAGE:
        return 1 if fits else 3
    return 4 if fits else 5


def _group_label(tier: int, mention: Mention) -> str:
    language = mention.language or FALLBACK_LANGUAGE
    in_language = "English" if language == FALLBACK_LANGUAGE else language
    return ("Fits this mention", "Fits, in English", f"Other replies in {in_language}", "Other replies in English",
            "Other languages", "Other languages")[tier]


def _preview(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= PREVIEW_CHARS else line[: PREVIEW_CHARS - 1].rstrip() + "…"


def _reason(user: User, saved: SavedReply, wording: int) -> str:
    reason = f"picked by {user.email}: saved reply '{saved.name}'"
    count = len(wordings(saved))
    if count > 1:
        reason += f" · wording {wording + 1} of {count}"
    return reason[:MAX_REASON]


def _saved_id(saved: SavedReply) -> int:
    if saved.id is None:
        raise ValueError("a saved reply must be flushed before it is offered")
    return saved.id
