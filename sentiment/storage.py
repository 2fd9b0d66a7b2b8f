"""Writing torch files so that a process killed mid-write never leaves a half-written one behind."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import torch


def save_atomically(state: Any, path: Path) -> None:
    """torch.save through a scratch file, so a run killed while writing leaves the previous file whole.

    The scratch file is flushed to disk before the rename and the folder after it: without the fsyncs a power cut
    soon after the rename can leave an empty file on filesystems that order metadata before data (ext4's
    delayed allocation)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_suffix(path.suffix + ".tmp")
    try:
        with open(scratch, "wb") as fh:
            torch.save(state, fh)
            fh.flush()
            os.fsync(fh.fileno())
        scratch.replace(path)
    except BaseException:
        scratch.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (a no-op where folders cannot be opened, as on Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
