"""Saving the queue's current filters as a named view of one's own, and deleting one (inbox.queue.saved_views)."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue

from inbox.queue.params import InvalidQuery, QueueChoices, parse_filters
from inbox.queue.queries import known_sources, staff
from inbox.queue.saved_views import create_view, delete_view, view_query
from models.errors import Invalid
from web.auth.login import acting_user
from web.db import db_session
from web.queue.blueprint import bp


@bp.post("/queue/views")
def save_view() -> ResponseReturnValue:
    """The form sends the view's name and the queue's query string it was shown with."""
    session = db_session()
    (networks, sources), people = known_sources(session), staff(session)
    choices = QueueChoices(networks, [source_id for source_id, _ in sources], [person.id for person in people])
    try:
        filters = parse_filters(request.form, choices)
    except InvalidQuery as error:
        abort(400, str(error))
    try:
        view = create_view(session, acting_user(), request.form.get("name", ""), filters)
    except Invalid as error:
        session.rollback()
        flash("View not saved: " + " ".join(error.errors.values()), "error")
        return redirect(f"{url_for('queue.index')}?{view_query(filters)}")
    session.commit()
    flash(f"Saved the view “{view.name}”.", "success")
    return redirect(f"{url_for('queue.index')}?{view.query}")


@bp.post("/queue/views/<int:view_id>/delete")
def remove_view(view_id: int) -> ResponseReturnValue:
    session = db_session()
    if not delete_view(session, acting_user(), view_id):
        abort(404, "No such view.")
    session.commit()
    flash("View deleted.", "success")
    return redirect(url_for("queue.index"))
