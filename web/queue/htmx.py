"""Telling an htmx partial request from a full page load; every view still answers plain requests in full."""

from __future__ import annotations

from flask import Response, request

from web.extensions import app_settings

ALLOW_SELF_APPROVAL_KEY = "EARFUL_ALLOW_SELF_APPROVAL"  # app.config override of Settings.allow_self_approval


def wants_partial(target: str) -> bool:
    headers = request.headers
    # A history restore needs the whole page, whatever element asked for it.
    return (headers.get("HX-Request") == "true" and headers.get("HX-Target") == target
            and not headers.get("HX-History-Restore-Request"))


def vary_on_htmx(response: Response) -> Response:
    response.vary.add("HX-Request")
    response.vary.add("HX-Target")
    return response


def allow_self_approval() -> bool:
    """The app config wins (tests, deployments); else Settings.allow_self_approval."""
    from flask import current_app

    configured = current_app.config.get(ALLOW_SELF_APPROVAL_KEY)
    if configured is not None:
        return bool(configured)
    return app_settings().allow_self_approval
