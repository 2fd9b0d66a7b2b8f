"""Recorded HTTP for collectors: vcrpy cassettes under tests/cassettes/<network>/, replayed, never recorded."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
import vcr

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
