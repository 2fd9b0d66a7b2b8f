"""`earful report`: a report written as PDF, CSV (zip or one table) or JSON from the command line, audited."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import select

from models import AuditEvent, Mention
from models.db import make_engine, make_session_factory
from settings import get_settings
from web.cli import cli


@pytest.fixture()
def database_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("BROKER_URL", f"sqla+sqlite:///{tmp_path / 'broker.db'}")
    monkeypatch.setenv("SECRET_KEY", "cli-test-secret")
    monkeypatch.setenv("BRAND_NAME", "Lumo Home")
    get_settings.cache_clear()
    assert CliRunner().invoke(cli, ["db", "upgrade"]).exit_code == 0
    with make_session_factory(make_engine(url))() as session:
        for day, network in ((2, "x"), (3, "x"), (4, "reddit")):
            session.add(Mention(network=network, external_id=f"m{day}", author="a", text="late order",
                                created_at=datetime(2026, 11, day, 12, tzinfo=timezone.utc), complaint=0.9))
        session.commit()
    yield url
    get_settings.cache_clear()


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, ["report", "--since", "2026-11-01", "--until", "2026-11-30", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_json_csv_and_pdf(database_file: str, tmp_path: Path) -> None:
    _run("--filter", "network=x", "--format", "json", "--out", str(tmp_path / "r.json"))
    body = json.loads((tmp_path / "r.json").read_text())
    tables = {table["key"]: table for table in body["tables"]}
    assert body["filters"] == {"network": "x"} and tables["volume_by_network"]["rows"] == [["x", 2, 0]]

    _run("--format", "csv", "--out", str(tmp_path / "r.zip"))
    archive = zipfile.ZipFile(io.BytesIO((tmp_path / "r.zip").read_bytes()))
    assert "volume_by_network.csv" in archive.namelist()
    _run("--format", "csv", "--table", "volume_by_network", "--out", str(tmp_path / "v.csv"))
    assert (tmp_path / "v.csv").read_text().splitlines() == ["network,current,previous", "x,2,0", "reddit,1,0"]

    output = _run("--format", "pdf", "--paper", "letter", "--out", str(tmp_path / "r.pdf"))
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF") and "wrote" in output
    with make_session_factory(make_engine(database_file))() as session:
        formats = session.exec(select(AuditEvent.details).where(AuditEvent.action == "report.exported")).all()
    assert [details["format"] for details in formats] == ["json", "zip", "csv", "pdf"]


def test_bad_arguments_say_what_is_wrong(database_file: str, tmp_path: Path) -> None:
    runner = CliRunner()
    out = str(tmp_path / "r.json")
    result = runner.invoke(cli, ["report", "--since", "2026-11-30", "--until", "2026-11-01", "--format", "json",
                                 "--out", out])
    assert result.exit_code == 2 and "start" in result.output
    result = runner.invoke(cli, ["report", "--filter", "rating", "--format", "json", "--out", out])
    assert result.exit_code == 2 and "KEY=VALUE" in result.output
    result = runner.invoke(cli, ["report", "--filter", "colour=red", "--format", "json", "--out", out])
    assert result.exit_code == 2 and "unknown argument 'colour'" in result.output
    assert not Path(out).exists()
