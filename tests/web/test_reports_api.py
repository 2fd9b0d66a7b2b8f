"""GET /api/v1/reports: the same arguments and tables as the page, validated, and in the OpenAPI document."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

from flask.testing import FlaskClient

from models import Mention
from tests.web.test_web_api_support import Headers, api_headers

__all__ = ["api_headers"]  # the fixture, imported for pytest


def test_the_report_as_json_tables(client: FlaskClient, api_headers: Callable[[str], Headers],
                                   make_mention: Callable[..., Mention]) -> None:
    for day in (3, 4, 5):
        make_mention(network="x", created_at=datetime(2026, 11, day, 9, tzinfo=timezone.utc), complaint=0.9,
                     topics=["delivery"])
    make_mention(network="reddit", created_at=datetime(2026, 11, 6, 9, tzinfo=timezone.utc))
    query = {"range": "custom", "since": "2026-11-01", "until": "2026-11-30", "network": "x"}
    response = client.get("/api/v1/reports", query_string=query, headers=api_headers("viewer"))
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["filters"] == {"network": "x"} and body["bucket"] == "day"
    assert body["since"].startswith("2026-11-01") and body["until"].startswith("2026-12-01")
    tables = {table["key"]: table for table in body["tables"]}
    assert tables["volume_by_network"]["rows"] == [["x", 3, 0]]
    assert tables["complaint_topics"]["rows"][0][:3] == ["delivery", 3, 0]
    headline = {row[0]: row for row in body["headline"][0]["rows"]}
    assert headline["Mentions"][1:] == ["count", 3, 0]


def test_some_tables_only_and_bad_arguments(client: FlaskClient, api_headers: Callable[[str], Headers]) -> None:
    headers = api_headers("viewer")
    body = client.get("/api/v1/reports", query_string={"tables": "ratings,what_changed"}, headers=headers).get_json()
    assert [table["key"] for table in body["tables"]] == ["ratings", "what_changed"]
    for query in ({"tables": "nope"}, {"range": "custom"}, {"rating": "7"}, {"colour": "red"},
                  {"range": "custom", "since": "2026-12-01", "until": "2026-11-01"}, {"network": "BAD NET"}):
        response = client.get("/api/v1/reports", query_string=query, headers=headers)
        assert response.status_code == 400, query
        assert response.get_json()["error"]["code"] == "invalid_request"


def test_the_operation_is_documented(client: FlaskClient, api_headers: Callable[[str], Headers]) -> None:
    document = client.get("/api/v1/openapi.json", headers=api_headers("viewer")).get_json()
    operation = document["paths"]["/api/v1/reports"]["get"]
    assert {parameter["name"] for parameter in operation["parameters"]} >= {"range", "since", "until", "network",
                                                                             "topic", "q", "tables"}
    assert "ReportOut" in document["components"]["schemas"]
