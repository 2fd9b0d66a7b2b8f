"""Model files are written whole or not at all: a run killed while saving keeps the previous file."""

from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import pytest
import torch

from sentiment.heads import LinearHead, read_heads_file, save_heads
from sentiment.storage import save_atomically


@pytest.fixture(params=[OSError("disk full"), KeyboardInterrupt()], ids=["disk-full", "killed"])
def save_dies_midway(request: pytest.FixtureRequest,
                     monkeypatch: pytest.MonkeyPatch) -> Callable[[], type[BaseException]]:
    """Arms a torch.save that writes part of its file, then stops (a full disk, or Ctrl-C on the run); returns
    what it raises."""
    error: BaseException = request.param

    def dies_midway(state: object, target: BinaryIO) -> None:
        target.write(b"PK\x03\x04 half a zip")
        raise error

    def arm() -> type[BaseException]:
        monkeypatch.setattr(torch, "save", dies_midway)
        return type(error)

    return arm


def test_save_atomically_replaces_the_file_and_leaves_no_scratch(tmp_path: Path) -> None:
    target = tmp_path / "run" / "checkpoint.pt"
    save_atomically({"step": 1}, target)
    save_atomically({"step": 2}, target)
    assert torch.load(target, weights_only=True) == {"step": 2}
    assert [p.name for p in target.parent.iterdir()] == ["checkpoint.pt"]


def test_a_write_killed_midway_keeps_the_previous_file(
        tmp_path: Path, save_dies_midway: Callable[[], type[BaseException]]) -> None:
    target = tmp_path / "checkpoint.pt"
    save_atomically({"step": 1}, target)
    with pytest.raises(save_dies_midway()):
        save_atomically({"step": 2}, target)
    assert torch.load(target, weights_only=True) == {"step": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["checkpoint.pt"]


def test_heads_file_survives_a_killed_rewrite(tmp_path: Path,
                                              save_dies_midway: Callable[[], type[BaseException]]) -> None:
    heads = tmp_path / "heads.pt"
    save_heads(heads, LinearHead(4, 3), LinearHead(4, 1), {"model_version": "first"})
    with pytest.raises(save_dies_midway()):
        save_heads(heads, LinearHead(4, 3), LinearHead(4, 1), {"model_version": "second"})
    assert read_heads_file(heads)["meta"]["model_version"] == "first"
