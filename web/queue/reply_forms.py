"""What every reply form on the mention page reads first: the reply it names and the draft version it was loaded at."""

from __future__ import annotations

from flask import abort, request
from sqlmodel import Session

from models import Reply
from models.row_ids import parse_count
from web.db import db_session


def session_and_reply(reply_id: int) -> tuple[Session, Reply]:
    session = db_session()
    reply = session.get(Reply, reply_id)
    if reply is None:
        abort(404, "No such reply.")
    return session, reply


def form_version() -> int:
    version = parse_count(request.form.get("version"))
    if version is None:
        abort(400, "The form is missing the draft version; reload the page.")
    return version
