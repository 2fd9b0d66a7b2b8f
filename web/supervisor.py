"""`earful run`: start web, workers and beat, say so once the web answers, and stop them all on Ctrl-C.

Each child runs in a process group of its own, so that Ctrl-C in a terminal (which signals the whole foreground
group) reaches only this supervisor, which then stops the children in one order and one time limit: SIGTERM to
each group (gunicorn and Celery's warm shutdown), then SIGKILL to whatever is left after the grace period,
pool processes included. Killing a Celery worker mid-task loses nothing: tasks are acknowledged late and
rejected when their worker is lost, so the broker hands them out again.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

STOP_GRACE_SECONDS = 5.0
KILL_WAIT_SECONDS = 3.0
READY_TIMEOUT_SECONDS = 180.0
POLL_SECONDS = 0.2


@dataclass
class Supervisor:
    commands: Mapping[str, Sequence[str]]
    grace_seconds: float = STOP_GRACE_SECONDS
    children: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    stopping: bool = False

    def start(self) -> None:
        for name, command in self.commands.items():
            self.children[name] = subprocess.Popen(command, env=os.environ.copy(), start_new_session=True)
        signal.signal(signal.SIGTERM, self._request_stop)
        signal.signal(signal.SIGINT, self._request_stop)

    def wait_until_ready(self, health_url: str, timeout: float = READY_TIMEOUT_SECONDS) -> bool:
        """True once the web answers health_url; False if a child exits, a stop is asked, or time runs out."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self.stopping and self.exited() is None:
            if _answers(health_url):
                return True
            time.sleep(POLL_SECONDS)
        return False

    def run_until_stopped(self) -> str | None:
        """Block until a stop is asked or a child exits; stop everything; return the child that exited first."""
        while not self.stopping and self.exited() is None:
            time.sleep(POLL_SECONDS)
        first_exit = None if self.stopping else self.exited()
        self.stop_all()
        return first_exit

    def exited(self) -> str | None:
        return next((name for name, child in self.children.items() if child.poll() is not None), None)

    def stop_all(self) -> None:
        for child in self.children.values():
            _signal_group(child, signal.SIGTERM)
        deadline = time.monotonic() + self.grace_seconds
        while time.monotonic() < deadline and any(child.poll() is None for child in self.children.values()):
            time.sleep(POLL_SECONDS)
        for child in self.children.values():
            _signal_group(child, signal.SIGKILL)  # also the group's pool processes when the leader has exited
            child.wait()
        _wait_until_gone(self.children.values(), timeout=KILL_WAIT_SECONDS)

    def _request_stop(self, *_args: object) -> None:
        self.stopping = True


def _wait_until_gone(children: Iterable[subprocess.Popen[bytes]], timeout: float) -> None:
    """SIGKILL is delivered asynchronously: wait until no process is left in any child's group."""
    deadline = time.monotonic() + timeout
    pending = list(children)
    while pending and time.monotonic() < deadline:
        pending = [child for child in pending if _group_exists(child)]
        if pending:
            time.sleep(0.05)


def _group_exists(child: subprocess.Popen[bytes]) -> bool:
    """Whether any live (not zombie) process is left in the child's group; Linux's /proc tells, else assume not."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 2 and fields[2] == str(child.pid) and fields[0] != "Z":
            return True
    return False


def _signal_group(child: subprocess.Popen[bytes], signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signum)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our own loopback address)
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False
