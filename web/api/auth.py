"""Bearer-token authentication for every /api/v1 request, and role checks for API operations."""

from __future__ import annotations

from flask import Response, g, request
from werkzeug.exceptions import HTTPException

from models import Role, User
from web.api.blueprint import API_PREFIX, bp
from web.api.errors import ApiError, error_response, http_error_response
from web.auth.tokens import authenticate_token
from web.db import db_session

MAX_API_BODY_BYTES = 128 * 1024
BEARER_CHALLENGE = 'Bearer realm="earful-api"'


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX + "/")


@bp.before_app_request
def authenticate_api_request() -> Response | None:
    """Runs for every request under the API prefix, matched or not, so nothing there is public."""
    if not is_api_request():
        return None
    request.max_content_length = MAX_API_BODY_BYTES
    user = _token_user()
    if user is None:
        response = error_response(401, "unauthorized", "Send a valid API token as 'Authorization: Bearer <token>'.")
        response.headers["WWW-Authenticate"] = BEARER_CHALLENGE
        return response
    g.api_user = user
    if isinstance(request.routing_exception, HTTPException):
        return http_error_response(request.routing_exception)
    return None


def api_user() -> User:
    user = g.get("api_user")
    if not isinstance(user, User):
        raise ApiError(401, "unauthorized", "This request is not authenticated.")
    return user


def require_role(role: Role) -> None:
    if not api_user().has_role(role):
        raise ApiError(403, "forbidden", f"This needs the {role.value} role or higher.")


def _token_user() -> User | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    session = db_session()
    user = authenticate_token(session, token.strip())
    # Commits last_used_at now, in its own short unit of work, so read-only calls record it too.
    session.commit()
    return user
