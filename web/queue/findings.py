"""The mention page's lint findings beside a stored draft, as a template global (inbox.lint has the rest)."""

from __future__ import annotations

from models import Mention, Reply
from responder.lint.findings import Finding, check_reply
from web.db import db_session
from web.queue.blueprint import bp


@bp.app_template_global("reply_findings")
def reply_findings(reply: Reply | None, mention: Mention | None = None) -> list[Finding]:
    """Every finding for a stored draft, blocking first: what the mention page shows."""
    if reply is None:
        return []
    return check_reply(db_session(), reply, mention)
