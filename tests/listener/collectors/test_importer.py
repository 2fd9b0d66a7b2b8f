import json
from pathlib import Path

import pytest

from listener.base import PermanentCollectorError
from listener.collectors import importer
from listener.collectors.importer import ImportCollector, ImportPathRefused
from settings import Settings

CSV = """network,external_id,author,text,created_at,rating
appstore,100,Mika,"Lovely mugs, but the box was crushed",2026-11-01T10:00:00Z,4
appstore,101,Jun,,2026-11-01T11:00:00Z,2
googleplay,gp:1,Sora,"App crashes at checkout",2026-11-01T12:00:00Z,1
googleplay,gp:2,Ken,"Fine",not-a-date,3
"""


def write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def test_csv_keeps_good_rows_and_reports_bad_ones_with_line_numbers(tmp_path: Path, settings: Settings) -> None:
    batch = ImportCollector(settings).fetch({"path": str(write(tmp_path, "reviews.csv", CSV))}, None)
    assert [m.external_id for m in batch.mentions] == ["100", "gp:1"]
    assert [(e.line, e.message) for e in batch.errors] == [
        (3, "missing required field(s): text"),
        (5, "created_at 'not-a-date' is not an ISO 8601 time or a Unix timestamp"),
    ]
    assert batch.cursor == {"line": 5}
    assert not batch.more


def test_jsonl_reports_malformed_lines_and_non_objects(tmp_path: Path, settings: Settings) -> None:
    good = {"network": "x", "external_id": "9", "text": "hi @lumohome", "created_at": "2026-11-01T00:00:00Z"}
    content = "\n".join([json.dumps(good), "{not json", "[1, 2]", "", json.dumps({**good, "external_id": "10"})])
    batch = ImportCollector(settings).fetch({"path": str(write(tmp_path, "x.jsonl", content))}, None)
    assert [m.external_id for m in batch.mentions] == ["9", "10"]
    assert [e.line for e in batch.errors] == [2, 3]
    assert "invalid JSON" in batch.errors[0].message


def test_the_cursor_resumes_after_the_last_line_and_pages_large_files(tmp_path: Path, settings: Settings,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "PAGE_ROWS", 2)
    rows = [{"network": "x", "external_id": str(i), "text": f"post {i}", "created_at": "2026-11-01T00:00:00Z"}
            for i in range(5)]
    path = write(tmp_path, "x.jsonl", "\n".join(json.dumps(r) for r in rows))
    collector, cursor, seen = ImportCollector(settings), None, []
    while True:
        batch = collector.fetch({"path": str(path)}, cursor)
        seen += [m.external_id for m in batch.mentions]
        cursor = batch.cursor
        if not batch.more:
            break
    assert seen == ["0", "1", "2", "3", "4"]
    assert collector.fetch({"path": str(path)}, cursor).mentions == []


def test_a_missing_file_or_unknown_format_is_a_permanent_error(tmp_path: Path, settings: Settings) -> None:
    with pytest.raises(PermanentCollectorError, match="import file not found in the import directory"):
        ImportCollector(settings).fetch({"path": str(tmp_path / "nope.csv")}, None)
    with pytest.raises(PermanentCollectorError, match="unknown format"):
        ImportCollector(settings).fetch({"path": str(write(tmp_path, "a.xlsx", "x"))}, None)


def test_invalid_utf8_bytes_are_replaced_not_fatal(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(b"network,external_id,text,created_at\nx,1,caf\xe9 \xff ok,2026-11-01T00:00:00Z\n")
    batch = ImportCollector(settings).fetch({"path": str(path)}, None)
    assert batch.mentions[0].text == "caf\ufffd \ufffd ok"


def refusal(settings: Settings, path: str, fmt: str | None = "csv") -> str:
    config = {"path": path} if fmt is None else {"path": path, "format": fmt}
    with pytest.raises(ImportPathRefused) as caught:
        ImportCollector(settings).fetch(config, None)
    message = str(caught.value)
    assert message.endswith(path)
    return message.removesuffix(path)


def test_a_file_outside_the_import_directory_is_refused_as_if_it_did_not_exist(tmp_path: Path,
                                                                                settings: Settings) -> None:
    inside = tmp_path / "import"
    (inside / "sub").mkdir(parents=True)
    settings = settings.model_copy(update={"import_dir": inside})
    outside = write(tmp_path, "outside.csv", CSV)
    (inside / "link.csv").symlink_to(outside)
    (inside / "sub" / "up").symlink_to(tmp_path)
    messages = {refusal(settings, path) for path in (
        "/etc/passwd", "/etc/no-such-file", str(outside), str(tmp_path / "missing.csv"), "../outside.csv",
        "sub/../../outside.csv", "link.csv", "sub/up/outside.csv", "nope.csv", "", "sub", "bad\x00.csv")}
    assert messages == {f"import file not found in the import directory (IMPORT_DIR, {inside}): "}


def test_paths_are_read_inside_the_import_directory_relative_or_absolute(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "exports").mkdir()
    path = write(tmp_path / "exports", "reviews.csv", CSV)
    (tmp_path / "latest.csv").symlink_to(path)
    for configured in ("exports/reviews.csv", str(path), "exports/../latest.csv"):
        batch = ImportCollector(settings).fetch({"path": configured}, None)
        assert [m.external_id for m in batch.mentions] == ["100", "gp:1"]
