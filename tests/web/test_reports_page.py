"""The Reports page and its exports through the real app: roles, the form and URL, charts beside tables, CSV
(guarded), the zip, the PDF, audit events, and the mention page's "Mark resolved"."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, select

from models import AuditEvent, Mention, Reply, User
from tests.web.web_helpers import post_form

HOSTILE_AUTHOR = "=cmd|' /C calc'!A0"
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=timezone.utc)
RANGE = {"range": "custom", "since": "2026-11-01", "until": "2026-11-30"}


@pytest.fixture()
def complaints(make_mention: Callable[..., Mention], db_session: Session) -> list[Mention]:
    made = []
    for day in range(1, 29, 3):
        mention = make_mention(created_at=datetime(2026, 11, day, 10, tzinfo=timezone.utc), complaint=0.9,
                               sentiment="negative", topics=["delivery"], status="replied",
                               author=HOSTILE_AUTHOR, author_id="repeat-1", language="en")
        db_session.add(Reply(mention_id=mention.id, text="Sorry", poster="manual", status="posted",
                             posted_at=mention.created_at + timedelta(hours=2)))
        made.append(mention)
    make_mention(created_at=datetime(2026, 11, 10, 9, tzinfo=timezone.utc), sentiment="positive", rating=5,
                 network="appstore", status="needs_reply")
    db_session.flush()
    return made


def test_viewers_see_the_report_with_charts_beside_tables(client: FlaskClient, logged_in: Callable[[str], User],
                                                          complaints: list[Mention]) -> None:
    logged_in("viewer")
    page = client.get("/reports", query_string=RANGE)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'href="/reports"' in html  # the navigation link
    assert html.count('role="img"') >= 4 and "<title id=\"chart-volume-title\">" in html
    for heading in ("Volume", "Sentiment", "Complaints", "Responsiveness", "Issues resolved", "Repeat complainers",
                    "Peak hours", "Ratings", "What changed"):
        assert f">{heading}</h2>" in html
    assert "not a Net Promoter Score" in html
    assert f'href="/mentions/{complaints[-1].id}"' in html  # an example complaint links to its page
    assert "=cmd|" in html and "<script>" not in html.split("<body")[1].split("</header>")[1]
    assert "Scheduled digests" not in html  # admins only


def test_the_form_round_trips_through_the_url(client: FlaskClient, logged_in: Callable[[str], User],
                                              complaints: list[Mention]) -> None:
    logged_in("viewer")
    html = client.get("/reports", query_string={**RANGE, "network": "x", "complaint": "yes"}).get_data(as_text=True)
    assert 'value="2026-11-01"' in html and 'value="2026-11-30"' in html
    assert '<option value="x" selected' in html and '<option value="yes" selected' in html
    assert "Filters: Network: x; Complaint: yes" in html
    assert "range=custom" in html and "network=x" in html  # the download links carry the same report


def test_a_bad_argument_is_a_clear_400_that_keeps_the_form(client: FlaskClient,
                                                          logged_in: Callable[[str], User]) -> None:
    logged_in("viewer")
    page = client.get("/reports", query_string={"range": "custom", "since": "2026-11-30", "until": "2026-11-01",
                                                "topic": "delivery"})
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and "cannot be shown" in html and 'value="delivery"' in html
    assert client.get("/reports", query_string={"rating": "9"}).status_code == 400


def test_logged_out_visitors_are_sent_to_log_in(client: FlaskClient) -> None:
    assert client.get("/reports").status_code == 302
    assert client.get("/reports/export.zip").status_code == 302


def test_the_zip_holds_one_guarded_csv_per_table_and_is_audited(client: FlaskClient, db_session: Session,
                                                                logged_in: Callable[[str], User],
                                                                complaints: list[Mention]) -> None:
    user = logged_in("viewer")
    response = client.get("/reports/export.zip", query_string={**RANGE, "network": "x"})
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "earful-report-2026-11-01-to-2026-12-01.zip" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    assert "README.txt" in names and "volume_by_network.csv" in names and "repeat_complainers.csv" in names
    assert "Filters: Network: x" in archive.read("README.txt").decode()
    rows = list(csv.DictReader(io.StringIO(archive.read("repeat_complainers.csv").decode())))
    assert rows[0]["author"] == "'" + HOSTILE_AUTHOR and rows[0]["complaints"] == str(len(complaints))
    volume = list(csv.DictReader(io.StringIO(archive.read("volume_by_network.csv").decode())))
    assert volume == [{"network": "x", "current": str(len(complaints)), "previous": "0"}]
    event = db_session.exec(select(AuditEvent).where(AuditEvent.action == "report.exported")).one()
    assert event.actor_id == user.id and event.details["format"] == "zip"
    assert event.details["filters"] == {"network": "x"}


def test_one_table_as_csv(client: FlaskClient, logged_in: Callable[[str], User], complaints: list[Mention]) -> None:
    logged_in("viewer")
    response = client.get("/reports/complaint_topics.csv", query_string=RANGE)
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["topic", "current", "previous", "examples"]
    assert rows[1][:3] == ["delivery", str(len(complaints)), "0"]
    assert client.get("/reports/nothing.csv", query_string=RANGE).status_code == 404


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_pdf_is_a_pdf_of_the_paper_asked_for(client: FlaskClient, logged_in: Callable[[str], User],
                                                 complaints: list[Mention], paper: str) -> None:
    pdfium = pytest.importorskip("pypdfium2")
    logged_in("viewer")
    response = client.get("/reports/report.pdf", query_string={**RANGE, "paper": paper})
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    document = pdfium.PdfDocument(response.data)
    width, height = document[0].get_size()
    assert (round(width), round(height)) == ((595, 842) if paper == "a4" else (612, 792))
    text = document[0].get_textpage().get_text_range()
    assert "Lumo Home" in text and "2026-11-01" in text and "Generated" in text
    last = document[len(document) - 1].get_textpage().get_text_range()
    assert "Lumo Home" in last and f"page {len(document)} of {len(document)}" in last
    document.close()
    assert client.get("/reports/report.pdf", query_string={**RANGE, "paper": "a3"}).status_code == 400


def test_staff_mark_a_complaint_resolved_and_take_it_back(client: FlaskClient, db_session: Session,
                                                          logged_in: Callable[[str], User],
                                                          complaints: list[Mention]) -> None:
    logged_in("agent")
    mention = complaints[0]
    page = client.get(f"/mentions/{mention.id}").get_data(as_text=True)
    assert "Mark resolved" in page
    response = post_form(client, f"/reports/mentions/{mention.id}/resolved", {"action": "mark"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/mentions/{mention.id}")
    db_session.refresh(mention)
    assert mention.resolved_at is not None
    assert "Unmark resolved" in client.get(f"/mentions/{mention.id}").get_data(as_text=True)
    post_form(client, f"/reports/mentions/{mention.id}/resolved", {"action": "unmark"})
    db_session.refresh(mention)
    assert mention.resolved_at is None
    actions = db_session.exec(select(AuditEvent.action).where(AuditEvent.mention_id == mention.id)).all()
    assert "mention.resolved" in actions and "mention.unresolved" in actions


def test_viewers_cannot_mark_resolved_and_forms_need_csrf(client: FlaskClient, logged_in: Callable[[str], User],
                                                          complaints: list[Mention]) -> None:
    logged_in("viewer")
    url = f"/reports/mentions/{complaints[0].id}/resolved"
    assert post_form(client, url, {"action": "mark"}).status_code == 403
    assert client.post(url, data={"action": "mark"}).status_code == 400  # no CSRF token


def test_a_search_with_a_nul_character_is_searched_without_it(client: FlaskClient, logged_in: Callable[[str], User],
                                                              complaints: list[Mention]) -> None:
    """PostgreSQL refuses NUL in a string: the queue's search drops it, and so must the report's."""
    logged_in("viewer")
    page = client.get("/reports", query_string={**RANGE, "q": "Sorry\x00"})
    assert page.status_code == 302 and "q=Sorry&" in page.location + "&"  # the canonical address, without it
    assert client.get(page.location).status_code == 200
