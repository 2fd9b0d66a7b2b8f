"""The operation table: each API view is declared once with its models, and the declaration serves both
Flask routing (validation in, JSON out) and the OpenAPI document."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import Response, request
from pydantic import BaseModel, ValidationError

from models import Role
from web.api.auth import require_role
from web.api.blueprint import API_PREFIX, bp
from web.api.errors import ApiError, validation_message
from web.api.schemas import MAX_ID

PATH_PARAM = re.compile(r"\{([a-z_]+)\}")
View = Callable[..., BaseModel]


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # OpenAPI style, relative to the prefix; every {name} is a positive integer id
    endpoint: str
    summary: str
    tag: str
    role: Role
    response: type[BaseModel]
    query: type[BaseModel] | None
    body: type[BaseModel] | None
    conflicts: bool

    @property
    def full_path(self) -> str:
        return API_PREFIX + self.path

    @property
    def path_params(self) -> list[str]:
        return PATH_PARAM.findall(self.path)

    @property
    def error_statuses(self) -> list[int]:
        statuses = {401}
        statuses |= {400} if self.query or self.body or self.path_params else set()
        statuses |= {403} if self.role is not Role.viewer else set()
        statuses |= {404} if self.path_params else set()
        statuses |= {409} if self.conflicts else set()
        statuses |= {413, 415} if self.body else set()
        return sorted(statuses)


OPERATIONS: list[Operation] = []


def operation(method: str, path: str, *, summary: str, tag: str, response: type[BaseModel],
              role: Role = Role.viewer, query: type[BaseModel] | None = None,
              body: type[BaseModel] | None = None, conflicts: bool = False) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        op = Operation(method, path, view.__name__, summary, tag, role, response, query, body, conflicts)
        OPERATIONS.append(op)

        @wraps(view)
        def handle(**path_args: int) -> Response:
            require_role(op.role)
            result = view(**path_args, **_parsed_inputs(op))
            return Response(result.model_dump_json(), mimetype="application/json")

        rule = PATH_PARAM.sub(rf"<int(min=1, max={MAX_ID}):\1>", path)
        bp.add_url_rule(rule, endpoint=op.endpoint, view_func=handle, methods=[method])
        return view

    return decorate


def _parsed_inputs(op: Operation) -> dict[str, Any]:
    inputs: dict[str, Any] = {}
    if op.query is None and request.args:
        raise ApiError(400, "invalid_request", "This operation takes no query parameters.")
    if op.query is not None:
        inputs["query"] = _validate(op.query, lambda model: model.model_validate(request.args.to_dict()))
    if op.body is not None:
        if not request.is_json:
            raise ApiError(415, "unsupported_media_type", "Send the body as application/json.")
        raw = request.get_data()
        inputs["body"] = _validate(op.body, lambda model: model.model_validate_json(raw))
    return inputs


def _validate(model: type[BaseModel], parse: Callable[[type[BaseModel]], BaseModel]) -> BaseModel:
    try:
        return parse(model)
    except ValidationError as error:
        raise ApiError(400, "invalid_request", validation_message(error)) from None
