"""Writing torch files so that a process killed mid-write never leaves a half-written one behind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch


def save_atomically(state: Any, path: Path) -> None:
    """torch.save through a scratch file, so a run killed while writing leaves the previous file whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_suffix(path.suffix + ".tmp")
    torch.save(state, scratch)
    scratch.replace(path)
