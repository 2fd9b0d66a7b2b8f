"""Earful's one typed configuration, read from the environment (and an optional .env file)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent
VAR_DIR = ROOT / "var"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=ROOT / ".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = Field(default=f"sqlite:///{VAR_DIR / 'earful.db'}")
    broker_url: str = Field(default=f"sqla+sqlite:///{VAR_DIR / 'broker.db'}")
    secret_key: SecretStr = Field(default=SecretStr(""))
    brand_name: str = "Lumo Home"
    # Workspace values for saved-reply variables ({product}, {support_url}, {order_link}); unset ones stay
    # visible in a draft, and lint blocks approval until someone fills them.
    product_name: str = ""
    support_url: str = ""
    order_link: str = ""
    # Optional generative drafting through an OpenAI-compatible endpoint (off while llm_base_url is unset).
    llm_base_url: str | None = None
    llm_model: str = ""
    llm_api_key: SecretStr | None = None
    llm_timeout_seconds: float = Field(default=20.0, gt=0, le=120)

    sentiment_model: str = "earful-e5-small"
    model_cache_dir: Path = VAR_DIR / "models"
    score_batch_size: int = Field(default=16, ge=1, le=512)
    torch_threads: int = Field(default=0, ge=0)
    # Encoder arithmetic: "auto" is bfloat16 where the CPU multiplies it natively (AVX512-BF16, AMX), else int8
    # attention projections (sentiment.model.encoder_precision).
    sentiment_precision: Literal["auto", "fp32", "bf16", "int8"] = "auto"

    collect_interval_seconds: int = Field(default=60, ge=5)
    demo_replay_speed: float = Field(default=60.0, gt=0)

    session_cookie_secure: bool = False
    allow_self_approval: bool = False  # four eyes by default: nobody approves a reply they wrote

    # Platform credentials. A source whose network needs one refuses to run (and says so) when it is unset.
    x_bearer_token: SecretStr | None = None
    reddit_client_id: str | None = None
    reddit_client_secret: SecretStr | None = None
    reddit_username: str | None = None
    reddit_password: SecretStr | None = None
    reddit_user_agent: str = "earful/0.1 (self-hosted social listening)"
    mastodon_access_token: SecretStr | None = None
    appstore_connect_key_id: str | None = None
    appstore_connect_issuer_id: str | None = None
    appstore_connect_private_key_file: Path | None = None
    google_service_account_file: Path | None = None
    trustpilot_api_key: SecretStr | None = None
    trustpilot_api_secret: SecretStr | None = None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
