"""/api/v1 reply actions: edit, approve (queues posting after commit), reject, with roles, versions and
validated bodies; every change leaves its audit event."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session

from models import Reply, User
from responder.replies.service import MAX_REPLY_LENGTH
from tests.web.test_web_api_support import Headers, api_headers, audit_actions, bearer, reload
from tests.web.web_helpers import RecordingDispatcher
from web.queue.htmx import ALLOW_SELF_APPROVAL_KEY

__all__ = ["api_headers"]


def _patch(client: FlaskClient, reply: Reply, headers: Headers, **body: Any) -> Any:
    return client.patch(f"/api/v1/replies/{reply.id}", json=body, headers=headers)


def test_agent_edits_a_draft(client: FlaskClient, db_session: Session, api_headers: Callable[[str], Headers],
                             make_draft: Callable[..., Reply]) -> None:
    reply = make_draft()
    response = _patch(client, reply, api_headers("agent"), text="  Edited\r\nreply ", version=1)
    assert response.status_code == 200
    assert response.get_json() | {"text": "Edited\nreply", "version": 2} == response.get_json()
    assert reload(db_session, reply).text == "Edited\nreply"
    assert audit_actions(db_session, reply) == ["reply.edited"]


def test_viewer_cannot_edit(client: FlaskClient, db_session: Session, api_headers: Callable[[str], Headers],
                            make_draft: Callable[..., Reply]) -> None:
    reply = make_draft()
    response = _patch(client, reply, api_headers("viewer"), text="Edited", version=1)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
    assert audit_actions(db_session, reply) == []


def test_stale_edit_is_409_with_both_texts(client: FlaskClient, db_session: Session,
                                           api_headers: Callable[[str], Headers],
                                           make_draft: Callable[..., Reply]) -> None:
    reply = make_draft(text="Original")
    headers = api_headers("agent")
    assert _patch(client, reply, headers, text="First edit", version=1).status_code == 200
    response = _patch(client, reply, headers, text="Second edit from an old page", version=1)
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "stale_version"
    assert (error["stored_text"], error["submitted_text"], error["version"]) == (
        "First edit", "Second edit from an old page", 2)
    assert reload(db_session, reply).text == "First edit"


@pytest.mark.parametrize("body", [{"text": "x"}, {"version": 1}, {"text": "x", "version": 0},
                                  {"text": "x", "version": 1, "extra": True}, {"text": 5, "version": 1},
                                  {"text": "x" * (MAX_REPLY_LENGTH + 1), "version": 1}, [], "text"])
def test_invalid_bodies_are_400(client: FlaskClient, api_headers: Callable[[str], Headers],
                                make_draft: Callable[..., Reply], body: Any) -> None:
    reply = make_draft()
    response = client.patch(f"/api/v1/replies/{reply.id}", json=body, headers=api_headers("agent"))
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_request"


def test_body_must_be_json_and_bounded(client: FlaskClient, api_headers: Callable[[str], Headers],
                                       make_draft: Callable[..., Reply]) -> None:
    reply = make_draft()
    headers = api_headers("agent")
    form = client.patch(f"/api/v1/replies/{reply.id}", data={"text": "x", "version": "1"}, headers=headers)
    assert form.status_code == 415
    broken = client.patch(f"/api/v1/replies/{reply.id}", data="{", content_type="application/json",
                          headers=headers)
    assert broken.status_code == 400
    huge = client.patch(f"/api/v1/replies/{reply.id}", data='{"text": "' + "x" * 200_000 + '"}',
                        content_type="application/json", headers=headers)
    assert huge.status_code == 413
    assert huge.get_json()["error"]["code"] == "too_large"
    lone_surrogate = client.patch(f"/api/v1/replies/{reply.id}", data='{"text": "\\ud800", "version": 1}',
                                  content_type="application/json", headers=headers)
    assert lone_surrogate.status_code == 400


def test_missing_reply_is_404(client: FlaskClient, api_headers: Callable[[str], Headers]) -> None:
    response = client.post("/api/v1/replies/999999/approve", json={"version": 1}, headers=api_headers("approver"))
    assert response.status_code == 404


def test_approve_commits_then_queues_posting(client: FlaskClient, db_session: Session,
                                             dispatcher: RecordingDispatcher,
                                             api_headers: Callable[[str], Headers],
                                             make_draft: Callable[..., Reply]) -> None:
    reply = make_draft()
    assert client.post(f"/api/v1/replies/{reply.id}/approve", json={"version": 1},
                       headers=api_headers("agent")).status_code == 403
    response = client.post(f"/api/v1/replies/{reply.id}/approve", json={"version": 1},
                           headers=api_headers("approver"))
    assert response.status_code == 200
    body = response.get_json()
    assert body["posting_queued"] is True and body["reply"]["status"] == "approved"
    assert dispatcher.calls == [("post_reply", reply.id)]
    assert audit_actions(db_session, reply) == ["reply.approved"]
    again = client.post(f"/api/v1/replies/{reply.id}/approve", json={"version": 2}, headers=api_headers("admin"))
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "invalid_state"


def test_approve_with_text_follows_the_four_eyes_rule(app: Flask, client: FlaskClient, db_session: Session,
                                                      make_user: Callable[..., User],
                                                      make_draft: Callable[..., Reply]) -> None:
    reply = make_draft(text="Draft")
    headers = bearer(db_session, make_user(role="approver"))
    refused = client.post(f"/api/v1/replies/{reply.id}/approve", json={"version": 1, "text": "Changed"},
                          headers=headers)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "four_eyes"
    app.config[ALLOW_SELF_APPROVAL_KEY] = True
    allowed = client.post(f"/api/v1/replies/{reply.id}/approve", json={"version": 1, "text": "Changed"},
                          headers=headers)
    assert allowed.status_code == 200 and allowed.get_json()["reply"]["text"] == "Changed"


def test_stale_approve_is_409(client: FlaskClient, db_session: Session, dispatcher: RecordingDispatcher,
                              api_headers: Callable[[str], Headers], make_draft: Callable[..., Reply]) -> None:
    reply = make_draft(text="Stored")
    response = client.post(f"/api/v1/replies/{reply.id}/approve", json={"version": 7},
                           headers=api_headers("approver"))
    assert response.status_code == 409
    assert response.get_json()["error"] | {"stored_text": "Stored", "submitted_text": "Stored"} == \
        response.get_json()["error"]
    assert dispatcher.calls == []


def test_failed_enqueue_keeps_the_approval_and_says_so(app: Flask, client: FlaskClient, db_session: Session,
                                                       api_headers: Callable[[str], Headers],
                                                       make_draft: Callable[..., Reply]) -> None:
    class BrokenDispatcher(RecordingDispatcher):
        def post_reply(self, reply_id: int) -> None:
            raise ConnectionError("broker down")

    app.extensions["earful.dispatcher"] = BrokenDispatcher()
    reply = make_draft()
    response = client.post(f"/api/v1/replies/{reply.id}/approve", json={"version": 1},
                           headers=api_headers("approver"))
    assert response.status_code == 200 and response.get_json()["posting_queued"] is False
    assert reload(db_session, reply).status == "approved"


def test_reject_with_note(client: FlaskClient, db_session: Session, api_headers: Callable[[str], Headers],
                          make_draft: Callable[..., Reply]) -> None:
    reply = make_draft()
    assert client.post(f"/api/v1/replies/{reply.id}/reject", json={"note": "tone"},
                       headers=api_headers("agent")).status_code == 403
    response = client.post(f"/api/v1/replies/{reply.id}/reject", json={"note": " Wrong tone "},
                           headers=api_headers("approver"))
    assert response.status_code == 200 and response.get_json()["status"] == "rejected"
    assert audit_actions(db_session, reply) == ["reply.rejected"]
    assert client.post(f"/api/v1/replies/{reply.id}/reject", json={"note": "x" * 1001},
                       headers=api_headers("approver")).status_code == 400
