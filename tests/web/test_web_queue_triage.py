"""Assign, ignore and escalate a mention, and the queue's bulk actions, through plain forms (PRG)."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from sqlmodel import Session, col, select
from werkzeug.test import TestResponse

from models import AuditEvent, Mention, Reply, User
from tests.web.web_helpers import RecordingDispatcher, csrf_token, post_form


def _events(db_session: Session, mention_id: int | None) -> list[AuditEvent]:
    statement = select(AuditEvent).where(AuditEvent.mention_id == mention_id).order_by(col(AuditEvent.id))
    return [event for event in db_session.exec(statement).all() if event.action != "mention.viewed"]


def _reload(db_session: Session, model: type[Mention] | type[Reply], row_id: int | None) -> Mention | Reply:
    db_session.expire_all()
    found = db_session.get(model, row_id)
    assert found is not None
    return found


def test_assign_and_unassign(client: FlaskClient, db_session: Session, logged_in: Callable[[str], User],
                             make_mention: Callable[..., Mention], make_user: Callable[..., User]) -> None:
    logged_in("agent")
    colleague = make_user(role="agent")
    mention = make_mention(status="needs_reply")
    page = f"/mentions/{mention.id}"
    response = post_form(client, f"{page}/assign", {"assignee": str(colleague.id)}, token_from=page)
    assert response.status_code == 302 and response.location == page
    assert _reload(db_session, Mention, mention.id).assignee_id == colleague.id  # type: ignore[union-attr]
    assert f"Assigned: {colleague.email}" in client.get(page).get_data(as_text=True)
    assert post_form(client, f"{page}/assign", {"assignee": ""}, token_from=page).status_code == 302
    assert _reload(db_session, Mention, mention.id).assignee_id is None  # type: ignore[union-attr]
    assert [e.details["assignee"] for e in _events(db_session, mention.id)] == [colleague.email, None]


def test_assign_refuses_viewers_and_unknown_users(client: FlaskClient, logged_in: Callable[[str], User],
                                                  make_mention: Callable[..., Mention],
                                                  make_user: Callable[..., User]) -> None:
    logged_in("agent")
    mention = make_mention(status="needs_reply")
    page = f"/mentions/{mention.id}"
    viewer = make_user(role="viewer")
    assert post_form(client, f"{page}/assign", {"assignee": str(viewer.id)}, token_from=page).status_code == 409
    assert post_form(client, f"{page}/assign", {"assignee": "999999"}, token_from=page).status_code == 400


def test_ignore_closes_open_drafts(client: FlaskClient, db_session: Session, logged_in: Callable[[str], User],
                                   make_draft: Callable[..., Reply]) -> None:
    logged_in("agent")
    reply = make_draft()
    page = f"/mentions/{reply.mention_id}"
    response = post_form(client, f"{page}/ignore", {"note": "spam account"}, token_from=page)
    assert response.status_code == 302
    assert _reload(db_session, Mention, reply.mention_id).status == "ignored"
    assert _reload(db_session, Reply, reply.id).status == "rejected"
    ignored = _events(db_session, reply.mention_id)[-1]
    assert (ignored.action, ignored.details["note"], ignored.details["previous_status"]) == (
        "mention.ignored", "spam account", "needs_reply")
    assert post_form(client, f"{page}/ignore", token_from=page).status_code == 409  # already ignored


def test_ignore_refuses_an_approved_reply(client: FlaskClient, db_session: Session,
                                          logged_in: Callable[[str], User], make_draft: Callable[..., Reply]) -> None:
    logged_in("agent")
    reply = make_draft()
    reply.status = "approved"
    db_session.flush()
    page = f"/mentions/{reply.mention_id}"
    assert post_form(client, f"{page}/ignore", token_from=page).status_code == 409
    assert _reload(db_session, Mention, reply.mention_id).status == "needs_reply"


def test_escalate_assigns_an_approver_and_records_why(client: FlaskClient, db_session: Session,
                                                      logged_in: Callable[[str], User],
                                                      make_mention: Callable[..., Mention],
                                                      make_user: Callable[..., User]) -> None:
    logged_in("agent")
    approver, agent = make_user(role="approver"), make_user(role="agent")
    mention = make_mention(status="needs_reply")
    page = f"/mentions/{mention.id}"
    response = post_form(client, f"{page}/escalate", {"approver": str(approver.id), "note": "legal threat"},
                         token_from=page)
    assert response.status_code == 302
    assert _reload(db_session, Mention, mention.id).assignee_id == approver.id  # type: ignore[union-attr]
    event = _events(db_session, mention.id)[-1]
    assert (event.action, event.details["assignee"], event.details["note"]) == (
        "mention.escalated", approver.email, "legal threat")
    assert post_form(client, f"{page}/escalate", {"approver": str(agent.id)}, token_from=page).status_code == 409
    assert post_form(client, f"{page}/escalate", {}, token_from=page).status_code == 400


def test_bulk_assign_and_ignore(client: FlaskClient, db_session: Session, logged_in: Callable[[str], User],
                                make_mention: Callable[..., Mention]) -> None:
    me = logged_in("agent")
    first, second = make_mention(status="needs_reply"), make_mention(status="needs_reply")
    replied = make_mention(status="replied")
    data = {"action": "assign", "assignee": str(me.id), "next": "/queue?tab=needs_reply&sentiment=negative"}
    response = _bulk(client, data, [first.id, second.id])
    assert response.status_code == 302 and response.location == "/queue?tab=needs_reply&sentiment=negative"
    assert {_reload(db_session, Mention, m.id).assignee_id for m in (first, second)} == {me.id}  # type: ignore[union-attr]

    response = _bulk(client, {"action": "ignore", "note": "duplicates"}, [first.id, replied.id])
    assert response.location == "/queue"
    assert _reload(db_session, Mention, first.id).status == "ignored"
    assert _reload(db_session, Mention, replied.id).status == "replied"
    html = client.get("/queue").get_data(as_text=True)
    assert "Ignored 1 mention. Skipped 1:" in html and f"#{replied.id}: mention {replied.id} is already replied" in html


def test_bulk_approve_skips_drafts_that_fail_lint_or_changed(client: FlaskClient, db_session: Session,
                                                             dispatcher: RecordingDispatcher,
                                                             logged_in: Callable[[str], User],
                                                             make_draft: Callable[..., Reply],
                                                             make_mention: Callable[..., Mention]) -> None:
    logged_in("approver")
    good = make_draft(text="Sorry, a replacement is on its way.")
    unfilled = make_draft(text="Hi {author}, sorry.")
    too_long = make_draft(text="x" * 281, network="x")
    moved = make_draft(text="Fine text")
    no_draft = make_mention(status="needs_reply")
    versions = {f"version-{r.mention_id}": "1" for r in (good, unfilled, too_long, moved)}
    versions[f"version-{moved.mention_id}"] = "0"  # the page showed an older version
    ids = [r.mention_id for r in (good, unfilled, too_long, moved)] + [no_draft.id]
    response = _bulk(client, {"action": "approve", **versions}, ids)
    assert response.status_code == 302
    statuses = [_reload(db_session, Reply, r.id).status for r in (good, unfilled, too_long, moved)]  # type: ignore[union-attr]
    assert statuses == ["approved", "draft", "draft", "draft"]
    assert dispatcher.calls == [("post_reply", good.id)]
    html = client.get("/queue").get_data(as_text=True)
    assert "Approved 1 mention. Skipped 4:" in html
    for why in ("unfilled variables: {author}", "281 characters, over the limit of 280",
                "the draft changed after you loaded the page", "no draft is awaiting approval"):
        assert why in html


def test_bulk_approve_needs_an_approver(client: FlaskClient, db_session: Session, logged_in: Callable[[str], User],
                                        make_draft: Callable[..., Reply]) -> None:
    logged_in("agent")
    reply = make_draft()
    response = _bulk(client, {"action": "approve", f"version-{reply.mention_id}": "1"}, [reply.mention_id])
    assert response.status_code == 403
    assert _reload(db_session, Reply, reply.id).status == "draft"


def test_bulk_rejects_bad_requests(client: FlaskClient, logged_in: Callable[[str], User],
                                   make_mention: Callable[..., Mention]) -> None:
    logged_in("agent")
    mention = make_mention(status="needs_reply")
    assert _bulk(client, {"action": "assign"}, []).status_code == 400
    assert _bulk(client, {"action": "explode"}, [mention.id]).status_code == 400
    assert _bulk(client, {"action": "assign", "next": "https://evil.example/"}, [mention.id]).location == "/queue"


def _bulk(client: FlaskClient, data: dict[str, str], mention_ids: list[int | None]) -> TestResponse:
    form: dict[str, object] = {"csrf_token": _token(client), **data, "mention": [str(i) for i in mention_ids]}
    return client.post("/queue/bulk", data=form)


def _token(client: FlaskClient) -> str:
    return csrf_token(client.get("/queue").get_data(as_text=True))
