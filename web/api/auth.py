"""Bearer-token authentication for every /api/v1 request, and role checks for API operations."""

from __future__ import annotations

from flask import Response, g, render_template, request
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from inbox.auth.tokens import authenticate_token
from models import Role, User
from web.api.blueprint import API_PREFIX, bp
from web.api.errors import ApiError, error_response, http_error_response
from web.auth.login import SessionUser
from web.db import db_session

MAX_API_BODY_BYTES = 128 * 1024
BEARER_CHALLENGE = 'Bearer realm="earful-api"'
# Read-only documents that a browser signed in to the web app may read with its session cookie.
SESSION_READABLE = frozenset({"api.openapi_json", "api.reference"})


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX + "/")


@bp.before_app_request
def authenticate_api_request() -> Response | None:
    """Runs for every request under the API prefix, matched or not, so nothing there is public."""
    if not is_api_request():
        return None
    request.max_content_length = MAX_API_BODY_BYTES
    user = _token_user() or _signed_in_reader()
    if user is None:
        return _unauthorized()
    g.api_user = user
    if isinstance(request.routing_exception, HTTPException):
        return http_error_response(request.routing_exception)
    return None


def _signed_in_reader() -> User | None:
    """The web session's user, for the read-only documents only: the API is exempt from CSRF, so a cookie must
    never carry an operation."""
    if request.endpoint not in SESSION_READABLE or request.method != "GET" or not current_user.is_authenticated:
        return None
    session_user = current_user._get_current_object()
    return session_user.model if isinstance(session_user, SessionUser) else None


def _unauthorized() -> Response:
    if request.endpoint == "api.reference":  # a page: say where to sign in, still as a 401
        response = Response(render_template("api/sign_in.html"), status=401, mimetype="text/html")
    else:
        response = error_response(401, "unauthorized", "Send a valid API token as 'Authorization: Bearer <token>'.")
    response.headers["WWW-Authenticate"] = BEARER_CHALLENGE
    return response


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
