"""Earful's one typed configuration, read from the environment (and an optional .env file)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent
VAR_DIR = ROOT / "var"
DEFAULT_SENTIMENT_MODEL = "earful-e5-small"
SENTIMENT_PRECISIONS = ("auto", "fp32", "bf16", "int8")
ENCODER_ONLY_PRECISIONS = ("bf16", "int8")  # only the default model's own encoder runs these
DEFAULT_SCORE_BATCH_SIZE = 64  # texts per model batch at most
DEFAULT_SCORE_BATCH_TOKENS = 2048  # padded tokens per model batch at most (bench/scoring.py chose it)


def sentiment_precision_problem(name: str, precision: str) -> str | None:
    """Why `precision` cannot run model `name`, or None when it can. Here, not in sentiment/, so that validating
    the settings never imports the model's package into the web process."""
    if precision not in SENTIMENT_PRECISIONS:
        return f"SENTIMENT_PRECISION must be one of {', '.join(SENTIMENT_PRECISIONS)}, not {precision!r}"
    if name != DEFAULT_SENTIMENT_MODEL and precision in ENCODER_ONLY_PRECISIONS:
        return (f"SENTIMENT_PRECISION={precision} applies only to the default model ({DEFAULT_SENTIMENT_MODEL}); a "
                f"Hugging Face model ({name}) runs in float32: set SENTIMENT_PRECISION to auto or fp32")
    return None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=ROOT / ".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = Field(default=f"sqlite:///{VAR_DIR / 'earful.db'}")
    broker_url: str = Field(default=f"sqla+sqlite:///{VAR_DIR / 'broker.db'}")
    secret_key: SecretStr = Field(default=SecretStr(""))
    brand_name: str = "Lumo Home"
    # The brand's accounts, comma-separated without "@" (lumohome, lumohome_jp): a post that @-mentions one speaks to
    # the brand and gets a draft. Empty: the brand name without spaces (Lumo Home -> lumohome, lumohome_jp...).
    brand_handles: str = ""
    # Optional: the email of an active approver or admin who receives every escalation (消費生活センター, 한국소비자원,
    # a lawyer...). Empty, or not an active approver/admin: the approver with the fewest open mentions.
    escalation_lead_email: str = ""
    # Workspace values for saved-reply variables ({product}, {support_url}, {order_link}); unset ones stay
    # visible in a draft, and lint blocks approval until someone fills them.
    product_name: str = ""
    support_url: str = ""
    order_link: str = ""
    # {contact} on social networks: the workspace's private channel per reply language ("LINE公式アカウント",
    # "카카오톡 채널", "our live chat"); empty: a DM. Stores and review sites have none and get SUPPORT_URL instead.
    contact_channel_en: str = ""
    contact_channel_ja: str = ""
    contact_channel_ko: str = ""
    # How BRAND_NAME and PRODUCT_NAME are read in Korean ("루모 홈"), for the particle after them ({brand}을/를);
    # empty: from the spelling where it tells (Home 홈), else both forms, which lint blocks until one is picked.
    brand_reading_ko: str = ""
    product_reading_ko: str = ""
    # Optional generative drafting through an OpenAI-compatible endpoint (off while llm_base_url is unset).
    llm_base_url: str | None = None
    llm_model: str = ""
    llm_api_key: SecretStr | None = None
    llm_timeout_seconds: float = Field(default=20.0, gt=0, le=120)

    sentiment_model: str = DEFAULT_SENTIMENT_MODEL
    model_cache_dir: Path = VAR_DIR / "models"
    score_batch_size: int = Field(default=DEFAULT_SCORE_BATCH_SIZE, ge=1, le=512)
    score_batch_tokens: int = Field(default=DEFAULT_SCORE_BATCH_TOKENS, ge=16, le=65536)
    torch_threads: int = Field(default=0, ge=0)
    # Encoder arithmetic: "auto" is bfloat16 where the CPU multiplies it natively (AVX512-BF16, AMX), else int8
    # attention projections (sentiment.model.encoder_precision). bf16 and int8 need the default model.
    sentiment_precision: Literal["auto", "fp32", "bf16", "int8"] = "auto"

    collect_interval_seconds: int = Field(default=60, ge=5)
    # The only folder the `import` (and `replay`) collectors read; a source's path is taken relative to it, and
    # anything that resolves outside it (symlinks and .. included) is refused.
    import_dir: Path = VAR_DIR / "import"
    demo_replay_speed: float = Field(default=60.0, gt=0)

    session_cookie_secure: bool = False
    # Reverse proxies in front of gunicorn whose X-Forwarded-For/-Proto/-Host are trusted (0: none). Set it to
    # the number of proxies, or every user behind one shares the proxy's address in the login limits.
    proxy_hops: int = Field(default=0, ge=0, le=5)
    # Login throttling, counted where every web process sees it: the store at RATELIMIT_STORAGE_URI (a Redis URL
    # such as redis://host:6379/2, or any other shared limits storage) when set, else the database.
    ratelimit_storage_uri: str | None = None
    login_attempts_per_address: int = Field(default=20, ge=1)  # per client address and window...
    login_address_window_seconds: int = Field(default=300, ge=1)  # ...from browsers that never logged in there
    login_free_failures: int = Field(default=5, ge=1)  # wrong passwords per account before back-off starts
    login_backoff_max_seconds: int = Field(default=300, ge=1)  # the longest an account's back-off grows to
    allow_self_approval: bool = False  # four eyes by default: nobody approves a reply they wrote

    # Platform credentials. A source whose network needs one refuses to run (and says so) when it is unset.
    x_bearer_token: SecretStr | None = None
    # Posting on X as the brand account: an OAuth 2.0 user-context refresh token (scopes tweet.read tweet.write
    # users.read offline.access) and the app's client id, plus its secret for a confidential client. X rotates
    # the refresh token on every renewal, so after first use the live pair is kept in the database, sealed with
    # SECRET_KEY; a new X_REFRESH_TOKEN (one never configured before) replaces it.
    x_client_id: str | None = None
    x_client_secret: SecretStr | None = None
    x_refresh_token: SecretStr | None = None
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

    # Alert email goes out through this SMTP server (email channels are absent while SMTP_HOST is unset).
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_security: Literal["starttls", "ssl", "none"] = "starttls"  # "none": a relay on localhost or a private network
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str | None = None
    smtp_timeout_seconds: float = Field(default=20.0, gt=0, le=120)
    # Slack, Teams and signed-webhook alert channels: one request's limit (far below the outbox's claim lease).
    alert_http_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    # The app's address as people open it (https://earful.example.com): alert messages link to the queue there.
    # Unset: messages carry no link (a relative one would not open from Slack or email).
    public_url: str = ""

    # The workspace's clock and business calendar (reports and SLA alerts; models.business_hours): an IANA zone,
    # days like mon-fri or sun-thu, opening hours like 09:00-17:00 (24:00 for midnight), holidays as ISO dates
    # separated by commas, and the response-time SLA in business hours.
    workspace_timezone: str = "UTC"
    business_days: str = "mon-fri"
    business_hours: str = "09:00-17:00"
    holidays: str = ""
    sla_business_hours: float = Field(default=4.0, gt=0, le=24 * 30)
    # Public holidays of this country (ISO code for the `holidays` package: JP, KR, US...) are closed days of the
    # business calendar (reports' SLA, the SLA alert rule, {next_business_day} and {reply_window}); empty for none.
    # With JP, 年末年始 (29 Dec-3 Jan) is closed too unless YEAR_END_CLOSURE is false.
    holiday_country: str = ""
    year_end_closure: bool = True


    @model_validator(mode="after")
    def _x_user_context_is_complete(self) -> Settings:
        # Checked at every entry point's start, not at the first reply, so a half-configured poster never boots.
        if self.x_refresh_token is not None and self.x_refresh_token.get_secret_value():
            if not self.x_client_id:
                raise ValueError("X_REFRESH_TOKEN is set but X_CLIENT_ID is not: renewing X tokens needs the "
                                 "app's OAuth 2.0 client id")
            if not self.secret_key.get_secret_value():
                raise ValueError("X_REFRESH_TOKEN is set but SECRET_KEY is not: the renewed X tokens are stored "
                                 "sealed with it")
        return self

    @model_validator(mode="after")
    def _business_calendar_is_valid(self) -> Settings:
        from models.business_hours import BusinessCalendar  # models imports settings' neighbours, not settings
        from models.public_holidays import UnknownHolidayCountry

        try:
            BusinessCalendar.from_settings(self)
        except UnknownHolidayCountry as error:
            raise ValueError(f"HOLIDAY_COUNTRY: {error}, or leave it empty") from None
        except ValueError as error:
            raise ValueError(f"WORKSPACE_TIMEZONE, BUSINESS_DAYS, BUSINESS_HOURS or HOLIDAYS: {error}") from None
        return self

    @model_validator(mode="after")
    def _smtp_is_complete(self) -> Settings:
        if self.smtp_host and not self.smtp_from:
            raise ValueError("SMTP_HOST is set but SMTP_FROM is not: alert email needs a sender address")
        if self.smtp_username and self.smtp_password is None:
            raise ValueError("SMTP_USERNAME is set but SMTP_PASSWORD is not")
        return self

    @model_validator(mode="after")
    def _sentiment_precision_fits_the_model(self) -> Settings:
        problem = sentiment_precision_problem(self.sentiment_model, self.sentiment_precision)
        if problem:
            raise ValueError(problem)
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
