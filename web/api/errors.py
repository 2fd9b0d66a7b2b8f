"""JSON errors for /api/v1: every failure is {"error": {"code", "message"}} with its HTTP status."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, json
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from responder.replies.service import ReplyStateError, SelfApprovalError
from web.api.blueprint import bp
from web.db import db_session

MAX_MESSAGE_LENGTH = 1000
HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type"}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra


def error_response(status: int, code: str, message: str, **extra: Any) -> Response:
    body = {"error": {"code": code, "message": message[:MAX_MESSAGE_LENGTH], **extra}}
    return Response(json.dumps(body), status=status, mimetype="application/json")


def http_error_response(error: HTTPException) -> Response:
    status = error.code or 500
    response = error_response(status, HTTP_CODES.get(status, "error"), error.description or error.name)
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


def validation_message(error: ValidationError) -> str:
    # Only where and what: pydantic's own message may echo the (hostile, possibly huge) input.
    parts = [f"{'.'.join(str(part) for part in item['loc']) or 'body'}: {item['msg']}" for item in error.errors()]
    return "; ".join(parts)


@bp.errorhandler(ApiError)
def _api_error(error: ApiError) -> Response:
    return error_response(error.status, error.code, error.message, **error.extra)


@bp.errorhandler(ReplyStateError)
def _reply_state_error(error: ReplyStateError) -> Response:
    db_session().rollback()
    code = "four_eyes" if isinstance(error, SelfApprovalError) else "invalid_state"
    return error_response(409, code, str(error))


@bp.errorhandler(500)
def _internal_error(error: Exception) -> Response:
    current_app.logger.error("API request failed", exc_info=error)
    return error_response(500, "internal_error", "The server failed to handle this request.")


# Code-specific handlers, because Flask prefers the app's code handlers (HTML pages) over a blueprint's
# class handler; the class handler catches any other HTTP status.
for _status in HTTP_CODES:
    bp.register_error_handler(_status, http_error_response)
bp.register_error_handler(HTTPException, http_error_response)
