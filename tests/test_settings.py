"""Settings that cannot work together fail when they are read, with a message that names them."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from settings import Settings


def test_an_x_refresh_token_needs_the_client_id_and_a_secret_key() -> None:
    with pytest.raises(ValidationError, match="X_CLIENT_ID"):
        Settings(x_refresh_token="r", secret_key="k", _env_file=None)  # type: ignore[arg-type, call-arg]
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(x_refresh_token="r", x_client_id="c", secret_key="", _env_file=None)  # type: ignore[arg-type, call-arg]
    complete = Settings(x_refresh_token="r", x_client_id="c", secret_key="k", _env_file=None)  # type: ignore[arg-type, call-arg]
    assert complete.x_client_id == "c"


def test_without_x_user_context_nothing_is_required() -> None:
    assert Settings(secret_key="", _env_file=None).x_refresh_token is None  # type: ignore[arg-type, call-arg]
