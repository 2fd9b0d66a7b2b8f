"""The audit trail as CSV: per mention and per date range, for approvers, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import datetime, timezone

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session

from models import Mention, Reply, User, record_event
from reports.csv_safety import csv_safe
from web.audit_export import COLUMNS, parse_scope


def _rows(body: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body)))


def _event(db_session: Session, action: str, at: datetime, **fields: object) -> None:
    event = record_event(db_session, action, **fields)  # type: ignore[arg-type]
    event.at = at
    db_session.flush()


@pytest.fixture()
def history(db_session: Session, make_mention: Callable[..., Mention], make_user: Callable[..., User]) -> Reply:
    approver = make_user(role="approver", email="ann@example.com")
    mention = make_mention()
    reply = Reply(mention_id=mention.id, text="=HYPERLINK(\"http://evil\")", status="posted")
    db_session.add(reply)
    db_session.flush()
    day = datetime(2026, 11, 5, 9, 0, tzinfo=timezone.utc)
    _event(db_session, "reply.approved", day, actor=approver, mention_id=mention.id, reply_id=reply.id,
           text=reply.text, version=2)
    _event(db_session, "reply.posted", day.replace(hour=10), mention_id=mention.id, reply_id=reply.id,
           text=reply.text, platform_reply_id="-1790000", poster="x")
    _event(db_session, "mention.viewed", day.replace(hour=11), actor=approver, mention_id=mention.id)
    _event(db_session, "source.created", datetime(2026, 11, 7, 8, 0, tzinfo=timezone.utc), actor=approver,
           name="@cmd|' /C calc'!A0")
    return reply


def test_one_mentions_trail_with_exact_text_and_platform_id(client: FlaskClient, history: Reply,
                                                            logged_in: Callable[[str], User]) -> None:
    logged_in("approver")
    response = client.get("/audit/export.csv", query_string={"mention_id": history.mention_id})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert f"earful-audit-mention-{history.mention_id}.csv" in response.headers["Content-Disposition"]
    rows = _rows(response.get_data(as_text=True))
    assert list(rows[0]) == list(COLUMNS)
    assert [row["action"] for row in rows] == ["reply.approved", "reply.posted"]  # views are not changes
    approved, posted = rows
    assert (approved["actor"], approved["reply_id"], approved["at"]) == ("ann@example.com", str(history.id),
                                                                         "2026-11-05T09:00:00+00:00")
    assert approved["text"] == "'=HYPERLINK(\"http://evil\")"  # prefixed: never a formula
    assert approved["details"] == '{"version": 2}'
    assert (posted["actor"], posted["platform_response_id"]) == ("system", "'-1790000")


def test_a_date_range_includes_both_days(client: FlaskClient, history: Reply,
                                         logged_in: Callable[[str], User]) -> None:
    logged_in("admin")
    rows = _rows(client.get("/audit/export.csv", query_string={"since": "2026-11-05", "until": "2026-11-05"})
                 .get_data(as_text=True))
    assert [row["action"] for row in rows] == ["reply.approved", "reply.posted"]
    response = client.get("/audit/export.csv", query_string={"since": "2026-11-06", "until": "2026-11-07"})
    [row] = _rows(response.get_data(as_text=True))
    assert row["action"] == "source.created" and row["details"].startswith('{"name": "@cmd')
    assert "earful-audit-2026-11-06-to-2026-11-07.csv" in response.headers["Content-Disposition"]


def test_agents_and_viewers_cannot_export(client: FlaskClient, logged_in: Callable[[str], User]) -> None:
    logged_in("agent")
    assert client.get("/audit/export.csv", query_string={"mention_id": 1}).status_code == 403
    assert client.get("/audit").status_code == 403


def test_the_export_page_and_link_are_there_for_approvers(client: FlaskClient, history: Reply,
                                                          logged_in: Callable[[str], User]) -> None:
    logged_in("approver")
    assert 'name="since"' in client.get("/audit").get_data(as_text=True)
    page = client.get(f"/mentions/{history.mention_id}").get_data(as_text=True)
    assert f"/audit/export.csv?mention_id={history.mention_id}" in page


@pytest.mark.parametrize("args", [{}, {"mention_id": "x"}, {"since": "2026-11-05"},
                                  {"since": "2026-11-05", "until": "2026-11-01"},
                                  {"since": "2025-01-01", "until": "2026-11-01"}, {"since": "5/11", "until": "6/11"}])
def test_bad_scopes_are_400(client: FlaskClient, logged_in: Callable[[str], User], args: dict[str, str]) -> None:
    logged_in("approver")
    assert client.get("/audit/export.csv", query_string=args).status_code == 400
    with pytest.raises(ValueError):
        parse_scope(args)


@pytest.mark.parametrize(("value", "safe"), [("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"),
                                             ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("a=1", "a=1"), (None, ""),
                                             (42, "42")])
def test_csv_safe_prefixes_formula_starts(value: object, safe: str) -> None:
    assert csv_safe(value) == safe


@pytest.mark.parametrize("value", ["\ufeff=1+1", "\u200b=HYPERLINK(\"http://evil\")", "\u200b\u200b@SUM(A1)",
                                   "\uff1dcmd|' /C calc'!A0", "\uff0b1", "\uff0d1", "\uff20SUM(A1)", "\ufe66 1",
                                   " =1+1", "\u202e=1", "\u3000\u2060=1"])
def test_invisible_and_fullwidth_formula_starts_are_guarded(value: str) -> None:
    assert csv_safe(value) == "'" + value


@pytest.mark.parametrize("value", ["\ufeffThanks!", "\u200bhello", "\uff21bc", "2 + 2 = 4", ""])
def test_text_that_is_no_formula_is_left_alone(value: str) -> None:
    assert csv_safe(value) == value


def test_the_exact_posted_text_is_kept_unguarded_in_its_own_column(client: FlaskClient, history: Reply,
                                                                   logged_in: Callable[[str], User]) -> None:
    logged_in("approver")
    body = client.get("/audit/export.csv", query_string={"mention_id": history.mention_id}).get_data(as_text=True)
    approved, _posted = _rows(body)
    assert approved["text"] == "'" + history.text
    assert approved["text_exact_json"].startswith('"')  # a spreadsheet reads it as text
    assert json.loads(approved["text_exact_json"]) == history.text
