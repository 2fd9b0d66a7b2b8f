"""The mention page's lint findings beside a stored draft, and a reply's undo window, as template globals
(inbox.lint and responder.replies.undo have the rest)."""

from __future__ import annotations

from models import Mention, Reply
from responder.lint.findings import Finding, check_reply
from responder.replies.undo import just_released, undo_seconds_left
from web.db import db_session
from web.queue.blueprint import bp

bp.add_app_template_global(undo_seconds_left, "undo_seconds_left")
bp.add_app_template_global(just_released, "just_released")


@bp.app_template_global("reply_findings")
def reply_findings(reply: Reply | None, mention: Mention | None = None) -> list[Finding]:
    """Every finding for a stored draft, blocking first: what the mention page shows."""
    if reply is None:
        return []
    return check_reply(db_session(), reply, mention)
