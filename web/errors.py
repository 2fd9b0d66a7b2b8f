"""Error pages: one template, the HTTP status and a message that says what went wrong."""

from __future__ import annotations

from flask import Flask, render_template
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from responder.replies.service import ReplyStateError
from web.db import db_session


def render_error(status: int, title: str, message: str) -> ResponseReturnValue:
    return render_template("errors/error.html", status=status, title=title, message=message), status


def _http_error(error: HTTPException) -> ResponseReturnValue:
    return render_error(error.code or 500, error.name, error.description or "")


def _csrf_error(error: CSRFError) -> ResponseReturnValue:
    message = f"{error.description} Reload the page and try again."
    return render_error(400, "Form expired or invalid", message)


def _reply_state_error(error: ReplyStateError) -> ResponseReturnValue:
    db_session().rollback()
    return render_error(409, "That action is not possible right now", str(error))


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(ReplyStateError, _reply_state_error)
    for status in (400, 403, 404, 405, 413):
        app.register_error_handler(status, _http_error)
