"""Fixtures around the real loopback servers of test_channels_support: one per test, stopped after it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.alerts.test_channels_support import Receiver, SmtpServer, running_receiver, running_smtp


@pytest.fixture()
def receiver() -> Iterator[Receiver]:
    with running_receiver() as server:
        yield server


@pytest.fixture()
def smtp_server() -> Iterator[SmtpServer]:
    with running_smtp() as server:
        yield server
