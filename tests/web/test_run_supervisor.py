"""`earful run` stops web, workers and beat on Ctrl-C or SIGTERM within seconds, and leaves no process behind."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from web.supervisor import Supervisor

STOP_WITHIN_SECONDS = 12.0
EARFUL = Path(sys.executable).parent / "earful"


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(pid)
    return alive


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture()
def earful_run(fresh_database_url: str, tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    env = {**os.environ, "DATABASE_URL": fresh_database_url, "SECRET_KEY": "test-secret-key",
           "BROKER_URL": f"sqla+sqlite:///{tmp_path / 'broker.db'}", "COLLECT_INTERVAL_SECONDS": "5"}
    process = subprocess.Popen([str(EARFUL), "run", "--port", str(_free_port())], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    yield process
    for pid in _descendants(process.pid) | {process.pid}:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _wait_for_running(process: subprocess.Popen[str]) -> list[str]:
    assert process.stdout is not None
    seen = []
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        if line.startswith("Earful is running"):
            return seen
    pytest.fail("never said it was running:\n" + "".join(seen[-40:]))


@pytest.mark.timeout(300)
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_every_child(earful_run: subprocess.Popen[str], signum: int) -> None:
    _wait_for_running(earful_run)
    time.sleep(3)  # let beat send its first tasks, so workers are busy rather than idle
    children = _descendants(earful_run.pid)
    assert len(children) >= 4  # gunicorn, two Celery workers, beat (and their own children)
    started = time.monotonic()
    earful_run.send_signal(signum)
    output, _ = earful_run.communicate(timeout=60)
    assert time.monotonic() - started < STOP_WITHIN_SECONDS, output[-3000:]
    assert earful_run.returncode == 0, output[-3000:]
    assert "Earful stopped" in output
    assert _alive(children) == set()


def test_running_is_said_only_once_the_web_answers(earful_run: subprocess.Popen[str]) -> None:
    lines = _wait_for_running(earful_run)
    port = lines[-1].split(":")[2].split("/")[0]
    with socket.create_connection(("127.0.0.1", int(port)), timeout=2):
        pass
    earful_run.send_signal(signal.SIGINT)
    earful_run.communicate(timeout=60)


STUBBORN = """
import os, signal, subprocess, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
signal.signal(signal.SIGQUIT, signal.SIG_IGN)
GRANDCHILD = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(120)"
subprocess.Popen([sys.executable, "-c", GRANDCHILD])
time.sleep(120)
"""


def test_children_that_ignore_sigterm_and_their_own_children_are_killed_after_the_grace() -> None:
    supervisor = Supervisor({"stubborn": [sys.executable, "-c", STUBBORN]}, grace_seconds=1.0)
    supervisor.start()
    try:
        time.sleep(1.0)
        family = _descendants(os.getpid()) & (_descendants(supervisor.children["stubborn"].pid)
                                              | {supervisor.children["stubborn"].pid})
        assert len(family) == 2
        started = time.monotonic()
        supervisor.stop_all()
        assert time.monotonic() - started < 5
        assert _alive(family) == set()
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def test_a_child_that_exits_stops_the_others() -> None:
    supervisor = Supervisor({"quits": [sys.executable, "-c", "raise SystemExit(3)"],
                             "sleeper": [sys.executable, "-c", "import time; time.sleep(120)"]}, grace_seconds=1.0)
    supervisor.start()
    try:
        assert supervisor.run_until_stopped() == "quits"
        assert supervisor.children["sleeper"].poll() is not None
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
