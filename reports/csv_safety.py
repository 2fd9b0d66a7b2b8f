"""CSV cells a spreadsheet cannot run: shared by the audit export and the report exports.

Every cell a spreadsheet could read as a formula is prefixed with a quote: the text comes from customers and
platforms, and a CSV opened in Excel must not run it. A formula start is = + - @ (or their fullwidth and small
forms, which spreadsheets fold to them), a tab or a carriage return, also when invisible characters (a byte
order mark, zero-width spaces, direction marks) or spaces come first.
"""

from __future__ import annotations

import unicodedata
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@")
CONTROL_STARTS = ("\t", "\r")


def csv_safe(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if _reads_as_formula(text) else text


def _reads_as_formula(text: str) -> bool:
    if text.startswith(CONTROL_STARTS):
        return True
    visible = next((char for char in text if not _skipped_at_start(char)), "")
    return unicodedata.normalize("NFKC", visible).startswith(FORMULA_STARTS)


def _skipped_at_start(char: str) -> bool:
    # Cf holds U+FEFF, the zero-width spaces and joiners, and the direction marks and overrides.
    return char in " \u00a0\u3000" or unicodedata.category(char) == "Cf"
