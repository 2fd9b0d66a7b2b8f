"""Saved queue views and the time-zone setting, as the services keep them (no Flask)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlmodel import Session, select

from inbox.queue.cursor import QueueSort
from inbox.queue.filters import QueueFilters
from inbox.queue.saved_views import MAX_VIEWS_PER_USER, create_view, delete_view, saved_views, view_query
from inbox.queue.tabs import QueueTab
from inbox.queue.time_zone import set_time_zone, zone_names
from models import AuditEvent, User
from models.errors import Invalid


def test_a_view_keeps_the_tab_and_every_filter_but_no_page() -> None:
    filters = QueueFilters(tab=QueueTab.awaiting, sort=QueueSort.waiting, complaint=True, language="ja", q="返品")
    assert view_query(filters) == "tab=awaiting&complaint=yes&language=ja&q=%E8%BF%94%E5%93%81&sort=waiting"
    assert view_query(QueueFilters()) == "tab=needs_reply"


def test_views_are_listed_by_name_per_person(db_session: Session, make_user: Callable[..., User]) -> None:
    me, other = make_user(role="agent"), make_user(role="agent")
    create_view(db_session, me, "My work", QueueFilters(assignee=str(me.id)))
    create_view(db_session, me, "Complaints in Japanese", QueueFilters(complaint=True, language="ja"))
    create_view(db_session, other, "My work", QueueFilters())
    assert me.id is not None
    assert [view.name for view in saved_views(db_session, me.id)] == ["Complaints in Japanese", "My work"]
    actions = db_session.exec(select(AuditEvent.action).where(AuditEvent.actor_id == me.id)).all()
    assert actions == ["saved_view.created", "saved_view.created"]


@pytest.mark.parametrize(("name", "message"), [("", "Give the view a name."), ("x" * 61, "at most 60"),
                                               ("my work", "already have a view")])
def test_bad_names_are_refused(db_session: Session, make_user: Callable[..., User], name: str, message: str) -> None:
    me = make_user(role="agent")
    create_view(db_session, me, "My work", QueueFilters())
    with pytest.raises(Invalid, match=message):
        create_view(db_session, me, name, QueueFilters())


def test_a_person_keeps_a_bounded_number_of_views(db_session: Session, make_user: Callable[..., User]) -> None:
    me = make_user(role="agent")
    for n in range(MAX_VIEWS_PER_USER):
        create_view(db_session, me, f"View {n:02}", QueueFilters())
    with pytest.raises(Invalid, match="at most"):
        create_view(db_session, me, "One more", QueueFilters())


def test_only_the_owner_deletes(db_session: Session, make_user: Callable[..., User]) -> None:
    me, other = make_user(role="agent"), make_user(role="agent")
    view = create_view(db_session, me, "Mine", QueueFilters())
    assert view.id is not None and me.id is not None
    assert delete_view(db_session, other, view.id) is False
    assert delete_view(db_session, me, view.id) is True
    assert saved_views(db_session, me.id) == []
    assert delete_view(db_session, me, view.id) is False


def test_the_time_zone_is_an_iana_name_or_the_workspaces(db_session: Session, make_user: Callable[..., User]) -> None:
    me = make_user(role="viewer")
    assert "Asia/Tokyo" in zone_names() and "UTC" in zone_names() and "EST5EDT" not in zone_names()
    assert set_time_zone(db_session, me, " Asia/Tokyo ") is True and me.time_zone == "Asia/Tokyo"
    assert set_time_zone(db_session, me, "Asia/Tokyo") is False
    with pytest.raises(Invalid):
        set_time_zone(db_session, me, "Tokyo")
    assert set_time_zone(db_session, me, "") is True and me.time_zone is None
