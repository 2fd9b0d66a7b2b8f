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


@pytest.mark.parametrize("precision", ["bf16", "int8"])
def test_an_encoder_precision_for_a_hugging_face_model_fails_clearly(precision: str) -> None:
    with pytest.raises(ValidationError, match=f"SENTIMENT_PRECISION={precision} applies only to the default model"):
        Settings(sentiment_model="cardiffnlp/twitter-roberta-base-sentiment-latest",  # type: ignore[call-arg]
                 sentiment_precision=precision, _env_file=None)


@pytest.mark.parametrize("precision", ["auto", "fp32"])
def test_a_hugging_face_model_runs_with_auto_or_float32(precision: str) -> None:
    settings = Settings(sentiment_model="org/model", sentiment_precision=precision,  # type: ignore[call-arg]
                        _env_file=None)
    assert settings.sentiment_precision == precision
