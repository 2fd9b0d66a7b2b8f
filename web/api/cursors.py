"""Opaque page cursors: the queue's keyset Cursor, base64url-wrapped so clients treat it as a token."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime, timezone

from inbox.queue.cursor import Cursor, QueueSort
from inbox.queue.params import InvalidQuery, parse_cursor
from web.api.errors import ApiError
from web.api.schemas import MAX_ID


def encode_cursor(cursor: Cursor) -> str:
    return base64.urlsafe_b64encode(cursor.encode().encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(token: str | None, sort: QueueSort) -> Cursor | None:
    if not token:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("utf-8")
        cursor = parse_cursor(raw, sort)
    except (binascii.Error, UnicodeDecodeError, InvalidQuery, ValueError):
        raise ApiError(400, "invalid_cursor", "The cursor is not one this API handed out.") from None
    if cursor is None or not _storable(cursor):
        raise ApiError(400, "invalid_cursor", "The cursor is not one this API handed out.")
    return cursor


def _storable(cursor: Cursor) -> bool:
    # A forged cursor may name times or ids that the database driver cannot bind.
    try:
        if isinstance(cursor.key, datetime):
            cursor.key.astimezone(timezone.utc)
    except OverflowError:
        return False
    return 0 < cursor.id <= MAX_ID
