"""The inbox page: cards that are links and open in the detail pane over htmx, the pane's partial, saved views per
person, and the time zone times are shown in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

from flask.testing import FlaskClient
from sqlmodel import Session, select

from models import AuditEvent, Mention, Reply, User
from models.saved_view import SavedView
from tests.web.web_helpers import post_form

PANE = {"HX-Request": "true", "HX-Target": "detail-pane"}


def test_each_card_is_a_link_that_opens_beside_the_list(client: FlaskClient, logged_in: Callable[[str], User],
                                                        make_draft: Callable[..., Reply], db_session: Session) -> None:
    logged_in("agent")
    reply = make_draft(text="We are on it.\nSecond line.", topics=["delivery"], sentiment="negative",
                       confidence=0.9, complaint=0.8)
    html = client.get("/queue").get_data(as_text=True)
    href = f"/mentions/{reply.mention_id}"
    assert f'href="{href}" hx-get="{href}"' in html
    assert f'hx-target="#detail-pane" hx-push-url="/queue?tab=awaiting&amp;open={reply.mention_id}"' in html
    assert 'id="detail-pane"' in html
    assert "Complaint</span>" in html and '<span class="chip">delivery</span>' in html
    assert '<span class="label">Draft:</span> <bdi>We are on it. Second line.</bdi>' in html
    created = db_session.get_one(Mention, reply.mention_id).created_at
    heard = created.astimezone(timezone.utc) if created.tzinfo else created  # stored times are UTC
    assert f'title="{heard:%Y-%m-%d %H:%M} UTC">' in html  # the exact time on hover
    assert '<details class="filter-more">' in html and 'id="filter-network"' in html  # the form, one click away


def test_the_detail_pane_gets_the_mention_without_the_page(client: FlaskClient, logged_in: Callable[[str], User],
                                                           make_draft: Callable[..., Reply]) -> None:
    logged_in("approver")
    reply = make_draft()
    response = client.get(f"/mentions/{reply.mention_id}", headers=PANE)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and 'id="queue-filters"' not in html
    assert f"<title>Mention {reply.mention_id} · Earful</title>" in html
    assert 'id="reply-text"' in html and 'id="approve-button"' in html and 'id="reply-count"' in html
    assert {"HX-Request", "HX-Target"} <= set(response.vary)
    # The back button asks for the whole page again.
    restored = client.get(f"/mentions/{reply.mention_id}", headers={**PANE, "HX-History-Restore-Request": "true"})
    assert "<html" in restored.get_data(as_text=True)


def test_the_bulk_bar_appears_only_on_tabs_where_it_applies(client: FlaskClient, logged_in: Callable[[str], User],
                                                            make_mention: Callable[..., Mention]) -> None:
    logged_in("approver")
    make_mention(status="needs_reply")
    make_mention(status="ignored")
    assert 'id="bulk"' in client.get("/queue?tab=needs_reply").get_data(as_text=True)
    assert 'id="bulk"' not in client.get("/queue?tab=posted").get_data(as_text=True)


def test_saved_views_are_personal(client: FlaskClient, db_session: Session, logged_in: Callable[[str], User],
                                  make_user: Callable[..., User]) -> None:
    me = logged_in("agent")
    other = make_user(role="agent")
    db_session.add(SavedView(user_id=other.id, name="Theirs", query="tab=needs_reply&language=de"))
    db_session.flush()
    response = post_form(client, "/queue/views", {"name": "  Complaints in   Japanese ", "tab": "needs_reply",
                                                  "complaint": "yes", "language": "ja", "after": "ignored"})
    assert response.status_code == 302
    assert response.location == "/queue?tab=needs_reply&complaint=yes&language=ja"
    view = db_session.exec(select(SavedView).where(SavedView.user_id == me.id)).one()
    assert (view.name, view.query) == ("Complaints in Japanese", "tab=needs_reply&complaint=yes&language=ja")
    html = client.get(response.location).get_data(as_text=True)
    assert 'href="/queue?tab=needs_reply&amp;complaint=yes&amp;language=ja" aria-current="true"' in html
    assert "Theirs" not in html
    assert db_session.exec(select(AuditEvent).where(AuditEvent.action == "saved_view.created")).one().actor_id == me.id


def test_a_repeated_or_empty_name_is_refused(client: FlaskClient, db_session: Session,
                                             logged_in: Callable[[str], User]) -> None:
    logged_in("agent")
    assert post_form(client, "/queue/views", {"name": "My work", "assignee": "none"}).status_code == 302
    again = post_form(client, "/queue/views", {"name": "my WORK", "tab": "awaiting"})
    assert again.status_code == 302
    assert "You already have a view with this name." in client.get(again.location).get_data(as_text=True)
    post_form(client, "/queue/views", {"name": "   "})
    assert len(db_session.exec(select(SavedView)).all()) == 1
    assert post_form(client, "/queue/views", {"name": "Bad", "language": "english!"}).status_code == 400


def test_only_the_owner_deletes_a_view(client: FlaskClient, db_session: Session, logged_in: Callable[[str], User],
                                       make_user: Callable[..., User]) -> None:
    other = make_user(role="agent")
    theirs = SavedView(user_id=other.id, name="Theirs", query="tab=needs_reply")
    db_session.add(theirs)
    db_session.flush()
    me = logged_in("viewer")
    assert post_form(client, f"/queue/views/{theirs.id}/delete").status_code == 404
    mine = SavedView(user_id=me.id, name="Mine", query="tab=posted")
    db_session.add(mine)
    db_session.flush()
    assert post_form(client, f"/queue/views/{mine.id}/delete").status_code == 302
    db_session.expire_all()
    assert [view.name for view in db_session.exec(select(SavedView)).all()] == ["Theirs"]


def test_the_views_are_read_on_full_pages_only(client: FlaskClient, db_session: Session,
                                               logged_in: Callable[[str], User], app: object) -> None:
    """Switching tabs or filters (htmx) costs no more queries than before: the views sit outside the list body."""
    from sqlalchemy import event

    me = logged_in("agent")
    db_session.add(SavedView(user_id=me.id, name="Mine", query="tab=posted"))
    db_session.flush()
    statements: list[str] = []
    engine = db_session.get_bind().engine

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        client.get("/queue?tab=posted", headers={"HX-Request": "true", "HX-Target": "queue-body"})
        partial = list(statements)
        statements.clear()
        client.get("/queue?tab=posted")
        full = list(statements)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert not [sql for sql in partial if "saved_view" in sql]
    assert len([sql for sql in full if "saved_view" in sql]) == 1
    # Besides the views, the full page adds only what the page frame asks (the nav's open-alerts count).
    assert [sql for sql in full if "saved_view" not in sql and "count(" not in sql][1:-1] == partial[1:-1]


def test_the_time_zone_setting_changes_the_times_shown(client: FlaskClient, db_session: Session,
                                                       logged_in: Callable[[str], User],
                                                       make_mention: Callable[..., Mention]) -> None:
    me = logged_in("agent")
    make_mention(status="needs_reply", created_at=datetime(2026, 11, 5, 14, 0, tzinfo=timezone.utc))
    account = client.get("/account").get_data(as_text=True)
    assert 'name="time_zone"' in account and "The workspace's (UTC)" in account and ">Asia/Tokyo<" in account
    assert post_form(client, "/account/time-zone", {"time_zone": "Asia/Tokyo"},
                     token_from="/account").status_code == 302
    db_session.expire_all()
    assert db_session.get_one(User, me.id).time_zone == "Asia/Tokyo"
    assert 'title="2026-11-05 23:00 JST"' in client.get("/queue").get_data(as_text=True)
    assert '<option value="Asia/Tokyo" selected>' in client.get("/account").get_data(as_text=True)
    post_form(client, "/account/time-zone", {"time_zone": "Mars/Olympus"}, token_from="/account")
    db_session.expire_all()
    assert db_session.get_one(User, me.id).time_zone == "Asia/Tokyo"
    post_form(client, "/account/time-zone", {"time_zone": ""}, token_from="/account")
    db_session.expire_all()
    assert db_session.get_one(User, me.id).time_zone is None
    assert 'title="2026-11-05 14:00 UTC"' in client.get("/queue").get_data(as_text=True)
