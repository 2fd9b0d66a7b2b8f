"""The starter set of saved replies (en/ja/ko), loaded into a new workspace."""

from __future__ import annotations

import json
from pathlib import Path

from sqlmodel import Session, select

from models import SavedReply

STARTER_FILE = Path(__file__).resolve().parent / "saved_replies.json"


def load_starter_saved_replies(session: Session) -> int:
    """Add the starter replies that the workspace does not have yet (by name). Returns how many were added."""
    existing = set(session.exec(select(SavedReply.name)))
    added = 0
    for entry in json.loads(STARTER_FILE.read_text(encoding="utf-8")):
        if entry["name"] not in existing:
            session.add(SavedReply(**entry))
            added += 1
    session.flush()
    return added
