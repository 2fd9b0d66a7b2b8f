"""The error every form-backed service raises for input it cannot save."""

from __future__ import annotations


class Invalid(ValueError):
    """Submitted fields that cannot be saved; `errors` maps each field's name to what is wrong with it (a form
    shows each beside its field, the API returns them, the CLI prints them)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{name}: {message}" for name, message in errors.items()))
        self.errors = errors
