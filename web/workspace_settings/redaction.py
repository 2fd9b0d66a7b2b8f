"""Settings as an admin may see them: every value, except that secrets show only whether they are set."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from pydantic import SecretBytes, SecretStr

from settings import Settings

HIDDEN = "set (hidden)"
NOT_SET = "not set"
# Names that hold a secret even when typed as a plain string (a webhook URL is its own credential).
SECRET_NAME = re.compile(r"token|secret|password|passwd|passphrase|api_key|private_key(?!_file)|credential|webhook",
                         re.IGNORECASE)
SECRET_QUERY_KEY = re.compile(r"pass|secret|token|key|sig|auth", re.IGNORECASE)


@dataclass(frozen=True)
class SettingRow:
    name: str  # the environment variable
    value: str
    secret: bool
    description: str


def setting_rows(settings: Settings) -> list[SettingRow]:
    """One row per field of Settings, in declaration order, so settings added later show up on their own."""
    return [_row(name, getattr(settings, name), field.description or "")
            for name, field in type(settings).model_fields.items()]


def _row(name: str, value: Any, description: str) -> SettingRow:
    if isinstance(value, SecretStr | SecretBytes) or SECRET_NAME.search(name):
        return SettingRow(name.upper(), HIDDEN if _is_set(value) else NOT_SET, True, description)
    return SettingRow(name.upper(), display(value), False, description)


def _is_set(value: Any) -> bool:
    if isinstance(value, SecretStr | SecretBytes):
        return bool(value.get_secret_value())
    return value not in (None, "", [], {})


def display(value: Any) -> str:
    if value is None:
        return NOT_SET
    if isinstance(value, str):
        return without_password(value)
    if isinstance(value, list | tuple | set):
        return ", ".join(display(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={display(v)}" for k, v in value.items())
    return str(value)


def without_password(value: str) -> str:
    """A URL with its password (and query parameters that carry credentials) masked; other text unchanged."""
    if "://" not in value:
        return value
    try:
        parts = urlsplit(value)
        password = parts.password
    except ValueError:
        return "(unparseable URL hidden)"
    masked = value
    if password is not None:
        userinfo, _, host = parts.netloc.rpartition("@")
        masked = masked.replace(parts.netloc, f"{userinfo.split(':', 1)[0]}:***@{host}", 1)
    if parts.query:
        query = "&".join(f"{key}=***" if SECRET_QUERY_KEY.search(key) else f"{key}={val}"
                         for key, val in parse_qsl(parts.query, keep_blank_values=True))
        masked = masked.replace(f"?{parts.query}", f"?{query}", 1)
    return masked
