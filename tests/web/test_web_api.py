"""/api/v1 reads and authentication: tokens, JSON errors, mention pages, detail, sources and the summary."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session

from inbox.auth.tokens import create_api_token, revoke_api_token
from models import Mention, Reply, Source, User
from responder.replies.service import edit_draft
from tests.web.test_web_api_support import Headers, api_headers

__all__ = ["api_headers"]


def _error(response: object) -> dict[str, str]:
    body = response.get_json()  # type: ignore[attr-defined]
    assert set(body) == {"error"}
    return body["error"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"},
                                     {"Authorization": "Bearer "}])
def test_requests_without_a_valid_token_get_401_json(client: FlaskClient, headers: Headers) -> None:
    for path in ("/api/v1/mentions", "/api/v1/openapi.json", "/api/v1/no/such/thing"):
        response = client.get(path, headers=headers)
        assert response.status_code == 401
        assert response.mimetype == "application/json"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert _error(response)["code"] == "unauthorized"


def test_a_login_session_does_not_authenticate_the_api(client: FlaskClient, logged_in: Callable[[str], User]) -> None:
    logged_in("admin")
    assert client.get("/api/v1/mentions").status_code == 401


def test_revoked_token_and_inactive_user_are_refused(client: FlaskClient, db_session: Session,
                                                     make_user: Callable[..., User]) -> None:
    user = make_user(role="viewer")
    token, plaintext = create_api_token(db_session, user, "script")
    db_session.flush()
    headers = {"Authorization": f"Bearer {plaintext}"}
    assert client.get("/api/v1/mentions", headers=headers).status_code == 200
    user.active = False
    db_session.flush()
    assert client.get("/api/v1/mentions", headers=headers).status_code == 401
    user.active = True
    assert token.id is not None and revoke_api_token(db_session, user, token.id) is not None
    db_session.flush()
    assert client.get("/api/v1/mentions", headers=headers).status_code == 401


def test_unknown_routes_and_methods_answer_json(client: FlaskClient, api_headers: Callable[[str], Headers]) -> None:
    headers = api_headers("viewer")
    missing = client.get("/api/v1/mentions/abc", headers=headers)
    assert missing.status_code == 404 and _error(missing)["code"] == "not_found"
    too_big = client.get("/api/v1/mentions/99999999999999999999", headers=headers)
    assert too_big.status_code == 404
    wrong_method = client.delete("/api/v1/mentions", headers=headers)
    assert wrong_method.status_code == 405 and "GET" in wrong_method.headers["Allow"]
    assert _error(wrong_method)["code"] == "method_not_allowed"


def test_mentions_page_through_with_opaque_cursor(client: FlaskClient, api_headers: Callable[[str], Headers],
                                                   make_mention: Callable[..., Mention]) -> None:
    made = [make_mention(status="needs_reply") for _ in range(5)]
    headers = api_headers("viewer")
    seen: list[int] = []
    cursor: str | None = None
    for _page in range(3):
        query: dict[str, str | int] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        body = client.get("/api/v1/mentions", query_string=query, headers=headers).get_json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
        assert "|" not in cursor  # opaque, not the raw keyset
    assert seen == [mention.id for mention in reversed(made)]
    assert cursor is None


def test_mentions_filters(client: FlaskClient, api_headers: Callable[[str], Headers],
                          make_mention: Callable[..., Mention]) -> None:
    wanted = make_mention(status="needs_reply", network="reddit", sentiment="negative", language="en")
    make_mention(status="needs_reply", network="reddit", sentiment="positive", language="en")
    make_mention(status="needs_reply", network="x", sentiment="negative", language="en")
    make_mention(status="no_reply", network="reddit", sentiment="negative", language="en")
    query = {"network": "reddit", "sentiment": "negative", "language": "en", "status": "needs_reply"}
    body = client.get("/api/v1/mentions", query_string=query, headers=api_headers("viewer")).get_json()
    assert [item["id"] for item in body["items"]] == [wanted.id]
    assert body["items"][0]["reply_status"] is None


def test_mentions_filter_and_show_questions(client: FlaskClient, api_headers: Callable[[str], Headers],
                                            make_mention: Callable[..., Mention]) -> None:
    asks = make_mention(status="needs_reply", question=True)
    tells = make_mention(status="needs_reply", question=False)
    headers = api_headers("viewer")
    body = client.get("/api/v1/mentions", query_string={"question": "yes"}, headers=headers).get_json()
    assert [(item["id"], item["question"]) for item in body["items"]] == [(asks.id, True)]
    body = client.get("/api/v1/mentions", query_string={"question": "no"}, headers=headers).get_json()
    assert [item["id"] for item in body["items"]] == [tells.id]


@pytest.mark.parametrize("query", [{"limit": "0"}, {"limit": "101"}, {"limit": "x"}, {"status": "nope"},
                                   {"sentiment": "angry"}, {"language": "English"}, {"question": "maybe"},
                                   {"cursor": "garbage!"},
                                   {"cursor": "bmV3ZXN0fDAwMDEtMDEtMDFUMDA6MDA6MDArMDE6MDB8MQ"}])
def test_mentions_reject_bad_queries(client: FlaskClient, api_headers: Callable[[str], Headers],
                                     query: dict[str, str]) -> None:
    response = client.get("/api/v1/mentions", query_string=query, headers=api_headers("viewer"))
    assert response.status_code == 400
    assert _error(response)["code"] in {"invalid_request", "invalid_cursor"}


def test_mention_detail_has_reply_and_audit_trail(client: FlaskClient, db_session: Session,
                                                  api_headers: Callable[[str], Headers],
                                                  make_user: Callable[..., User],
                                                  make_draft: Callable[..., Reply]) -> None:
    reply = make_draft(text="Sorry <b>about</b> that")
    edit_draft(db_session, reply, "Sorry about that", user=make_user(role="agent"), expected_version=1)
    db_session.flush()
    body = client.get(f"/api/v1/mentions/{reply.mention_id}", headers=api_headers("viewer")).get_json()
    assert body["mention"]["id"] == reply.mention_id
    assert body["reply"] == body["reply"] | {"id": reply.id, "text": "Sorry about that", "version": 2}
    assert [event["action"] for event in body["audit"]] == ["reply.edited"]
    missing = client.get("/api/v1/mentions/999999", headers=api_headers("viewer"))
    assert missing.status_code == 404


def test_sources_need_admin(client: FlaskClient, api_headers: Callable[[str], Headers],
                           make_source: Callable[..., Source]) -> None:
    source = make_source(name="Brand mentions", config={"query": "lumo"})
    assert client.get("/api/v1/sources", headers=api_headers("approver")).status_code == 403
    body = client.get("/api/v1/sources", headers=api_headers("admin")).get_json()
    assert [item["name"] for item in body["items"]] == [source.name]
    assert "config" not in body["items"][0] and "cursor" not in body["items"][0]


def test_report_summary(client: FlaskClient, api_headers: Callable[[str], Headers],
                        make_mention: Callable[..., Mention], make_source: Callable[..., Source]) -> None:
    search = make_source(name="X search", collector="x_search", network="x", config={"query": "lumo"})
    make_mention(network="x", sentiment="negative", status="needs_reply")
    make_mention(network="x", sentiment="negative", status="no_reply")
    make_mention(network="reddit", sentiment="positive", status="no_reply")
    query = {"since": "2026-11-01T00:00:00Z", "until": "2026-12-01T00:00:00+00:00"}
    body = client.get("/api/v1/reports/summary", query_string=query, headers=api_headers("viewer")).get_json()
    assert body["sentiment_by_network"] == [
        {"network": "reddit", "sentiment": "positive", "mentions": 1},
        {"network": "x", "sentiment": "negative", "mentions": 2},
    ]
    assert body["response_rate"] == 0.0
    assert body["coverage"] == [{"source_id": search.id, "name": "X search", "collector": "x_search",
                                 "coverage": "recent search covers the last 7 days"}]
    assert datetime.fromisoformat(body["since"]) == datetime(2026, 11, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize("query", [{"since": "2026-12-01T00:00:00Z", "until": "2026-11-01T00:00:00Z"},
                                   {"since": "2026-11-01T00:00:00"}, {"until": "0001-01-01T00:00:00+01:00"},
                                   {"until": "0001-01-02T00:00:00Z"}])
def test_report_summary_rejects_bad_windows(client: FlaskClient, api_headers: Callable[[str], Headers],
                                            query: dict[str, str]) -> None:
    response = client.get("/api/v1/reports/summary", query_string=query, headers=api_headers("viewer"))
    assert response.status_code == 400
