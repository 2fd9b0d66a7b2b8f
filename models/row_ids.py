"""The largest row id a table holds: ids are database BIGINTs, so anything larger names no row."""

from __future__ import annotations

MAX_ROW_ID = 2**63 - 1
