"""Sources friction a newcomer meets: the id `earful collect` needs, the network a collector decides, and bad rows
that are said out loud and kept until someone dismisses them."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from flask.testing import FlaskClient
from sqlmodel import Session, col, select

from listener import sources
from listener.base import Batch, RowError
from listener.demo import load_demo_source
from listener.ingest.bad_rows import BAD_ROWS, DISMISSED, bad_row_reports, dismiss_bad_rows
from listener.service import ingest
from models import AuditEvent, Source, User
from models.base import utcnow
from tests.web.web_helpers import form_fields, post_form

FORM = {"name": "HN", "collector": "hackernews", "network": "x", "query": "lumo", "config": "{}", "action": "save"}
SELECTED_NETWORK = re.compile(r'<select id="field-network".*?<option value="(\w+)" selected>', re.S)


def _spec(**fields: str) -> sources.SourceSpec:
    values = {"name": "S", "collector": "import", "network": "reddit", "query": "", "config_json": "{}"}
    return sources.validate(**{**values, **fields}, import_dir=Path("/srv/earful/import"))


def _bad_run(db_session: Session, source: Source, *lines: int) -> None:
    ingest(db_session, source, Batch(mentions=[], cursor={"line": max(lines, default=0)},
                                     errors=[RowError(line, "missing text") for line in lines]))


def test_a_collector_that_reads_one_network_decides_it() -> None:
    assert _spec(collector="hackernews", network="x", query="lumo").network == "hackernews"
    assert _spec(collector="appstore_feed", network="reddit").network == "appstore"
    assert _spec(collector="import", network="reddit").network == "reddit"  # its rows name their own
    assert _spec(collector="replay", network="mixed").network == "mixed"  # ... from several networks
    assert _spec(collector="hackernews", network="mixed", query="lumo").network == "hackernews"


def test_the_demo_replay_source_saves_unchanged(client: FlaskClient, logged_in: Callable[[str], User],
                                               db_session: Session) -> None:
    logged_in("admin")
    source = load_demo_source(db_session, now=utcnow(), speed=60.0)
    edit = f"/sources/{source.id}/edit"
    fields = form_fields(client.get(edit).get_data(as_text=True), edit)
    assert fields["collector"] == "replay" and fields["network"] == "mixed"
    saved = client.post(edit, data={**fields, "action": "save"}, follow_redirects=True)
    assert saved.status_code == 200 and "Nothing changed." in saved.get_data(as_text=True)
    db_session.refresh(source)
    assert (source.network, source.collector) == ("mixed", "replay")


def test_the_form_follows_the_collector_without_javascript(client: FlaskClient, logged_in: Callable[[str], User],
                                                          db_session: Session) -> None:
    logged_in("admin")
    assert post_form(client, "/sources/new", FORM).status_code == 302
    assert db_session.exec(select(Source)).one().network == "hackernews"
    again = post_form(client, "/sources/new", {**FORM, "name": ""})  # an error shows the form again
    assert again.status_code == 400
    assert SELECTED_NETWORK.search(again.get_data(as_text=True)).group(1) == "hackernews"  # type: ignore[union-attr]
    form = client.get("/sources/new").get_data(as_text=True)
    assert '<option value="hackernews" data-network="hackernews"' in form
    assert '<option value="import" data-network=""' in form and 'data-follows="field-collector"' in form


def test_the_list_shows_the_id_that_earful_collect_needs(client: FlaskClient, logged_in: Callable[[str], User],
                                                         make_source: Callable[..., Source]) -> None:
    logged_in("admin")
    source = make_source(name="Export")
    html = client.get("/sources").get_data(as_text=True)
    row = html[html.index(f'id="source-{source.id}"'):].split("</tr>")[0]
    assert f"<td><code>{source.id}</code></td>" in row and "earful collect ID" in html


def test_a_test_query_says_how_many_rows_were_bad_and_shows_them(client: FlaskClient, tmp_path: Path,
                                                                logged_in: Callable[[str], User]) -> None:
    logged_in("admin")
    export = tmp_path / "export.jsonl"
    good = {"network": "reddit", "external_id": "t3_1", "text": "lumo ok", "created_at": "2026-11-01T00:00:00Z"}
    export.write_text(json.dumps(good) + "\n{not json\n" + json.dumps({**good, "text": ""}) + "\n", encoding="utf-8")
    form = {"name": "Export", "collector": "import", "network": "reddit", "query": "", "action": "test",
            "config": json.dumps({"path": str(export)})}
    html = post_form(client, "/sources/new", form).get_data(as_text=True)
    assert "Fetched 1; 1 match the query." in html
    report = html.split('id="test-bad-rows"')[1].split("</div>")[0]
    assert "2 bad rows skipped" in report
    assert "line 2: invalid JSON" in report and "line 3:" in report


def test_bad_rows_stay_reported_until_an_admin_dismisses_them(db_session: Session,
                                                               make_source: Callable[..., Source],
                                                               make_user: Callable[..., User]) -> None:
    admin = make_user(role="admin")
    source = make_source()
    assert source.id is not None
    _bad_run(db_session, source, 4, 9)
    _bad_run(db_session, source)  # a clean run clears last_error, not the report
    assert source.last_error is None
    report = bad_row_reports(db_session, [source.id])[source.id]
    assert (report.rows, report.runs, report.shown) == (2, 1, ["line 4: missing text", "line 9: missing text"])
    seen = report.newest_event_id
    _bad_run(db_session, source, 12)  # arrives after the admin loaded the page
    assert dismiss_bad_rows(db_session, source, actor=admin, up_to=seen)
    left = bad_row_reports(db_session, [source.id])[source.id]
    assert (left.rows, left.shown) == (1, ["line 12: missing text"])
    assert dismiss_bad_rows(db_session, source, actor=admin, up_to=left.newest_event_id)
    assert bad_row_reports(db_session, [source.id]) == {}
    assert not dismiss_bad_rows(db_session, source, actor=admin, up_to=left.newest_event_id)
    dismissals = db_session.exec(select(AuditEvent).where(AuditEvent.action == DISMISSED)
                                 .order_by(col(AuditEvent.id))).all()
    assert [(event.actor_id, event.details["up_to"]) for event in dismissals] == [(admin.id, seen),
                                                                                 (admin.id, left.newest_event_id)]


def test_the_sources_page_shows_bad_rows_and_dismisses_them(client: FlaskClient, logged_in: Callable[[str], User],
                                                            db_session: Session,
                                                            make_source: Callable[..., Source]) -> None:
    logged_in("admin")
    source, other = make_source(name="Export"), make_source(name="Other")
    _bad_run(db_session, source, 7)
    _bad_run(db_session, source)
    _bad_run(db_session, other, 3)
    html = client.get("/sources").get_data(as_text=True)
    box = html.split(f'id="bad-rows-{source.id}"')[1].split("</div>")[0]
    assert "1 bad row skipped" in box and "line 7: missing text" in box
    up_to = re.search(r'name="up_to" value="(\d+)"', box).group(1)  # type: ignore[union-attr]
    assert post_form(client, f"/sources/{source.id}/bad-rows/dismiss", {"up_to": up_to},
                     token_from="/sources").status_code == 302
    after = client.get("/sources").get_data(as_text=True)
    assert f'id="bad-rows-{source.id}"' not in after and f'id="bad-rows-{other.id}"' in after
    assert post_form(client, f"/sources/{source.id}/bad-rows/dismiss", {"up_to": "x"},
                     token_from="/sources").status_code == 400
    assert len(db_session.exec(select(AuditEvent).where(AuditEvent.action == BAD_ROWS)).all()) == 2
