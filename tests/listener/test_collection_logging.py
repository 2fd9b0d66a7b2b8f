"""Operational logging of collection: what an operator greps for when a source goes quiet."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from listener.service import run_collection
from models import Source
from settings import Settings


def stored_source(session_factory: sessionmaker[Session], **fields: object) -> int:
    with session_factory() as session:
        source = Source(**{"name": "export", "collector": "import", "network": "x", **fields})
        session.add(source)
        session.commit()
        assert source.id is not None
        return source.id


def test_a_disabled_source_logs_a_warning_with_its_id_and_reason(
    session_factory: sessionmaker[Session], tmp_path: Path, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    source_id = stored_source(session_factory, config={"path": str(tmp_path / "gone.csv")})
    with caplog.at_level(logging.INFO, logger="listener.service"):
        run_collection(session_factory, source_id, settings=settings)
    [disabled] = [record for record in caplog.records if "source disabled" in record.getMessage()]
    assert disabled.levelno == logging.WARNING
    assert f"source_id={source_id} collector=import reason=" in disabled.getMessage()
    assert "not found" in disabled.getMessage()
    assert f"collection done source_id={source_id} pages=1 fetched=0 inserted=0" in caplog.text
    assert "failure=permanent" in caplog.text


def test_a_collection_run_logs_its_counts(session_factory: sessionmaker[Session], tmp_path: Path,
                                          settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "export.jsonl"
    rows = [{"network": "x", "external_id": f"{i}", "text": f"post {i}", "created_at": "2026-11-01T00:00:00Z"}
            for i in range(2)]
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n{oops\n", encoding="utf-8")
    source_id = stored_source(session_factory, config={"path": str(path)})
    with caplog.at_level(logging.INFO, logger="listener.service"):
        run_collection(session_factory, source_id, settings=settings)
    assert (f"collection done source_id={source_id} pages=1 fetched=2 inserted=2 revised=0 bad_rows=1 "
            "failure=none") in caplog.text
