"""One answer, for every collector and poster, to whether a platform's HTTP status is worth asking again."""

import pytest

from listener.http.status import is_not_acted_on, is_transient_status


@pytest.mark.parametrize(("status", "transient", "not_acted_on"), [
    (408, True, True), (429, True, True), (500, True, False), (503, True, False), (520, True, False),
    (400, False, False), (401, False, False), (403, False, False), (404, False, False), (None, False, False),
])
def test_408_and_429_are_transient_on_every_network(status: int | None, transient: bool, not_acted_on: bool) -> None:
    assert is_transient_status(status) is transient
    assert is_not_acted_on(status) is not_acted_on
