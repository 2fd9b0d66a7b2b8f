"""The generated OpenAPI document: valid OpenAPI 3.1, covering every API route, and honoured by the app
under schemathesis's stateless checks (positive and negative data, bounded examples, WSGI, no network)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.strategies import SearchStrategy
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)
from sqlmodel import Session

from models import Mention, Reply, Source, User
from tests.web.test_web_api_support import bearer
from web.api.blueprint import API_PREFIX
from web.api.openapi import openapi_document

EXAMPLES_PER_STRATEGY = 12
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          negative_data_rejection, ignored_auth]


def test_document_is_valid_openapi() -> None:
    document = openapi_document()
    validate(document)
    assert document["openapi"].startswith("3.1")
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_every_api_route_is_documented(app: Flask) -> None:
    documented = {(method.upper(), path) for path, item in openapi_document()["paths"].items() for method in item}
    routed = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(API_PREFIX) and rule.endpoint not in ("api.openapi_json", "api.reference"):
            path = rule.rule.replace("<int(min=1, max=2147483647):", "{").replace(">", "}")
            routed |= {(method, path) for method in rule.methods or () if method not in {"HEAD", "OPTIONS"}}
    assert routed == documented


def test_document_is_served_to_token_holders(client: FlaskClient, db_session: Session,
                                             make_user: Callable[..., User]) -> None:
    assert client.get("/api/v1/openapi.json").status_code == 401
    response = client.get("/api/v1/openapi.json", headers=bearer(db_session, make_user(role="viewer")))
    assert response.status_code == 200 and response.get_json()["paths"]


def test_app_conforms_to_its_schema(app: Flask, db_session: Session, make_user: Callable[..., User],
                                    make_draft: Callable[..., Reply], make_source: Callable[..., Source],
                                    make_mention: Callable[..., Mention]) -> None:
    headers = bearer(db_session, make_user(role="admin"))
    drafts = [make_draft(sentiment="negative", language="en") for _ in range(3)]
    make_mention(status="no_reply", sentiment="positive")
    make_source()
    known = {"mention_id": drafts[0].mention_id, "reply_id": drafts[0].id}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, headers=headers)

    @schema.auth()
    class TokenAuth:
        """Registered as auth (not as extra headers) so negative cases may still drop the token."""

        def get(self, case: Any, context: Any) -> str:
            return headers["Authorization"]

        def set(self, case: Any, data: str, context: Any) -> None:
            case.headers = {**(case.headers or {}), "Authorization": data}

    for result in schema.get_all_operations():
        operation = result.ok()
        for strategy in _strategies(operation, known):
            _exercise(strategy)


def _strategies(operation: Any, known: dict[str, int]) -> list[SearchStrategy[Any]]:
    strategies = [operation.as_strategy(generation_mode=mode) for mode in GenerationMode]
    names = {parameter.name for parameter in operation.path_parameters}
    if names:  # random ids rarely exist; also aim at rows that do
        fixed = {name: value for name, value in known.items() if name in names}
        strategies.append(operation.as_strategy(path_parameters=fixed))
    return strategies


def _exercise(strategy: SearchStrategy[Any]) -> None:
    @given(case=strategy)
    @settings(max_examples=EXAMPLES_PER_STRATEGY, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def run(case: Any) -> None:
        case.call_and_validate(checks=CHECKS)

    run()
