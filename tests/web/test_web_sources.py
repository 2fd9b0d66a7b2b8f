"""Source management: the service functions directly, then the admin-only /sources pages with real CSRF."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from pydantic import SecretStr
from sqlmodel import Session, col, select

from listener import sources
from listener.base import Batch, CollectorError
from models import AuditEvent, Source, User
from models.base import utcnow
from models.errors import Invalid
from settings import Settings
from tests.web.web_helpers import post_form

FORM = {"name": "Export", "collector": "import", "network": "reddit", "query": "", "config": "{}"}
IMPORT_DIR = Path("/srv/earful/import")


def spec(import_dir: Path = IMPORT_DIR, **fields: str) -> sources.SourceSpec:
    values = {"name": "Export", "collector": "import", "network": "reddit", "query": "", "config_json": "{}"}
    return sources.validate(**{**values, **fields}, import_dir=import_dir)


def export(tmp_path: Path, rows: int = 12) -> Path:
    path = tmp_path / "export.jsonl"
    path.write_text("".join(json.dumps({"network": "reddit", "external_id": f"t3_{i}", "author": f"user{i}",
                                        "text": f"refund <b>please</b> #{i}" if i % 2 else f"hello {i}",
                                        "created_at": "2026-11-01T00:00:00Z"}) + "\n" for i in range(rows)),
                    encoding="utf-8")
    return path


def events(session: Session, action: str) -> list[AuditEvent]:
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == action).order_by(col(AuditEvent.id))))


# --- service ------------------------------------------------------------------------------------------------

def test_validate_points_at_a_query_error_with_a_caret() -> None:
    with pytest.raises(Invalid) as caught:
        spec(query="lumo AND (refund OR")
    assert caught.value.errors["query"].split("\n") == [
        "'OR' needs a term after it (at column 18)", "lumo AND (refund OR", " " * 17 + "^"]


@pytest.mark.parametrize(("fields", "field", "says"), [
    ({"collector": "x_search", "network": "x", "query": "-spam"}, "query", "x_search cannot search for this"),
    ({"collector": "hackernews", "network": "hackernews"}, "query", "needs a listening query"),
    ({"collector": "import", "network": "myspace"}, "network", "Choose a network"),
    ({"collector": "nope"}, "collector", "Choose a collector"),
    ({"name": "  "}, "name", "1 to 120 characters"),
    ({"config_json": "{'path': 1}"}, "config", "not valid JSON"),
    ({"config_json": "[1]"}, "config", "must be a JSON object"),
    ({"config_json": '{"query": "lumo"}'}, "config", "Query field"),
    ({"config_json": '{"bearer_token": "abc"}'}, "config", "server settings"),
])
def test_validate_refuses(fields: dict[str, str], field: str, says: str) -> None:
    with pytest.raises(Invalid) as caught:
        spec(**fields)
    assert says in caught.value.errors[field]


@pytest.mark.parametrize("collector", ["import", "replay"])
def test_validate_refuses_a_path_outside_the_import_directory_alike_whether_it_exists_or_not(collector: str) -> None:
    messages = set()
    for path in ("/etc/passwd", "/etc/no-such-file", "../../etc/passwd", "exports/../../../etc/passwd"):
        with pytest.raises(Invalid) as caught:
            spec(collector=collector, network="x", config_json=json.dumps({"path": path}))
        messages.add(caught.value.errors["config"].removesuffix(path))
    assert messages == {f"import file not found in the import directory (IMPORT_DIR, {IMPORT_DIR}): "}
    with pytest.raises(Invalid, match="must be a string"):
        spec(config_json='{"path": ["/etc/passwd"]}')
    assert spec(config_json='{"path": "exports/not-there-yet.csv"}').config == {"path": "exports/not-there-yet.csv"}


def test_validate_keeps_the_query_in_the_config() -> None:
    made = spec(collector="reddit_search", query="lumo (refund OR late)", config_json='{"subreddits": ["lumo"]}')
    assert made.config == {"subreddits": ["lumo"], "query": "lumo (refund OR late)"}


def test_changes_are_audited_and_a_new_reach_resets_the_cursor(db_session: Session,
                                                               make_user: Callable[..., User]) -> None:
    admin = make_user(role="admin")
    source = sources.create_source(db_session, spec(config_json='{"path": "a.csv"}'), actor=admin)
    source.cursor = {"line": 40}
    assert sources.update_source(db_session, source, spec(query="refund", config_json='{"path": "a.csv"}'),
                                 actor=admin) == ["query"]
    assert source.cursor == {"line": 40}  # a narrower query reads the same file from where it was
    assert sources.update_source(db_session, source, spec(query="refund", config_json='{"path": "b.csv"}'),
                                 actor=admin) == ["config"]
    assert source.cursor is None
    assert sources.set_enabled(db_session, source, False, actor=admin)
    assert not sources.set_enabled(db_session, source, False, actor=admin)
    assert sources.set_enabled(db_session, source, True, actor=admin)
    created, = events(db_session, "source.created")
    assert (created.actor, created.details["source_id"], created.details["collector"]) == (admin.email, source.id,
                                                                                            "import")
    updates = events(db_session, "source.updated")
    assert [e.details["changed"] for e in updates] == [["query"], ["config"]]
    assert updates[1].details["cursor_reset"] and updates[1].details["after"] == {"config": {"path": "b.csv"}}
    assert len(events(db_session, "source.disabled")) == len(events(db_session, "source.enabled")) == 1


def test_test_source_fetches_once_and_stores_nothing(db_session: Session, tmp_path: Path,
                                                     settings: Settings) -> None:
    config = json.dumps({"path": str(export(tmp_path))})
    result = sources.test_source(spec(tmp_path, query="refund", config_json=config), settings=settings)
    assert (result.error, result.fetched, result.matched) == (None, 12, 6)
    assert [m.external_id for m in result.mentions] == ["t3_1", "t3_3", "t3_5", "t3_7", "t3_9", "t3_11"]
    assert db_session.exec(select(Source)).all() == []


class Leaky:
    coverage = ""

    def __init__(self, secret: str) -> None:
        self.secret = secret

    def fetch(self, config: dict[str, Any], cursor: dict[str, Any] | None) -> Batch:
        raise CollectorError(f"401 from https://api.example/v1?apikey={self.secret}: invalid key")


def test_test_source_shows_collector_errors_but_never_credentials(settings: Settings,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    settings = settings.model_copy(update={"trustpilot_api_key": SecretStr("tp-key-123456")})
    monkeypatch.setattr(sources, "load_collector", lambda name, _settings: Leaky("tp-key-123456"))
    result = sources.test_source(spec(collector="trustpilot", network="trustpilot"), settings=settings)
    assert result.error == "401 from https://api.example/v1?apikey=[redacted]: invalid key"


def test_test_source_gives_up_after_its_timeout(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()

    class Hanging:
        coverage = ""

        def fetch(self, config: dict[str, Any], cursor: dict[str, Any] | None) -> Batch:
            release.wait(5)
            return Batch(mentions=[], cursor=None)

    monkeypatch.setattr(sources, "load_collector", lambda name, _settings: Hanging())
    result = sources.test_source(spec(), settings=settings, timeout=0.05)
    release.set()
    assert result.error == "import did not answer within 0.05 seconds; try again later."


# --- pages --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["viewer", "agent", "approver"])
def test_only_admins_reach_the_sources_pages(client: FlaskClient, logged_in: Callable[[str], User],
                                            make_source: Callable[..., Source], role: str) -> None:
    logged_in(role)
    source = make_source()
    assert client.get("/sources").status_code == 403
    assert client.get("/sources/new").status_code == 403
    assert client.get(f"/sources/{source.id}/edit").status_code == 403
    for action in ("enabled", "test", "edit"):
        assert post_form(client, f"/sources/{source.id}/{action}", {"enabled": "0"}).status_code == 403
    assert post_form(client, "/sources/new", FORM).status_code == 403
    assert 'href="/sources"' not in client.get("/queue").get_data(as_text=True)


def test_logged_out_visitors_are_sent_to_log_in(client: FlaskClient) -> None:
    assert client.get("/sources").status_code == 302


def test_the_list_shows_each_source_escaped(client: FlaskClient, logged_in: Callable[[str], User],
                                            make_source: Callable[..., Source], settings: Settings) -> None:
    logged_in("admin")
    ran = utcnow() - timedelta(seconds=5)
    make_source(name="<script>alert(1)</script>", items_collected=42, last_error="1 bad row(s): <img src=x>")
    make_source(name="X search", collector="x_search", network="x", last_run_at=ran, config={"query": "lumo"})
    make_source(name="Off", enabled=False)
    html = client.get("/sources").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert "&lt;img src=x&gt;" in html and ">42<" in html
    assert "recent search covers the last 7 days" in html and "everything in the file" in html
    x_row = html[html.index("X search"):]
    next_run = ran + timedelta(seconds=settings.collect_interval_seconds)
    assert f'datetime="{next_run.isoformat()}"' in x_row.split("</tr>")[0]
    assert ">now<" in html and "not scheduled" in html
    assert 'href="/sources"' in html  # the nav link, for admins


def test_adding_a_source_through_the_form(client: FlaskClient, logged_in: Callable[[str], User],
                                          db_session: Session) -> None:
    admin = logged_in("admin")
    response = post_form(client, "/sources/new", {**FORM, "query": "refund lang:en", "action": "save",
                                                   "config": '{"path": "exports/r.jsonl"}'})
    assert response.status_code == 302 and response.location == "/sources"
    source = db_session.exec(select(Source)).one()
    assert (source.name, source.collector, source.config) == ("Export", "import",
                                                              {"path": "exports/r.jsonl", "query": "refund lang:en"})
    assert events(db_session, "source.created")[0].actor_id == admin.id
    assert "Source Export added" in client.get("/sources").get_data(as_text=True)


def test_a_bad_query_is_shown_with_its_caret_and_nothing_is_saved(client: FlaskClient, db_session: Session,
                                                                  logged_in: Callable[[str], User]) -> None:
    logged_in("admin")
    response = post_form(client, "/sources/new", {**FORM, "query": 'lumo "<b>refund', "action": "save"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'unterminated quote: add the closing " (at column 6)\nlumo "&lt;b&gt;refund\n     ^' in html.replace(
        "&#34;", '"')
    assert 'aria-invalid="true"' in html and 'value="lumo &#34;&lt;b&gt;refund"' in html
    assert db_session.exec(select(Source)).all() == []


def test_a_form_without_csrf_token_is_refused(client: FlaskClient, logged_in: Callable[[str], User],
                                              db_session: Session) -> None:
    logged_in("admin")
    assert client.post("/sources/new", data={**FORM, "action": "save"}).status_code == 400
    assert db_session.exec(select(Source)).all() == []


def test_editing_and_toggling_a_source(client: FlaskClient, logged_in: Callable[[str], User],
                                       make_source: Callable[..., Source], db_session: Session) -> None:
    logged_in("admin")
    source = make_source(config={"path": "a.jsonl", "query": "lumo"}, cursor={"line": 9})
    page = client.get(f"/sources/{source.id}/edit").get_data(as_text=True)
    assert 'value="lumo"' in page and "&#34;path&#34;: &#34;a.jsonl&#34;" in page
    post_form(client, f"/sources/{source.id}/edit", {**FORM, "name": "Renamed", "network": "x", "query": "lumo",
                                                     "config": '{"path": "a.jsonl"}', "action": "save"})
    post_form(client, f"/sources/{source.id}/enabled", {"enabled": "0"})
    db_session.refresh(source)
    assert (source.name, source.cursor, source.enabled) == ("Renamed", {"line": 9}, False)
    assert events(db_session, "source.updated")[0].details["changed"] == ["name"]
    assert len(events(db_session, "source.disabled")) == 1
    assert post_form(client, f"/sources/{source.id}/enabled", {"enabled": "maybe"}).status_code == 400
    assert client.get("/sources/999999/edit").status_code == 404


def test_test_query_from_the_form_shows_the_first_ten_and_stores_nothing(
        client: FlaskClient, logged_in: Callable[[str], User], tmp_path: Path, db_session: Session) -> None:
    logged_in("admin")
    config = json.dumps({"path": str(export(tmp_path, rows=30))})
    response = post_form(client, "/sources/new", {**FORM, "config": config, "action": "test", "query": "refund"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Fetched 30; 15 match the query. Nothing was stored." in html
    assert html.count('class="mention-card"') == 10
    assert "refund &lt;b&gt;please&lt;/b&gt; #1" in html and "hello" not in html
    assert db_session.exec(select(Source)).all() == []


def test_test_query_answers_alike_for_an_existing_and_a_missing_file_outside_the_import_directory(
        client: FlaskClient, logged_in: Callable[[str], User], make_source: Callable[..., Source],
        tmp_path: Path, db_session: Session) -> None:
    logged_in("admin")
    outside = export(tmp_path.parent)  # exists, readable, with good rows, but not in IMPORT_DIR
    answers = []
    for path in (str(outside), str(tmp_path.parent / "missing.jsonl"), "/etc/passwd"):
        stored = make_source(config={"path": path, "format": "csv" if path == "/etc/passwd" else "jsonl"})
        html = post_form(client, f"/sources/{stored.id}/test").get_data(as_text=True)
        assert "Fetched" not in html
        answers.append(html.split('id="test-results-title"')[1].split("</section>")[0].replace(path, "PATH"))
        form = {**FORM, "config": json.dumps({"path": path}), "action": "test"}
        response = post_form(client, "/sources/new", form)
        assert response.status_code == 400 and "Fetched" not in response.get_data(as_text=True)
        assert "import file not found in the import directory" in response.get_data(as_text=True)
    assert answers[0] == answers[1] == answers[2]
    assert db_session.exec(select(Source).where(col(Source.name) == "Export")).all() == []


def test_test_query_on_a_stored_source_shows_the_collectors_error(
        client: FlaskClient, logged_in: Callable[[str], User], make_source: Callable[..., Source],
        tmp_path: Path) -> None:
    logged_in("admin")
    missing = make_source(config={"path": str(tmp_path / "gone.jsonl")})
    html = post_form(client, f"/sources/{missing.id}/test").get_data(as_text=True)
    assert "The collector reported an error" in html and "import file not found" in html
    x_search = make_source(collector="x_search", network="x", config={"query": "lumo"})
    assert "X_BEARER_TOKEN is not set" in post_form(client, f"/sources/{x_search.id}/test").get_data(as_text=True)
