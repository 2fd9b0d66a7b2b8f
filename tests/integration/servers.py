"""Throwaway Redis and PostgreSQL servers on spare loopback ports, which a test may kill and restart.

Only the binaries the machine already has are used (redis-server; PostgreSQL's initdb/pg_ctl from
/usr/lib/postgresql/*/bin or PATH); `missing_servers()` says which are absent so a test can skip with the
reason. PostgreSQL refuses to run as root, so as root its data directory belongs to the `postgres` account
and its commands run as that account (runuser).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

READY_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, timeout: float = READY_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing answered on 127.0.0.1:{port} within {timeout:.0f} s")


def postgres_bindir() -> Path | None:
    """The newest /usr/lib/postgresql/N/bin that has initdb, else the directory of an initdb on PATH."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                        key=lambda path: int(Path(path).parent.parent.name) if Path(path).parent.parent.name
                        .isdigit() else 0)
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def missing_servers() -> str | None:
    """Why these tests cannot run here, or None."""
    missing = []
    if shutil.which("redis-server") is None:
        missing.append("redis-server is not installed (apt-get install redis-server)")
    bindir = postgres_bindir()
    if bindir is None or not (bindir / "pg_ctl").exists():
        missing.append("PostgreSQL's initdb/pg_ctl are not installed (apt-get install postgresql)")
    elif os.geteuid() == 0 and not _has_account("postgres"):
        missing.append("running as root and there is no `postgres` account to run PostgreSQL as")
    return "; ".join(missing) or None


def _has_account(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


class RedisServer:
    """redis-server with no persistence: a kill -9 loses every queued and unacknowledged message."""

    def __init__(self, workdir: Path, port: int | None = None) -> None:
        self.port = port or free_port()
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = workdir / f"redis-{self.port}.log"
        self.starts = 0

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        assert self.process is None or self.process.poll() is not None, "already running"
        log = self.log_path.open("ab")
        binary = shutil.which("redis-server")
        assert binary is not None, missing_servers()
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir)],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        wait_for_port(self.port)
        self.starts += 1

    def kill(self) -> None:
        """SIGKILL: no shutdown, no save; the broker's whole state is gone."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


class PostgresServer:
    """A cluster of its own (initdb, trust authentication on loopback), started and stopped with pg_ctl."""

    def __init__(self, port: int | None = None, database: str = "earful") -> None:
        bindir = postgres_bindir()
        assert bindir is not None, missing_servers()
        self.bindir = bindir
        self.port = port or free_port()
        self.database = database
        # Not under pytest's tmp_path: that is private to root, and the server may run as `postgres`.
        self.root = Path(tempfile.mkdtemp(prefix="earful-pg-"))
        self.datadir = self.root / "data"
        self.log_path = self.root / "server.log"
        self.as_user = "postgres" if os.geteuid() == 0 else None
        if self.as_user:
            account = pwd.getpwnam(self.as_user)
            os.chown(self.root, account.pw_uid, account.pw_gid)

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{self.database}"

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.as_user:
            command = ["runuser", "-u", self.as_user, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False,
                                env={**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"})
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(args[:2])} failed ({result.returncode}): {result.stderr[-2000:]}"
                               f"\n{self._log_tail()}")
        return result

    def _log_tail(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def init(self) -> None:
        self._run("initdb", "-D", str(self.datadir), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")

    def start(self) -> None:
        # fsync off: only the server process dies in these tests, never the machine, so the OS keeps what was
        # written; crash recovery after an immediate shutdown still replays the WAL as usual.
        options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c full_page_writes=off -c max_connections=50")
        self._run("pg_ctl", "-D", str(self.datadir), "-l", str(self.log_path), "-o", options, "-w", "-t", "60",
                  "start", timeout=90)

    def stop(self, mode: str = "fast") -> None:
        """mode: smart | fast (disconnect clients, checkpoint) | immediate (abort: crash recovery on start)."""
        self._run("pg_ctl", "-D", str(self.datadir), "-m", mode, "-w", "-t", "60", "stop", timeout=90)

    def create_database(self) -> None:
        admin = sa.create_engine(f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres",
                                 isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{self.database}"'))
        admin.dispose()

    def destroy(self) -> None:
        with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):  # already stopped, or never started
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)
