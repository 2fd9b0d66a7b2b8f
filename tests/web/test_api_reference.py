"""The OpenAPI document and its rendered reference: readable by a signed-in browser, by token for programs,
and never an operation by cookie."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from sqlmodel import Session

from models import Mention, User
from tests.web.test_web_api_support import bearer
from web.api.openapi import openapi_document
from web.api.reference import api_reference, type_label


def test_a_signed_in_browser_reads_the_document_and_the_reference(client: FlaskClient,
                                                                  logged_in: Callable[[str], User]) -> None:
    logged_in("viewer")
    document = client.get("/api/v1/openapi.json")
    assert document.status_code == 200 and document.get_json()["openapi"].startswith("3.1")
    page = client.get("/api/v1/reference")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "<code>GET /api/v1/mentions</code>" in html and "<code>PATCH /api/v1/replies/{reply_id}</code>" in html
    assert 'id="schema-ErrorResponse"' in html and "Needs the approver role or higher." in html
    assert "<script" not in html.split("<main", 1)[1]  # rendered here, no client-side renderer
    assert 'href="/api/v1/reference"' in client.get("/queue").get_data(as_text=True)


def test_a_session_cookie_reads_documents_only(client: FlaskClient, logged_in: Callable[[str], User],
                                               make_mention: Callable[..., Mention]) -> None:
    logged_in("admin")
    mention = make_mention(status="needs_reply")
    assert client.get("/api/v1/mentions").status_code == 401
    assert client.get(f"/api/v1/mentions/{mention.id}").status_code == 401
    assert client.post("/api/v1/openapi.json").status_code == 401


def test_programs_still_need_a_token(client: FlaskClient, db_session: Session,
                                     make_user: Callable[..., User]) -> None:
    anonymous = client.get("/api/v1/reference")
    assert anonymous.status_code == 401 and 'href="/login?next=' in anonymous.get_data(as_text=True)
    assert client.get("/api/v1/openapi.json").status_code == 401
    headers = bearer(db_session, make_user(role="viewer"))
    assert client.get("/api/v1/reference", headers=headers).status_code == 200
    assert client.get("/api/v1/openapi.json", headers=headers).status_code == 200


def test_the_reference_lists_parameters_bodies_and_schema_fields() -> None:
    reference = api_reference(openapi_document())
    operations = {op.operation_id: op for _tag, ops in reference.tags for op in ops}
    listing = operations["list_mentions"]
    assert {(p.name, p.where) for p in listing.parameters} >= {("status", "query"), ("network", "query")}
    edit = operations["edit_reply"]
    assert edit.body and [p.name for p in edit.parameters] == ["reply_id"]
    assert {r.status for r in edit.responses} >= {"200", "401", "409"}
    schemas = {schema.name: schema for schema in reference.schemas}
    assert any(f.name == "error" and f.required for f in schemas["ErrorResponse"].fields)


def test_schema_types_read_as_words() -> None:
    assert type_label({"type": "integer", "minimum": 1, "maximum": 100}) == "integer (1 to 100)"
    assert type_label({"anyOf": [{"$ref": "#/components/schemas/Page"}, {"type": "null"}]}) == "Page or null"
    assert type_label({"type": "array", "items": {"type": "string", "maxLength": 5}}) == (
        "array of string (0 to 5 characters)")
    assert type_label({"enum": ["a", "b"]}) == "one of a, b"
