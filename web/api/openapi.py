"""The OpenAPI 3.1 document, generated from the operation table and the pydantic models' JSON Schemas."""

from __future__ import annotations

from typing import Any, cast

from flask import Response, json
from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from web.api.blueprint import bp
from web.api.routing import OPERATIONS, Operation
from web.api.schemas import MAX_ID, ErrorResponse

REF_TEMPLATE = "#/components/schemas/{model}"
ERROR_DESCRIPTIONS = {400: "Invalid request", 401: "Missing or invalid token", 403: "Role too low",
                      404: "Not found", 409: "Conflict with the reply's current state or version",
                      413: "Body too large", 415: "Body is not JSON"}


def openapi_document(operations: list[Operation] = OPERATIONS) -> dict[str, Any]:
    refs, schemas = _component_schemas(operations)
    paths: dict[str, dict[str, Any]] = {}
    for op in operations:
        paths.setdefault(op.full_path, {})[op.method.lower()] = _operation(op, refs, schemas)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Earful API", "version": "1",
                 "description": "Earful's review queue, reply actions, sources and reports as JSON."},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearerAuth": []}],
    }


@bp.get("/openapi.json")
def openapi_json() -> Response:
    return Response(json.dumps(openapi_document()), mimetype="application/json")


Refs = dict[tuple[type[BaseModel], JsonSchemaMode], dict[str, Any]]


def _component_schemas(operations: list[Operation]) -> tuple[Refs, dict[str, Any]]:
    models: set[tuple[type[BaseModel], JsonSchemaMode]] = {(ErrorResponse, "serialization")}
    for op in operations:
        models.add((op.response, "serialization"))
        models |= {(model, "validation") for model in (op.query, op.body) if model is not None}
    ordered = sorted(models, key=lambda item: (item[0].__name__, item[1]))
    refs, top = models_json_schema(ordered, ref_template=REF_TEMPLATE)
    return cast(Refs, refs), dict(top.get("$defs", {}))


def _operation(op: Operation, refs: Refs, schemas: dict[str, Any]) -> dict[str, Any]:
    document: dict[str, Any] = {
        "operationId": op.endpoint,
        "summary": op.summary,
        "tags": [op.tag],
        "parameters": _path_parameters(op) + _query_parameters(op, refs, schemas),
        "responses": {"200": _json_response("OK", refs[(op.response, "serialization")])}
                     | {str(status): _error_response(status, refs) for status in op.error_statuses},
    }
    if op.role.value != "viewer":
        document["description"] = f"Needs the {op.role.value} role or higher."
    if op.body is not None:
        document["requestBody"] = {"required": True,
                                   "content": {"application/json": {"schema": refs[(op.body, "validation")]}}}
    return document


def _path_parameters(op: Operation) -> list[dict[str, Any]]:
    schema = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    return [{"name": name, "in": "path", "required": True, "schema": schema} for name in op.path_params]


def _query_parameters(op: Operation, refs: Refs, schemas: dict[str, Any]) -> list[dict[str, Any]]:
    if op.query is None:
        return []
    model_schema = schemas[_ref_name(refs[(op.query, "validation")])]
    required = set(model_schema.get("required", []))
    return [{"name": name, "in": "query", "required": name in required, "schema": _not_null(prop)}
            for name, prop in model_schema["properties"].items()]


def _not_null(schema: dict[str, Any]) -> dict[str, Any]:
    """Query values are strings or absent, never JSON null: keep only the non-null branch of `X | None`."""
    schema = {key: value for key, value in schema.items() if not (key == "default" and value is None)}
    options = [option for option in schema.pop("anyOf", []) if option.get("type") != "null"]
    if len(options) == 1:
        schema.update(options[0])
    elif options:
        schema["anyOf"] = options
    return schema


def _json_response(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error_response(status: int, refs: Refs) -> dict[str, Any]:
    return _json_response(ERROR_DESCRIPTIONS[status], refs[(ErrorResponse, "serialization")])


def _ref_name(ref: dict[str, Any]) -> str:
    return str(ref["$ref"]).rsplit("/", 1)[-1]
