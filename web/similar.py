"""Beside the draft: replies approved for similar mentions. The vectors were stored by a worker, so this only
compares them (no model in the web process); it is fetched after the mention page (htmx) because it reads
up to a few thousand vectors, and without JavaScript it is a link to the same list."""

from __future__ import annotations

from flask import Blueprint, abort, make_response, render_template
from flask.typing import ResponseReturnValue

from models import Mention
from responder.drafting.similar import similar_replies
from web.db import db_session
from web.queue.htmx import vary_on_htmx, wants_partial

bp = Blueprint("similar", __name__)
TARGET = "similar-replies"


@bp.get("/mentions/<int:mention_id>/similar")
def for_mention(mention_id: int) -> ResponseReturnValue:
    session = db_session()
    mention = session.get(Mention, mention_id)
    if mention is None:
        abort(404, "No such mention.")
    found = similar_replies(session, mention)
    template = "queue/_similar_list.html" if wants_partial(TARGET) else "queue/similar_page.html"
    return vary_on_htmx(make_response(render_template(template, similar=found, mention=mention)))
