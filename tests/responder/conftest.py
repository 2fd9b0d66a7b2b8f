"""Posting fixtures: hand-written cassettes under tests/cassettes/posting/<network>/, replayed through the real
client libraries (never recorded), and unsaved replies and mentions for the posters to work on."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
import vcr
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from models import Mention, Reply
from responder.posters.errors import PostError
from settings import Settings

CASSETTES = Path(__file__).resolve().parents[1] / "cassettes" / "posting"
Cassette = Callable[[str, str], AbstractContextManager[Any]]


class Played:
    """The bodies the client sent. vcrpy shows each request to the hook several times (copies), so they are
    kept once per distinct request; a second identical request could not be replayed anyway (no repeats)."""

    def __init__(self) -> None:
        self.sent: dict[tuple[str, str, bytes], Any] = {}

    def keep(self, request: Any) -> Any:
        body = request.body or b""
        self.sent.setdefault((request.method, request.uri, body if isinstance(body, bytes) else body.encode()),
                             request)
        return request

    def bodies(self, method: str = "POST") -> list[Any]:
        return [json.loads(body) if body.startswith(b"{") else body.decode()
                for (verb, _, body) in self.sent if verb == method and body]  # cassette entries have none


@pytest.fixture()
def posting_cassette() -> Cassette:
    """`with posting_cassette("x", "create_ok") as played:`; afterwards every interaction was played once."""

    @contextmanager
    def use(network: str, name: str) -> Iterator[Played]:
        path = CASSETTES / network / f"{name}.yaml"
        assert path.is_file(), f"missing cassette {path}"
        played = Played()
        player = vcr.VCR(cassette_library_dir=str(path.parent), record_mode="none", decode_compressed_response=True,
                         match_on=["method", "scheme", "host", "port", "path", "query"],
                         filter_headers=["authorization"], before_record_request=played.keep)
        with player.use_cassette(path.name, allow_playback_repeats=False) as cassette:
            yield played
        assert cassette.all_played, f"{name}: not every recorded request was made"

    return use


def make_mention(**fields: Any) -> Mention:
    defaults: dict[str, Any] = {"id": 11, "network": "x", "external_id": "1901", "author": "ann_k",
                                "text": "@lumohome my kettle arrived smashed", "in_reply_to_brand": True,
                                "created_at": datetime(2026, 11, 5, 14, 5, tzinfo=timezone.utc)}
    return Mention(**{**defaults, **fields})


def make_reply(text: str = "Sorry Ann, a new kettle is on its way. DM us your order number.", **fields: Any) -> Reply:
    return Reply(**{"id": 7, "mention_id": 11, "text": text, "status": "posting", "attempts": 1, **fields})


def raised(action: Callable[[], Any]) -> PostError:
    with pytest.raises(PostError) as caught:
        action()
    return caught.value


@pytest.fixture(scope="session")
def google_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()


@pytest.fixture()
def google_settings(settings: Settings, tmp_path: Path, google_key_pem: str) -> Settings:
    key_file = tmp_path / "service-account.json"
    key_file.write_text(json.dumps({"type": "service_account", "private_key_id": "8d3f1c2b7a6e",
                                    "private_key": google_key_pem,
                                    "client_email": "earful-replies@lumo-home-prod.iam.gserviceaccount.com"}))
    return settings.model_copy(update={"google_service_account_file": key_file})


@pytest.fixture()
def appstore_settings(settings: Settings, tmp_path: Path) -> Settings:
    key_file = tmp_path / "AuthKey_2X9R4HXF34.p8"
    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    key_file.write_bytes(pem)
    return settings.model_copy(update={"appstore_connect_key_id": "2X9R4HXF34",
                                       "appstore_connect_issuer_id": "57246542-96fe-1a63-e053-0824d011072a",
                                       "appstore_connect_private_key_file": key_file})
