"""Read-only queue pages: the list with tabs and filters, and one mention with its reply."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlmodel import Session

from models import Mention
from web.db import db_session
from web.queue.blueprint import bp
from web.queue.detail import Conflict, mention_detail
from web.queue.params import InvalidQuery, parse_cursor, parse_filters
from web.queue.queries import SENTIMENTS, TAB_LABELS, QueueFilters, known_networks, queue_page


@bp.get("/")
def home() -> ResponseReturnValue:
    return redirect(url_for("queue.index"))


@bp.get("/queue")
def index() -> ResponseReturnValue:
    session = db_session()
    networks = known_networks(session)
    try:
        filters = parse_filters(request.args, networks)
        before = parse_cursor(request.args.get("before"))
    except InvalidQuery as error:
        abort(400, str(error))
    page = queue_page(session, filters, before=before)
    return render_template("queue/index.html", page=page, filters=filters, networks=networks,
                           sentiments=SENTIMENTS, tabs=TAB_LABELS, filter_args=_filter_args(filters),
                           first_page=before is None)


@bp.get("/mentions/<int:mention_id>")
def mention(mention_id: int) -> ResponseReturnValue:
    session = db_session()
    return render_mention(session, get_mention(session, mention_id))


def render_mention(session: Session, mention: Mention, *, conflict: Conflict | None = None,
                   status: int = 200) -> ResponseReturnValue:
    detail = mention_detail(session, mention)
    return render_template("queue/mention.html", detail=detail, conflict=conflict), status


def get_mention(session: Session, mention_id: int) -> Mention:
    mention = session.get(Mention, mention_id)
    if mention is None:
        abort(404, "No such mention.")
    return mention


def _filter_args(filters: QueueFilters) -> dict[str, Any]:
    """The current filters as url_for arguments, so tab and page links keep them."""
    values = {"network": filters.network, "sentiment": filters.sentiment, "language": filters.language}
    return {name: value for name, value in values.items() if value}
