"""A second approval required by the mention's source, on the mention page, in bulk and through /api/v1."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session

from models import Mention, Reply, Source, User
from tests.web.test_web_api_support import Headers, api_headers, audit_actions, bearer, reload
from tests.web.web_helpers import RecordingDispatcher, csrf_token, login, post_form

__all__ = ["api_headers"]


@pytest.fixture()
def strict_draft(db_session: Session, make_source: Callable[..., Source],
                 make_mention: Callable[..., Mention]) -> Reply:
    mention = make_mention(status="needs_reply", source_id=make_source(require_second_approval=True).id)
    reply = Reply(mention_id=mention.id, text="Sorry about that. A replacement is on its way.", poster="manual")
    db_session.add(reply)
    db_session.flush()
    return reply


def _page(reply: Reply) -> str:
    return f"/mentions/{reply.mention_id}"


def test_the_mention_page_walks_through_two_approvals(client: FlaskClient, db_session: Session,
                                                      dispatcher: RecordingDispatcher,
                                                      make_user: Callable[..., User], strict_draft: Reply) -> None:
    first, second = make_user(role="approver"), make_user(role="approver")
    login(client, first)
    html = client.get(_page(strict_draft)).get_data(as_text=True)
    assert "0 of 2 approvals" in html and "Approve (1 of 2)" in html and "requires two approvals" in html
    response = post_form(client, f"/replies/{strict_draft.id}/approve", {"text": strict_draft.text, "version": "1"},
                         token_from=_page(strict_draft))
    assert response.status_code == 302
    assert reload(db_session, strict_draft).status == "draft" and dispatcher.calls == []
    html = client.get(_page(strict_draft)).get_data(as_text=True)
    assert "First approval recorded (1 of 2 approvals)" in html and "1 of 2 approvals" in html
    assert 'id="approve-button"' not in html and "a different approver has to give the second" in html
    refused = post_form(client, f"/replies/{strict_draft.id}/approve", {"text": strict_draft.text, "version": "2"},
                        token_from=_page(strict_draft))
    assert refused.status_code == 409 and reload(db_session, strict_draft).status == "draft"

    client.post("/logout", data={"csrf_token": csrf_token(client.get("/queue").get_data(as_text=True))})
    login(client, second)
    html = client.get(_page(strict_draft)).get_data(as_text=True)
    assert f"First approved by {first.email}" in html and "Approve and post" in html
    assert "(1 of 2 approvals)" in client.get("/queue?tab=awaiting").get_data(as_text=True)
    response = post_form(client, f"/replies/{strict_draft.id}/approve", {"text": strict_draft.text, "version": "2"},
                         token_from=_page(strict_draft))
    assert response.status_code == 302
    assert reload(db_session, strict_draft).status == "approved"
    assert dispatcher.calls == [("post_reply", strict_draft.id)]
    assert audit_actions(db_session, strict_draft) == ["reply.first_approved", "reply.approved"]


def test_saving_new_text_clears_the_first_approval(client: FlaskClient, db_session: Session,
                                                   logged_in: Callable[[str], User], make_user: Callable[..., User],
                                                   strict_draft: Reply) -> None:
    from responder.replies.service import approve

    approve(db_session, strict_draft, user=make_user(role="approver"), expected_version=1)
    db_session.flush()
    logged_in("agent")
    post_form(client, f"/replies/{strict_draft.id}/save", {"text": "Other words", "version": "2"},
              token_from=_page(strict_draft))
    stored = reload(db_session, strict_draft)
    assert (stored.text, stored.first_approved_by_id, stored.status) == ("Other words", None, "draft")
    assert "0 of 2 approvals" in client.get(_page(strict_draft)).get_data(as_text=True)


def test_bulk_approve_gives_a_first_approval_only(client: FlaskClient, db_session: Session,
                                                  dispatcher: RecordingDispatcher, logged_in: Callable[[str], User],
                                                  make_draft: Callable[..., Reply], strict_draft: Reply) -> None:
    logged_in("approver")
    plain = make_draft(text="Thanks for the kind words.")
    ids = [strict_draft.mention_id, plain.mention_id]
    token = csrf_token(client.get("/queue").get_data(as_text=True))
    data = {"csrf_token": token, "action": "approve", "mention": [str(i) for i in ids],
            **{f"version-{i}": "1" for i in ids}}
    assert client.post("/queue/bulk", data=data).status_code == 302
    assert (reload(db_session, strict_draft).status, reload(db_session, plain).status) == ("draft", "approved")
    assert reload(db_session, strict_draft).first_approved_by_id is not None
    assert dispatcher.calls == [("post_reply", plain.id)]
    html = client.get("/queue").get_data(as_text=True)
    assert "Approved 2 mentions. First approval only (1 of 2 approvals)" in html
    assert f"#{strict_draft.mention_id}." in html


def test_the_api_says_whether_a_second_approval_is_needed(client: FlaskClient, db_session: Session,
                                                          dispatcher: RecordingDispatcher,
                                                          make_user: Callable[..., User], strict_draft: Reply) -> None:
    first, second = make_user(role="approver"), make_user(role="approver")
    url = f"/api/v1/replies/{strict_draft.id}/approve"
    body = client.post(url, json={"version": 1}, headers=bearer(db_session, first)).get_json()
    assert (body["second_approval_needed"], body["approvals"], body["approvals_required"], body["posting_queued"],
            body["reply"]["status"]) == (True, 1, 2, False, "draft")
    again = client.post(url, json={"version": 2}, headers=bearer(db_session, first))
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "four_eyes"
    body = client.post(url, json={"version": 2}, headers=bearer(db_session, second)).get_json()
    assert (body["second_approval_needed"], body["approvals"], body["posting_queued"], body["reply"]["status"]) == (
        False, 2, True, "approved")
    assert dispatcher.calls == [("post_reply", strict_draft.id)]


def test_the_api_approves_an_ordinary_reply_in_one_step(client: FlaskClient, api_headers: Callable[[str], Headers],
                                                        make_draft: Callable[..., Reply]) -> None:
    reply = make_draft()
    body = client.post(f"/api/v1/replies/{reply.id}/approve", json={"version": 1},
                       headers=api_headers("approver")).get_json()
    assert (body["second_approval_needed"], body["approvals"], body["approvals_required"], body["posting_queued"]) == (
        False, 1, 1, True)


def test_the_openapi_document_describes_the_outcome(client: FlaskClient, api_headers: Callable[[str], Headers]) -> None:
    document = client.get("/api/v1/openapi.json", headers=api_headers("viewer")).get_json()
    schemas = document["components"]["schemas"]
    outcome = next(schema for schema in schemas.values() if "second_approval_needed" in schema.get("properties", {}))
    assert {"approvals", "approvals_required", "posting_queued", "reply"} <= set(outcome["properties"])
