"""Queue page latency under concurrent load, 1,000,000 mentions in PostgreSQL: Earful's queue vs an OFFSET baseline.

One run, one fresh database (dropped at the end):

1. migrate to the head, create 20 community managers and a source per network, write the mentions and their
   replies in PostgreSQL (bench/web_data.py: secondary indexes dropped for the load and built on the loaded table,
   timed with it), VACUUM ANALYZE;
2. serve the real app with gunicorn (workers x threads as `earful run` does), log the users in (login form,
   CSRF token) and let each walk the queue for `--duration` seconds (bench/web_users.py): tab pages, filters,
   search, sorts, first page in full then "Next page" as htmx partials through the keyset cursor;
3. drop the queue's indexes and serve the baseline (bench/web_baseline.py: the same page with OFFSET pages and
   exact tab counts) to the same users making the same walks, for the same duration;
4. print per-request latency (p50/p95/p99, mean), throughput and the ratios.

    .venv/bin/python bench/web.py                                  # 1M mentions, 20 users, 60 s per server
    .venv/bin/python bench/web.py --mentions 100000 --duration 20  # a quick look
"""

from __future__ import annotations

import argparse
import math
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa
from sqlmodel import Session

from bench import web_cpu, web_data
from bench.web_users import Results, run_users
from models.db import make_engine
from models.migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-walks-the-queue"  # noqa: S105 - the benchmark's own users, in a database it drops
# What the baseline runs without: every index the queue's page reads, and the topic statistics.
QUEUE_INDEXES = ("ix_mention_status_created", "ix_mention_status_negativity", "ix_mention_open_created",
                 "ix_mention_open_negativity", "ix_mention_search_trgm", "ix_mention_search_cjk",
                 "ix_mention_sentiment",
                 "ix_reply_open_mention", "ix_reply_open_status")
TARGET_P95_SECONDS = 0.150
KINDS = ("first", "next", "counts")
TARGET_RATIO = 10.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
                        help="a PostgreSQL database to connect to while creating and dropping the benchmark's own")
    parser.add_argument("--database", default="earful_bench_web", help="the benchmark's database (dropped at the end)")
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds the users walk each server")
    parser.add_argument("--warmup", type=float, default=10.0,
                        help="seconds of walking before the measured duration (not counted)")
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean seconds a user pauses before each request (0.5x to 1.5x of it)")
    parser.add_argument("--max-pages", type=int, default=20, help="the deepest page a walk goes to")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the database (to look at plans afterwards)")
    parser.add_argument("--slowest", type=int, default=0, help="list this many of the slowest requests")
    parser.add_argument("--reuse", action="store_true",
                        help="serve a database an earlier --keep run left (skips loading; implies --keep and "
                             "--skip-baseline, which would drop the indexes)")
    args = parser.parse_args()
    if args.users > len(web_data.ROLES):
        parser.error(f"at most {len(web_data.ROLES)} users")
    if args.mentions < 1_000:
        parser.error("--mentions must be at least 1000")

    url = _database_url(args.server_url, args.database)
    if args.reuse:
        args.keep = args.skip_baseline = True
    else:
        _recreate(args.server_url, args.database)
    try:
        _run(args, url)
    finally:
        if not args.keep:
            _drop(args.server_url, args.database)


def _run(args: argparse.Namespace, url: str) -> None:
    engine = make_engine(url)
    if not args.reuse:
        _load(args, url, engine)
    emails = [f"cm{number:02d}@example.com" for number in range(1, args.users + 1)]
    _serve_and_walk(args, url, engine, emails)


def _load(args: argparse.Namespace, url: str, engine: sa.Engine) -> None:
    upgrade(url)  # the people need today's user table; the load drops the secondary indexes and builds them after
    with Session(engine) as session:
        user_ids = web_data.create_people(session, PASSWORD)
        session.commit()
    started = time.perf_counter()
    with engine.begin() as connection:
        web_data.load(connection, args.mentions, user_ids)
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    web_data.analyze(engine)
    analyze_seconds = time.perf_counter() - started
    with engine.connect() as connection:
        mentions, replies = connection.execute(sa.text(
            "SELECT (SELECT count(*) FROM mention), (SELECT count(*) FROM reply)")).one()
    print(f"data: {mentions:,} mentions, {replies:,} replies written and every index built on them in "
          f"{load_seconds:.1f}s; VACUUM ANALYZE {analyze_seconds:.1f}s")


def _serve_and_walk(args: argparse.Namespace, url: str, engine: sa.Engine, emails: list[str]) -> None:
    walk = {"seed": args.seed, "max_pages": args.max_pages, "think": args.think, "duration": args.duration,
            "warmup": args.warmup}
    print(f"load: {args.users} users, think {args.think:g}s, up to {args.max_pages} pages a walk, "
          f"{args.duration:g}s measured per server after {args.warmup:g}s warm-up; "
          f"gunicorn {args.workers} workers x {args.threads} threads")

    with Server("web.wsgi:app", url, args) as server:
        measuring = threading.Timer(args.warmup, server.start_measuring)
        measuring.start()
        earful, earful_seconds = run_users(server.base_url, emails, PASSWORD, offset_pages=False, **walk)
        measuring.cancel()
        server_side = server.measured(earful_seconds)
    _report("earful (keyset, capped counts, queue indexes)", earful, earful_seconds)
    print(server_side)
    if args.skip_baseline:
        _verdict(earful, None)
        return
    with engine.begin() as connection:
        for index in QUEUE_INDEXES:
            connection.exec_driver_sql(f'DROP INDEX IF EXISTS "{index}"')
        connection.exec_driver_sql("DROP STATISTICS IF EXISTS st_mention_topics_text")
    web_data.analyze(engine)
    with Server("bench.web_baseline:app", url, args) as server:
        measuring = threading.Timer(args.warmup, server.start_measuring)
        measuring.start()
        baseline, baseline_seconds = run_users(server.base_url, emails, PASSWORD, offset_pages=True, **walk)
        measuring.cancel()
        server_side = server.measured(baseline_seconds)
    _report("baseline (OFFSET, exact counts, no queue indexes)", baseline, baseline_seconds)
    print(server_side)
    _verdict(earful, baseline)
    engine.dispose()


class Server:
    """gunicorn serving `app` on a free port until the block ends."""

    def __init__(self, app: str, url: str, args: argparse.Namespace) -> None:
        port = _free_port()
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(16), "BROKER_URL": "memory://",
               "PYTHONPATH": str(ROOT),
               # Every simulated user signs in from the load generator's one address, once per server run.
               "LOGIN_ATTEMPTS_PER_ADDRESS": "1000"}
        # The access log gives each request's time inside the server (%(D)s, microseconds): the client's
        # figure minus the network, the accept queue and the load generator's own waits.
        self.access_log = Path(tempfile.mkstemp(prefix="earful-bench-access-", suffix=".log")[1])
        command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers",
                   str(args.workers), "--threads", str(args.threads), "--timeout", "600", "--keep-alive", "75",
                   "--log-level", "warning", "--access-logfile", str(self.access_log),
                   "--access-logformat", "%(D)s %(U)s?%(q)s", app]
        self.process = subprocess.Popen(command, env=env, cwd=ROOT)
        self.base_url = f"http://127.0.0.1:{port}"
        self._skip_lines, self._cpu_before = 0, web_cpu.snapshot(self.process.pid)
        self.show_slowest = args.slowest

    def start_measuring(self) -> None:
        self._skip_lines = len(self.access_log.read_text().splitlines())
        self._cpu_before = web_cpu.snapshot(self.process.pid)

    def measured(self, seconds: float) -> str:
        """Server-side latency of the queue's requests and the CPU each party used, since start_measuring."""
        cpu = web_cpu.describe(self._cpu_before, web_cpu.snapshot(self.process.pid), seconds)
        lines = self.access_log.read_text().splitlines()[self._skip_lines:]
        times = sorted(int(line.split()[0]) / 1e6 for line in lines if " /queue" in line)
        if not times:
            return f"  {cpu}"
        slowest = sorted(lines, key=lambda line: -int(line.split()[0]))[:self.show_slowest]
        listed = "".join(f"\n    {int(line.split()[0]) / 1000:.0f} ms {line.split(maxsplit=1)[1]}" for line in slowest)
        return (f"  inside the server (gunicorn's request time, {len(times):,} queue requests): p50 {_ms(times, 50)}  "
                f"p95 {_ms(times, 95)}  p99 {_ms(times, 99)} ms{listed}\n  {cpu}")

    def __enter__(self) -> Server:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base_url}/healthz", timeout=5).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer /healthz within 60s")

    def __exit__(self, *_exc: object) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)
        self.access_log.unlink(missing_ok=True)


def _report(name: str, results: Results, seconds: float) -> None:
    times = sorted(sample.seconds for sample in results.samples)
    print(f"{name}:")
    if not times:
        print("  no requests completed")
    else:
        kinds = {kind: sum(1 for s in results.samples if s.kind == kind) for kind in KINDS}
        print(f"  {len(times):,} requests ({kinds['first']:,} first pages, {kinds['next']:,} next pages, "
              f"{kinds['counts']:,} tab counts fetched after a page) "
              f"in {seconds:.1f}s = {len(times) / seconds:.1f} req/s")
        print(f"  latency ms: p50 {_ms(times, 50)}  p95 {_ms(times, 95)}  p99 {_ms(times, 99)}  "
              f"mean {1000 * sum(times) / len(times):.1f}  max {1000 * times[-1]:.1f}")
        for kind in KINDS:
            of_kind = sorted(sample.seconds for sample in results.samples if sample.kind == kind)
            if of_kind:
                print(f"    {kind}: p50 {_ms(of_kind, 50)}  p95 {_ms(of_kind, 95)}  max {1000 * of_kind[-1]:.1f}")
    for error in results.errors:
        print(f"  error: {error}")


def _verdict(earful: Results, baseline: Results | None) -> None:
    ours = sorted(sample.seconds for sample in earful.samples)
    if not ours:
        print("no figures: the product run completed no request")
        return
    p95 = _percentile(ours, 95)
    print(f"target p95 <= {TARGET_P95_SECONDS * 1000:.0f} ms: {'met' if p95 <= TARGET_P95_SECONDS else 'NOT met'} "
          f"({p95 * 1000:.1f} ms)")
    theirs = sorted(sample.seconds for sample in baseline.samples) if baseline else []
    if theirs:
        ratio = _percentile(theirs, 95) / p95
        mean_ratio = (sum(theirs) / len(theirs)) / (sum(ours) / len(ours))
        print(f"ratio (baseline / earful): p95 {ratio:.1f}x, mean {mean_ratio:.1f}x "
              f"(target >= {TARGET_RATIO:g}x: {'met' if ratio >= TARGET_RATIO else 'NOT met'})")
    if earful.errors or (baseline and baseline.errors):
        print("some users stopped on an error (above); their figures up to it are included")


def _percentile(sorted_times: list[float], percent: float) -> float:
    rank = max(math.ceil(percent / 100 * len(sorted_times)), 1)  # nearest rank
    return sorted_times[rank - 1]


def _ms(sorted_times: list[float], percent: float) -> str:
    return f"{1000 * _percentile(sorted_times, percent):.1f}"


def _database_url(server_url: str, database: str) -> str:
    return sa.engine.make_url(server_url).set(database=database).render_as_string(hide_password=False)


def _recreate(server_url: str, database: str) -> None:
    if database in ("test", "postgres", "template0", "template1"):
        raise SystemExit(f"refusing to recreate the database {database!r}; name one of the benchmark's own")
    _drop(server_url, database)
    with _admin(server_url) as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{database}"')


def _drop(server_url: str, database: str) -> None:
    with _admin(server_url) as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _admin(server_url: str) -> sa.Connection:
    return make_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool).connect()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


if __name__ == "__main__":
    main()
