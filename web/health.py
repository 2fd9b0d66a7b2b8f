"""Liveness/readiness probe for the process manager and load balancer; needs no login."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, current_app
from sqlalchemy.exc import SQLAlchemyError

from web.db import db_session

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    try:
        db_session().execute(sa.text("SELECT 1"))
    except SQLAlchemyError:
        current_app.logger.exception("health check: database unreachable")
        return Response("database unavailable", status=503, mimetype="text/plain")
    return Response("ok", mimetype="text/plain")
