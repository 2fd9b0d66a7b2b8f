"""Recorded HTTP for collectors: vcrpy cassettes under tests/cassettes/<network>/, replayed, never recorded."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
import vcr
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from settings import Settings

CASSETTES = Path(__file__).resolve().parents[1] / "cassettes"


def cassette_player(network: str) -> vcr.VCR:
    return vcr.VCR(
        cassette_library_dir=str(CASSETTES / network),
        record_mode="none",  # a request the cassette lacks fails the test instead of reaching the network
        decode_compressed_response=True,  # urllib3 2 would otherwise replay gzip bodies still compressed
        match_on=["method", "scheme", "host", "port", "path", "query"],
        filter_headers=["authorization"],
    )


@pytest.fixture()
def cassette() -> Callable[[str, str], AbstractContextManager[Any]]:
    """`with cassette("x", "mentions_first_page"): ...` replays tests/cassettes/x/mentions_first_page.yaml."""

    def use(network: str, name: str) -> AbstractContextManager[Any]:
        path = CASSETTES / network / f"{name}.yaml"
        assert path.is_file(), f"missing cassette {path}"
        return cassette_player(network).use_cassette(path.name)

    return use


@pytest.fixture(scope="session")
def signing_key() -> rsa.RSAPrivateKey:
    """The private key of the Google service accounts the review collectors sign their token requests with."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def service_account_settings(settings: Settings, folder: Path, key: rsa.RSAPrivateKey, **fields: str) -> Settings:
    """Settings whose GOOGLE_SERVICE_ACCOUNT_FILE is a key file like the one Google hands out, with `fields`."""
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()
    key_file = folder / "service-account.json"
    key_file.write_text(json.dumps({"type": "service_account", "private_key": pem,
                                    "token_uri": "https://oauth2.googleapis.com/token", **fields}))
    return settings.model_copy(update={"google_service_account_file": key_file})
