"""A worker killed between fetch and commit loses nothing and duplicates nothing on the next run."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from listener.collectors import importer
from listener.service import RUN_LEASE
from models import Mention, Source
from models.db import make_engine

KILLER = Path(__file__).with_name("kill_collect.py")
REPO = Path(__file__).resolve().parents[2]
ROWS = 2_500  # three pages of PAGE_ROWS


def make_source(url: str, tmp_path: Path) -> int:
    path = tmp_path / "big.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for i in range(ROWS):
            handle.write(json.dumps({"network": "googleplay", "external_id": f"gp:{i}", "text": f"review {i}",
                                     "created_at": "2026-11-01T00:00:00Z", "rating": 1 + i % 5}) + "\n")
    with Session(make_engine(url)) as session:
        source = Source(name="big", collector="import", network="googleplay", config={"path": str(path)})
        session.add(source)
        session.commit()
        assert source.id is not None
        return source.id


def run_killer(url: str, source_id: int, die_on_page: int, import_dir: Path) -> int:
    process = subprocess.run([sys.executable, str(KILLER), url, str(source_id), str(die_on_page)], cwd=REPO,
                             capture_output=True, timeout=120,
                             env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "IMPORT_DIR": str(import_dir)})
    return process.returncode


def stored(url: str, source_id: int) -> tuple[int, int, dict | None]:
    with Session(make_engine(url)) as session:
        total = session.exec(select(func.count()).select_from(Mention)).one()
        distinct = session.exec(select(func.count(func.distinct(Mention.external_id)))).one()
        return total, distinct, session.get_one(Source, source_id).cursor


@pytest.mark.slow
@pytest.mark.parametrize("die_on_page", [1, 2])
def test_kill_between_fetch_and_commit(fresh_database_url: str, tmp_path: Path, die_on_page: int) -> None:
    assert ROWS > 2 * importer.PAGE_ROWS
    source_id = make_source(fresh_database_url, tmp_path)
    assert run_killer(fresh_database_url, source_id, die_on_page, tmp_path) == -9
    committed_pages = die_on_page - 1
    total, _, cursor = stored(fresh_database_url, source_id)
    assert total == committed_pages * importer.PAGE_ROWS
    assert (cursor or {}).get("line", 0) == committed_pages * importer.PAGE_ROWS
    expire_lease(fresh_database_url, source_id)
    assert run_killer(fresh_database_url, source_id, die_on_page=0, import_dir=tmp_path) == 0
    assert stored(fresh_database_url, source_id) == (ROWS, ROWS, {"line": ROWS})


def expire_lease(url: str, source_id: int) -> None:
    """The killed run still holds the source's lease; let it run out, as it does RUN_LEASE later."""
    with Session(make_engine(url)) as session:
        source = session.get_one(Source, source_id)
        assert source.run_started_at is not None
        source.run_started_at -= RUN_LEASE
        session.add(source)
        session.commit()
