"""Ingestion throughput with dedup: Earful's ingest path vs a naive row-by-row ORM add + commit.

Both run in the same process on fresh tables of the same database, built by the migrations as a deployment
has them (every index included), on the same generated mentions (half of them repeats), and each is reported
as a rate; the ratio of rates is the figure to compare. Earful commits a page at a time: the import collector's
page by default, `--page-rows 100` for a social network's page. The baseline takes a few minutes on the whole
stream; `--baseline-rows N` times a prefix instead.

It drops and recreates every table of the database it is given: give it one of its own.

    .venv/bin/python bench/ingest.py                          # SQLite under a temp dir
    psql -h 127.0.0.1 -U postgres -c 'create database earful_bench_ingest'
    .venv/bin/python bench/ingest.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/earful_bench_ingest
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import warnings
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa
from sqlmodel import Session, select

from listener.base import Batch, RawMention
from listener.collectors.importer import PAGE_ROWS
from listener.service import ingest
from models import Mention, Source
from models.db import make_engine
from models.migrate import upgrade

START = datetime(2026, 11, 1, tzinfo=timezone.utc)


def generate(rows: int, seed: int = 1) -> list[RawMention]:
    """`rows` mentions of which half repeat an earlier one (as overlapping polls do)."""
    rng = random.Random(seed)
    unique = rows // 2
    stream = [_mention(i) for i in range(unique)]
    stream += [stream[rng.randrange(unique)] for _ in range(rows - unique)]
    rng.shuffle(stream)
    return stream


def _mention(i: int) -> RawMention:
    return RawMention(network=("x", "reddit", "appstore", "googleplay")[i % 4], external_id=str(10**15 + i),
                      text=f"Order {i} still not here, tracking stuck for days #lumo", author=f"user{i % 5000}",
                      author_id=str(i % 5000), created_at=START + timedelta(seconds=i))


def reset(engine: sa.Engine) -> None:
    """Drop every table the database holds (this code's or not), then migrate it to the head."""
    with engine.begin() as connection, warnings.catch_warnings():
        warnings.simplefilter("ignore", sa.exc.SAWarning)  # expression indexes it cannot reflect go with their table
        found = sa.MetaData()
        found.reflect(connection)
        found.drop_all(connection)
    upgrade(engine.url.render_as_string(hide_password=False))


def run_batched(engine: sa.Engine, stream: list[RawMention], page_rows: int = PAGE_ROWS) -> float:
    """Earful's real ingestion path: dedup insert, source links, duplicate grouping and cursor, a commit a page."""
    with Session(engine) as session:
        source = Source(name="bench", collector="import", network="x", config={})
        session.add(source)
        session.commit()
        source_id = source.id
    started = time.perf_counter()
    for offset in range(0, len(stream), page_rows):
        with Session(engine) as session:
            batch = Batch(mentions=stream[offset:offset + page_rows], cursor={"line": offset + page_rows})
            ingest(session, session.get_one(Source, source_id), batch)
            session.commit()
    return time.perf_counter() - started


def run_naive(engine: sa.Engine, stream: list[RawMention]) -> float:
    started = time.perf_counter()
    with Session(engine) as session:
        for raw in stream:
            exists = session.exec(select(Mention.id).where(Mention.network == raw.network,
                                                           Mention.external_id == raw.external_id)).first()
            if exists is None:
                session.add(Mention(network=raw.network, external_id=raw.external_id, text=raw.text,
                                    author=raw.author, author_id=raw.author_id, created_at=raw.created_at))
                session.commit()
    return time.perf_counter() - started


def count(engine: sa.Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(sa.func.count()).select_from(Mention)).one()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--page-rows", type=int, default=PAGE_ROWS,
                        help=f"mentions per page, each committed with its cursor (default: the importer's {PAGE_ROWS})")
    parser.add_argument("--baseline-rows", type=int, default=None,
                        help="time the naive baseline on a prefix only (faster, but a prefix holds fewer repeats, "
                             "which makes the baseline look slower than it is); default: the whole stream")
    args = parser.parse_args()
    for name, least in (("rows", 2), ("page_rows", 1), ("baseline_rows", 1)):
        if (value := getattr(args, name)) is not None and value < least:
            parser.error(f"--{name.replace('_', '-')} must be at least {least}, not {value}")
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='earful-bench-')}/bench.db"
    engine = make_engine(url)
    stream = generate(args.rows)
    expected_unique = len({(m.network, m.external_id) for m in stream})

    reset(engine)
    batched_seconds = run_batched(engine, stream, args.page_rows)
    assert count(engine) == expected_unique, "batched ingest lost or duplicated rows"
    reset(engine)
    prefix = stream[: args.baseline_rows or len(stream)]
    naive_seconds = run_naive(engine, prefix)
    assert count(engine) == len({(m.network, m.external_id) for m in prefix})
    reset(engine)

    batched_rate = len(stream) / batched_seconds
    naive_rate = len(prefix) / naive_seconds
    print(f"database: {engine.dialect.name}")
    print(f"earful ingest: {len(stream):,} mentions ({expected_unique:,} unique), pages of {args.page_rows:,}, "
          f"in {batched_seconds:.2f}s = {batched_rate:,.0f} mentions/s")
    print(f"naive ORM add+commit: {len(prefix):,} mentions in {naive_seconds:.2f}s = {naive_rate:,.0f} mentions/s")
    print(f"ratio: {batched_rate / naive_rate:.1f}x")


if __name__ == "__main__":
    main()
