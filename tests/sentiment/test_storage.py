"""Model files are written whole or not at all: a run killed while saving keeps the previous file."""

from pathlib import Path
from typing import BinaryIO

import pytest
import torch

from sentiment.heads import LinearHead, read_heads_file, save_heads
from sentiment.storage import save_atomically


@pytest.fixture()
def save_dies_midway(monkeypatch: pytest.MonkeyPatch) -> None:
    """torch.save writes part of its file, then the process is stopped (a full disk, a kill)."""

    def dies_midway(state: object, target: BinaryIO) -> None:
        target.write(b"PK\x03\x04 half a zip")
        raise OSError("disk full")

    monkeypatch.setattr(torch, "save", dies_midway)


def test_save_atomically_replaces_the_file_and_leaves_no_scratch(tmp_path: Path) -> None:
    target = tmp_path / "run" / "checkpoint.pt"
    save_atomically({"step": 1}, target)
    save_atomically({"step": 2}, target)
    assert torch.load(target, weights_only=True) == {"step": 2}
    assert [p.name for p in target.parent.iterdir()] == ["checkpoint.pt"]


def test_a_write_killed_midway_keeps_the_previous_file(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    target = tmp_path / "checkpoint.pt"
    save_atomically({"step": 1}, target)
    request.getfixturevalue("save_dies_midway")
    with pytest.raises(OSError, match="disk full"):
        save_atomically({"step": 2}, target)
    assert torch.load(target, weights_only=True) == {"step": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["checkpoint.pt"]


def test_heads_file_survives_a_killed_rewrite(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    heads = tmp_path / "heads.pt"
    save_heads(heads, LinearHead(4, 3), LinearHead(4, 1), {"model_version": "first"})
    request.getfixturevalue("save_dies_midway")
    with pytest.raises(OSError, match="disk full"):
        save_heads(heads, LinearHead(4, 3), LinearHead(4, 1), {"model_version": "second"})
    assert read_heads_file(heads)["meta"]["model_version"] == "first"
