"""Reputation reports on PostgreSQL: the whole report for the last 30 days and for a year, warm and cold, against
a baseline that loads the rows and computes the same figures in Python, in the same run; the PDF's rendering
time; and the Reports page's latency while report readers and queue workers share the server.

One run, one fresh database (dropped at the end unless --keep):

1. migrate, create 20 community managers and a source per network, write the mentions (spread over a year) and
   their replies with bench/web_data.py's generator (triggers off), rebuild the tables the triggers keep
   (report_mention_hour, report_first_response), VACUUM ANALYZE;
2. build each report with reports.report.build_report: "cold" is the first build in a fresh connection pool
   (no prepared plans, no warmed session; the OS and PostgreSQL caches are not dropped), "warm" the median of
   --runs builds after it;
3. the baseline reads every mention of the two periods (and the week after, for "resolved") and their replies
   as ORM rows and computes the figures in Python (tests/reports/reference.py, the tests' reference);
4. render the 30-day report's PDF (A4);
5. serve the app with gunicorn; --report-users open reports (presets and filters) while --queue-users walk the
   queue (bench/web_users.py); print the Reports page's latency.

    .venv/bin/python bench/report.py                          # 1M mentions
    .venv/bin/python bench/report.py --mentions 100000 --duration 20
"""

from __future__ import annotations

import argparse
import bisect
import html
import os
import random
import re
import secrets
import statistics
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa
from sqlmodel import Session, col, select

from bench import web_data
from bench.web import Server, _drop, _percentile, _recreate
from bench.web_users import run_users
from models import Mention, Reply
from models.business_hours import BusinessCalendar
from models.db import make_engine
from models.migrate import upgrade
from reports import first_response, rollup_counts
from reports.pdf import render_pdf
from reports.presentation import Links, report_view
from reports.report import build_report
from reports.request import Preset, ReportRequest, for_dates, for_preset
from settings import Settings
from tests.reports import reference

PASSWORD = "bench-reads-the-reports"  # noqa: S105 - the benchmark's own users, in a database it drops
TARGETS = {"last 30 days": 1.0, "last 365 days": 2.0}
TARGET_RATIO = 20.0
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
REPORT_WALKS = ("range=last_7", "range=last_30", "range=last_30&network=x", "range=last_90",
                "range=last_30&complaint=yes", "range=this_month&sentiment=negative", "range=last_month")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--database", default="earful_bench_report")
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5, help="warm builds per report (the median is shown)")
    parser.add_argument("--report-users", type=int, default=5)
    parser.add_argument("--queue-users", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--warmup", type=float, default=10.0)
    parser.add_argument("--think", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--slowest", type=int, default=0, help="list this many of the slowest queue requests")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--skip-load", action="store_true", help="no page latency under load")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="use the database an earlier --keep run left")
    args = parser.parse_args()
    url = f"{args.server_url.rsplit('/', 1)[0]}/{args.database}"
    if not args.reuse:
        _recreate(args.server_url, args.database)
    try:
        _run(args, url)
    finally:
        if not (args.keep or args.reuse):
            _drop(args.server_url, args.database)


def _run(args: argparse.Namespace, url: str) -> None:
    now = datetime.now(timezone.utc)
    if args.reuse:
        upgrade(url)  # a database kept by an earlier run meets today's models (new nullable columns)
    else:
        _load(url, args.mentions, now)
    settings = Settings(database_url=url, secret_key=secrets.token_hex(16), broker_url="memory://")  # type: ignore[arg-type]
    today = now.date()
    requests = {"last 30 days": for_preset(Preset.last_30, now=now),
                "last 365 days": for_dates(today - timedelta(days=365), today - timedelta(days=1))}
    for name, request in requests.items():
        cold, warm = _timed_builds(url, request, settings, args.runs, now)
        line = f"{name}: cold {cold:.3f}s, warm {warm:.3f}s (target <= {TARGETS[name]:g}s warm: " \
               f"{'met' if warm <= TARGETS[name] else 'NOT met'})"
        if not args.skip_baseline:
            baseline = _baseline(url, request, settings, now)
            line += f"; baseline {baseline:.2f}s = {baseline / warm:.0f}x warm, {baseline / cold:.0f}x cold " \
                    f"(target >= {TARGET_RATIO:g}x: {'met' if baseline / warm >= TARGET_RATIO else 'NOT met'})"
        print(line, flush=True)
    _pdf_time(url, requests["last 30 days"], settings, now)
    if not args.skip_load:
        _page_under_load(args, url)


def _load(url: str, mentions: int, now: datetime) -> None:
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        user_ids = web_data.create_people(session, PASSWORD)
        session.commit()
    web_data.SPAN_DAYS = 365  # a year of a busy brand (the queue's benchmark spreads them over half a year)
    started = time.perf_counter()
    with engine.begin() as connection:
        web_data.load(connection, mentions, user_ids, now=now)
    loaded = time.perf_counter()
    with engine.begin() as connection:  # the load ran with triggers off: the kept tables are rebuilt once
        first_response.rebuild(connection)
        rollup_counts.rebuild(connection)
    rebuilt = time.perf_counter() - loaded
    web_data.analyze(engine)
    with engine.connect() as connection:
        counted = connection.execute(sa.text("SELECT (SELECT count(*) FROM mention), (SELECT count(*) FROM reply)"))
        rows, replies = counted.one()
    print(f"data: {rows:,} mentions over 365 days, {replies:,} replies, written and analysed in "
          f"{time.perf_counter() - started:.1f}s (of which {rebuilt:.1f}s rebuilding the report's hourly counts and "
          f"first responses)", flush=True)
    engine.dispose()


def _timed_builds(url: str, request: ReportRequest, settings: Settings, runs: int,
                  now: datetime) -> tuple[float, float]:
    engine = make_engine(url)
    times = []
    for _run in range(runs + 1):
        with Session(engine) as session:
            started = time.perf_counter()
            build_report(session, request, settings, now=now)
            times.append(time.perf_counter() - started)
    engine.dispose()
    return times[0], statistics.median(times[1:])


def _baseline(url: str, request: ReportRequest, settings: Settings, now: datetime) -> float:
    """Rows in, figures out in Python: the two periods' mentions (and a week after, for resolution), their replies."""
    engine = make_engine(url)
    started = time.perf_counter()
    previous = request.previous()
    with Session(engine) as session:
        mentions = list(session.exec(select(Mention).where(col(Mention.created_at) >= previous.since,
                                                           col(Mention.created_at) < request.until
                                                           + timedelta(days=7))))
        ids = [mention.id for mention in mentions]
        replies: list[Reply] = []
        for chunk in range(0, len(ids), 20_000):
            replies += session.exec(select(Reply).where(col(Reply.mention_id).in_(ids[chunk:chunk + 20_000])))
    calendar = BusinessCalendar.from_settings(settings)
    answers = reference.first_answers(replies)
    zone = request.zone
    for period in (request, previous):
        rows = reference.in_range(mentions, period.since, period.until)
        complaining = reference.complaints(rows)
        reference.bucket_series(rows, zone, "day" if period.length <= timedelta(days=92) else "week")
        reference.sentiment_net(rows)
        Counter(mention.network for mention in rows)
        reference.topic_counts(complaining)
        reference.responses(rows, answers, calendar, settings.sla_business_hours * 60, now)
        _resolved(complaining, mentions, answers, now)
        reference.repeaters(complaining)
        reference.heatmap(rows, zone)
    engine.dispose()
    return time.perf_counter() - started


def _resolved(complaining: list[Mention], everyone: list[Mention], answers: dict[int, reference.Answer],
              now: datetime) -> int:
    """reference.resolved's rule with the authors' complaints indexed first (the reference compares every pair,
    fine for a test, hours at a million rows: a baseline that slow would flatter the SQL)."""
    by_author: dict[tuple[str, str], list[datetime]] = {}
    for other in reference.complaints(everyone):
        if other.author_id:
            by_author.setdefault((other.network, other.author_id), []).append(other.created_at)
    for times in by_author.values():
        times.sort()
    found = 0
    for mention in complaining:
        answer = answers.get(mention.id or 0)
        if mention.resolved_at is not None:
            found += 1
        elif answer is not None and answer.posted_at <= now - timedelta(days=7) and mention.author_id:
            times = by_author.get((mention.network, mention.author_id), [])
            start = bisect.bisect_right(times, answer.posted_at)
            found += 0 if start < len(times) and times[start] <= answer.posted_at + timedelta(days=7) else 1
    return found


def _pdf_time(url: str, request: ReportRequest, settings: Settings, now: datetime) -> None:
    engine = make_engine(url)
    with Session(engine) as session:
        view = report_view(build_report(session, request, settings, now=now), brand=settings.brand_name)
    engine.dispose()
    times = []
    for _run in range(3):
        started = time.perf_counter()
        document = render_pdf(view, links=Links(), paper="a4")
        times.append(time.perf_counter() - started)
    print(f"PDF (last 30 days, A4, {len(document):,} bytes): {statistics.median(times):.2f}s median of 3 "
          f"(first {times[0]:.2f}s)", flush=True)


@dataclass
class Latencies:
    seconds: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _page_under_load(args: argparse.Namespace, url: str) -> None:
    emails = [f"cm{number:02d}@example.com" for number in range(1, len(web_data.ROLES) + 1)]
    queue_emails, report_emails = emails[:args.queue_users], emails[-args.report_users:]
    # Every user logs in from 127.0.0.1: lift the per-address login limit for the benchmark's own server.
    os.environ.setdefault("LOGIN_ATTEMPTS_PER_ADDRESS", "1000")
    with Server("web.wsgi:app", url, args) as server:
        latencies = Latencies()
        until = time.monotonic() + args.warmup + args.duration
        readers = [threading.Thread(target=_read_reports, daemon=True,
                                    args=(server.base_url, email, until, args.warmup, args.think, latencies, n))
                   for n, email in enumerate(report_emails)]
        for reader in readers:
            reader.start()
        queue, _seconds = run_users(server.base_url, queue_emails, PASSWORD, seed=1, max_pages=20, think=args.think,
                                   duration=args.duration, warmup=args.warmup, offset_pages=False)
        for reader in readers:
            reader.join()
    times = sorted(latencies.seconds)
    queue_times = sorted(sample.seconds for sample in queue.samples)
    print(f"under load ({args.report_users} reading reports, {args.queue_users} working the queue, "
          f"{args.duration:g}s measured):")
    if times:
        print(f"  Reports page: {len(times)} requests, p50 {1000 * _percentile(times, 50):.0f} ms, "
              f"p95 {1000 * _percentile(times, 95):.0f} ms, max {1000 * times[-1]:.0f} ms")
    if queue_times:
        print(f"  queue pages: {len(queue_times)} requests, p50 {1000 * _percentile(queue_times, 50):.0f} ms, "
              f"p95 {1000 * _percentile(queue_times, 95):.0f} ms")
    for error in latencies.errors + queue.errors:
        print(f"  error: {error}")


def _read_reports(base_url: str, email: str, until: float, warmup: float, think: float, latencies: Latencies,
                  seed: int) -> None:
    rng, counted_from = random.Random(seed), time.monotonic() + warmup
    with httpx.Client(base_url=base_url, timeout=600) as client:
        try:
            form = client.get("/login")
            token = CSRF_FIELD.search(form.text)
            assert token is not None
            client.post("/login", data={"email": email, "password": PASSWORD,
                                        "csrf_token": html.unescape(token.group(1)), "next": "/reports"})
            while time.monotonic() < until:
                time.sleep(rng.uniform(0.5, 1.5) * think)
                sent, started = time.monotonic(), time.perf_counter()
                response = client.get("/reports?" + rng.choice(REPORT_WALKS))
                elapsed = time.perf_counter() - started
                if response.status_code != 200 or "Headline figures" not in response.text:
                    raise RuntimeError(f"HTTP {response.status_code}")
                if sent >= counted_from:
                    with latencies.lock:
                        latencies.seconds.append(elapsed)
        except Exception as error:
            latencies.errors.append(f"{email}: {type(error).__name__}: {error}")


if __name__ == "__main__":
    main()
