"""Read-only queue pages: the list with tabs, filters, search and sorts, and one mention with its reply."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from flask import abort, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlmodel import Session

from inbox.queue.cursor import SORT_LABELS, Cursor
from inbox.queue.detail import Conflict, MentionDetail, mention_detail
from inbox.queue.filters import QueueFilters
from inbox.queue.params import InvalidQuery, QueueChoices, parse_cursor, parse_filters, parse_open
from inbox.queue.presence import other_viewers, record_leave, record_view
from inbox.queue.queries import (
    APPROVER_ROLES,
    SENTIMENTS,
    Person,
    known_sources,
    opening_tab,
    queue_page,
    staff,
)
from inbox.queue.saved_views import saved_views, view_query
from inbox.queue.tabs import BULK_ACTIONS, TAB_LABELS
from listener.threads import thread_context
from models import Mention, ReplyStatus, Role
from reports.authors import author_history, repeat_complainers
from responder.drafting.picking import Choice, DraftOrigin, draft_origin, group_choices, saved_reply_choices
from responder.drafting.rules import no_reply_reason
from responder.drafting.variables import Workspace
from web.auth.login import acting_user
from web.db import db_session
from web.extensions import app_settings
from web.queue.blueprint import bp
from web.queue.counts import cached_tab_counts, remembered_tab_counts
from web.queue.htmx import allow_self_approval, vary_on_htmx, wants_partial

QUEUE_BODY = "queue-body"
DETAIL_PANE = "detail-pane"  # the inbox's right-hand pane on wide screens: the mention without the page around it


@bp.get("/")
def home() -> ResponseReturnValue:
    return redirect(url_for("queue.index"))


@bp.get("/queue")
def index() -> ResponseReturnValue:
    session = db_session()
    (networks, sources), people = known_sources(session), staff(session)
    filters, after = _queue_query(sources, people, networks)
    open_id, partial = _open_id(), wants_partial(QUEUE_BODY)
    # Before the list: its query leaves out columns a card does not show, and the pane needs the whole mention.
    opened, status = _opened_beside_list(session, open_id) if open_id and not partial else ({}, 200)
    counts = remembered_tab_counts(filters)
    if not request.args.get("tab"):
        filters = replace(filters, tab=opening_tab(session, filters, counts))
    page = queue_page(session, filters, after=after, for_cards=True)
    context: dict[str, Any] = {
        **opened, "page": page, "counts": counts,
        "repeat_authors": repeat_complainers(session, [(row.mention.network, row.mention.author_id)
                                                       for row in page.rows]),
        "filters": filters, "filter_args": filters.url_args(), "first_page": after is None,
        "networks": networks, "sources": sources, "people": people, "sentiments": SENTIMENTS,
        "tabs": TAB_LABELS, "sorts": SORT_LABELS, "me": acting_user().id, "bulk_actions": BULK_ACTIONS[filters.tab],
        "assignee_emails": {person.id: person.email for person in people}, "mention_href": _mention_href(),
        "open_href": _open_href(filters, after), "open_id": open_id,
    }
    if not partial:  # the views sit outside the list's body: a filter or tab change does not read them again
        context["views"], context["current_view"] = saved_views(session, acting_user().id or 0), view_query(filters)
    template = "queue/_body.html" if partial else "queue/index.html"
    return vary_on_htmx(make_response(render_template(template, partial=partial, **context), status))


@bp.get("/queue/counts")
def counts() -> ResponseReturnValue:
    """The tabs with their counts, asked for by the queue page when this process had not counted them lately."""
    session = db_session()
    (networks, sources), people = known_sources(session), staff(session)
    filters, _after = _queue_query(sources, people, networks)
    return render_template("queue/_counts.html", counts=cached_tab_counts(session, filters), filters=filters,
                           filter_args=filters.url_args(), tabs=TAB_LABELS)


def _queue_query(sources: list[tuple[int, str]], people: list[Person],
                 networks: list[str]) -> tuple[QueueFilters, Cursor | None]:
    choices = QueueChoices(networks, [source_id for source_id, _ in sources], [person.id for person in people])
    try:
        filters = parse_filters(request.args, choices)
        return filters, parse_cursor(request.args.get("after"), filters.sort)
    except InvalidQuery as error:
        abort(400, str(error))


def _mention_href() -> Callable[[int], str]:
    """The mention page's URL for an id, built once per page instead of url_for once per card."""
    prefix = url_for("queue.mention", mention_id=0).removesuffix("0")
    return lambda mention_id: f"{prefix}{mention_id}"


def _open_id() -> int | None:
    """The mention the list shows opened beside it; checked on htmx requests too, which carry it for the URL."""
    try:
        return parse_open(request.args.get("open"))
    except InvalidQuery as error:
        abort(400, str(error))


def _open_href(filters: QueueFilters, after: Cursor | None) -> Callable[[int], str]:
    """The URL a card pushes as it opens beside the list: this list (tab, filters, page) with open=<id>, which
    shows the same list and mention again on a reload, in a new tab and on back/forward."""
    args: dict[str, Any] = {"tab": filters.tab.value, **filters.url_args(),
                            **({"after": after.encode()} if after else {})}
    prefix = f"{url_for('queue.index', **args)}&open="
    return lambda mention_id: f"{prefix}{mention_id}"


def _opened_beside_list(session: Session, mention_id: int) -> tuple[dict[str, Any], int]:
    """The pane's context for a mention opened from the URL (what the pane's own request would show), or a notice
    with a 404 when there is no such mention; the list shows either way."""
    mention = session.get(Mention, mention_id)
    if mention is None:
        return {"open_missing": mention_id}, 404
    record_view(session, mention_id, acting_user())
    session.commit()
    return _mention_view_context(session, mention, None), 200


@bp.get("/mentions/<int:mention_id>")
def mention(mention_id: int) -> ResponseReturnValue:
    session = db_session()
    found = get_mention(session, mention_id)
    record_view(session, mention_id, acting_user())
    session.commit()
    return render_mention(session, found)


@bp.get("/mentions/<int:mention_id>/presence")
def presence(mention_id: int) -> ResponseReturnValue:
    """Polled by the open mention page; each poll also counts as still viewing."""
    session = db_session()
    get_mention(session, mention_id)
    record_view(session, mention_id, acting_user())
    session.commit()
    return render_template("queue/_presence.html", viewers=other_viewers(session, mention_id, acting_user()),
                           mention_id=mention_id)


@bp.post("/mentions/<int:mention_id>/presence/leave")
def presence_left(mention_id: int) -> ResponseReturnValue:
    """Sent by the mention page as it goes away (navigator.sendBeacon), so others stop seeing this viewer now."""
    session = db_session()
    get_mention(session, mention_id)
    record_leave(session, mention_id, acting_user())
    session.commit()
    return "", 204


def render_mention(session: Session, mention: Mention, *, conflict: Conflict | None = None,
                   status: int = 200) -> ResponseReturnValue:
    context = _mention_view_context(session, mention, conflict)
    if wants_partial(DETAIL_PANE):
        return vary_on_htmx(make_response(render_template("queue/_mention_pane.html", **context), status))
    return vary_on_htmx(make_response(render_template("queue/mention.html", **context), status))


def render_reply_section(session: Session, mention: Mention, *, conflict: Conflict | None = None,
                         notice: str | None = None, error: str | None = None, status: int = 200) -> ResponseReturnValue:
    """The reply section alone (and the history, out of band) for an htmx save, approve or undo."""
    context = _mention_context(session, mention, conflict)
    return render_template("queue/_reply_partial.html", notice=notice, error=error, **context), status


def _mention_view_context(session: Session, mention: Mention, conflict: Conflict | None) -> dict[str, Any]:
    """The mention page's (and the pane's) context: the mention's own, and who else is viewing it."""
    assert mention.id is not None
    return {**_mention_context(session, mention, conflict),
            "viewers": other_viewers(session, mention.id, acting_user())}


def _mention_context(session: Session, mention: Mention, conflict: Conflict | None) -> dict[str, Any]:
    detail = mention_detail(session, mention)
    return {"detail": detail, "conflict": conflict, "people": staff(session),
            "approvers": staff(session, APPROVER_ROLES), "self_approval": allow_self_approval(),
            "me": acting_user().id, "thread": thread_context(session, mention),
            "author_history": author_history(session, mention),
            "saved_reply_groups": group_choices(_saved_reply_choices(session, detail)),
            "no_draft_reason": _no_draft_reason(detail), "draft_origin": _draft_origin(session, detail)}


def _draft_origin(session: Session, detail: MentionDetail) -> DraftOrigin | None:
    """Where an open draft's words came from; only a draft shows "Why this draft" and the picker."""
    if detail.reply is None or detail.reply.status != ReplyStatus.draft.value:
        return None
    return draft_origin(session, detail.reply)


def _no_draft_reason(detail: MentionDetail) -> str | None:
    """Why drafting skipped a mention that never had a reply; a closed reply explains itself."""
    if detail.reply is not None or detail.last_closed is not None:
        return None
    return no_reply_reason(detail.mention)


def _saved_reply_choices(session: Session, detail: MentionDetail) -> list[Choice]:
    """Only an open draft, seen by an agent or above, offers the saved-reply picker; nobody else pays the query."""
    user = acting_user()
    if detail.reply is None or detail.reply.status != ReplyStatus.draft.value or not user.has_role(Role.agent):
        return []
    return saved_reply_choices(session, detail.mention, Workspace.from_settings(app_settings()), user)


def get_mention(session: Session, mention_id: int) -> Mention:
    mention = session.get(Mention, mention_id)
    if mention is None:
        abort(404, "No such mention.")
    return mention
