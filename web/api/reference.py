"""The API reference as a page: the OpenAPI document rendered server-side, for people signed in to the web app.

No client-side renderer (the CSP allows scripts only from this server, and the page must work without one): the
document is turned into operations, parameters and schemas here, and the template lays them out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import render_template
from flask.typing import ResponseReturnValue

from web.api.blueprint import bp
from web.api.openapi import openapi_document

REF_PREFIX = "#/components/schemas/"


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    required: bool
    description: str = ""
    where: str = ""  # path or query, for parameters


@dataclass(frozen=True)
class Outcome:
    status: str
    description: str
    schema: str


@dataclass(frozen=True)
class OperationDoc:
    method: str
    path: str
    operation_id: str
    summary: str
    description: str
    parameters: list[Field]
    body: str | None
    responses: list[Outcome]


@dataclass(frozen=True)
class SchemaDoc:
    name: str
    description: str
    fields: list[Field]


@dataclass(frozen=True)
class ApiReference:
    title: str
    version: str
    description: str
    tags: list[tuple[str, list[OperationDoc]]]
    schemas: list[SchemaDoc]


def api_reference(document: dict[str, Any]) -> ApiReference:
    tags: dict[str, list[OperationDoc]] = {}
    for path, item in document["paths"].items():
        for method, op in item.items():
            tags.setdefault((op.get("tags") or ["other"])[0], []).append(_operation(method, path, op))
    schemas = [_schema(name, schema) for name, schema in sorted(document["components"]["schemas"].items())]
    info = document["info"]
    return ApiReference(info["title"], info["version"], info.get("description", ""), list(tags.items()), schemas)


def type_label(schema: dict[str, Any]) -> str:
    """A JSON Schema as a short phrase: 'integer (1 to 100)', 'array of MentionOut', 'string or null'."""
    if "$ref" in schema:
        return str(schema["$ref"]).removeprefix(REF_PREFIX)
    if "anyOf" in schema or "oneOf" in schema:
        return " or ".join(type_label(option) for option in schema.get("anyOf", schema.get("oneOf", [])))
    if "enum" in schema:
        return "one of " + ", ".join(str(value) for value in schema["enum"])
    if "const" in schema:
        return repr(schema["const"])
    kind = str(schema.get("type", "any"))
    if kind == "array":
        return f"array of {type_label(schema.get('items', {}))}"
    return kind + _format(schema) + _bounds(schema)


def _operation(method: str, path: str, op: dict[str, Any]) -> OperationDoc:
    parameters = [Field(p["name"], type_label(p.get("schema", {})), bool(p.get("required")),
                        p.get("schema", {}).get("description", ""), p["in"]) for p in op.get("parameters", [])]
    body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    responses = [Outcome(status, response.get("description", ""), _content_schema(response))
                 for status, response in op.get("responses", {}).items()]
    return OperationDoc(method.upper(), path, op.get("operationId", ""), op.get("summary", ""),
                        op.get("description", ""), parameters, type_label(body) if body else None, responses)


def _schema(name: str, schema: dict[str, Any]) -> SchemaDoc:
    required = set(schema.get("required", []))
    fields = [Field(field, type_label(prop), field in required, prop.get("description", ""))
              for field, prop in schema.get("properties", {}).items()]
    return SchemaDoc(name, schema.get("description", ""), fields)


def _content_schema(response: dict[str, Any]) -> str:
    schema = response.get("content", {}).get("application/json", {}).get("schema")
    return type_label(schema) if schema else ""


def _format(schema: dict[str, Any]) -> str:
    return f" ({schema['format']})" if "format" in schema else ""


def _bounds(schema: dict[str, Any]) -> str:
    low = schema.get("minimum", schema.get("minLength"))
    high = schema.get("maximum", schema.get("maxLength"))
    if low is None and high is None:
        return ""
    unit = " characters" if "minLength" in schema or "maxLength" in schema else ""
    if high is None:
        return f" (at least {low}{unit})"
    return f" ({low if low is not None else 0} to {high}{unit})"


@bp.get("/reference")
def reference() -> ResponseReturnValue:
    return render_template("api/reference.html", api=api_reference(openapi_document()))
