"""A person's saved queue views: create (from the queue's own parsed filters), list, delete. Flask-free."""

from __future__ import annotations

from urllib.parse import urlencode

from sqlmodel import Session, col, select

from inbox.queue.filters import QueueFilters
from models import User, record_event
from models.errors import Invalid
from models.saved_view import MAX_VIEW_NAME, MAX_VIEW_QUERY, SavedView

MAX_VIEWS_PER_USER = 30


def view_query(filters: QueueFilters) -> str:
    """The query string a view keeps: the tab and every filter, as the queue's links write them (no page)."""
    return urlencode({"tab": filters.tab.value, **filters.url_args()})


def saved_views(session: Session, user_id: int) -> list[SavedView]:
    statement = select(SavedView).where(SavedView.user_id == user_id).order_by(col(SavedView.name))
    return list(session.exec(statement.limit(MAX_VIEWS_PER_USER)).all())


def create_view(session: Session, user: User, name: str, filters: QueueFilters) -> SavedView:
    """Raises Invalid (errors by field) for an empty, long or repeated name, or one view too many."""
    assert user.id is not None
    cleaned = " ".join(name.split())
    query = view_query(filters)
    errors = _name_errors(session, user.id, cleaned)
    if len(query) > MAX_VIEW_QUERY:
        errors["query"] = "These filters are too long to save."
    if errors:
        raise Invalid(errors)
    view = SavedView(user_id=user.id, name=cleaned, query=query)
    session.add(view)
    session.flush()
    record_event(session, "saved_view.created", actor=user, view_id=view.id, name=cleaned, query=query)
    return view


def _name_errors(session: Session, user_id: int, name: str) -> dict[str, str]:
    if not name:
        return {"name": "Give the view a name."}
    if len(name) > MAX_VIEW_NAME:
        return {"name": f"A name is at most {MAX_VIEW_NAME} characters."}
    mine = saved_views(session, user_id)
    if any(view.name.casefold() == name.casefold() for view in mine):
        return {"name": "You already have a view with this name."}
    if len(mine) >= MAX_VIEWS_PER_USER:
        return {"name": f"You can keep at most {MAX_VIEWS_PER_USER} views; delete one first."}
    return {}


def delete_view(session: Session, user: User, view_id: int) -> bool:
    """Only the owner's own view; False when there is no such view of theirs."""
    view = session.get(SavedView, view_id)
    if view is None or view.user_id != user.id:
        return False
    session.delete(view)
    record_event(session, "saved_view.deleted", actor=user, view_id=view_id, name=view.name)
    session.flush()
    return True
