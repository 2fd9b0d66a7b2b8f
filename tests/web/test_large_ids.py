"""An id too large for a database BIGINT is 'no such thing' (404; 400 in a form), never a 500."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import IntegerConverter, Rule

from models import Reply, User
from models.row_ids import MAX_ROW_ID, parse_count, parse_row_id
from tests.web.web_helpers import post_form

TOO_LARGE = str(MAX_ROW_ID + 1)
PLACEHOLDER = re.compile(r"<(?:[^:<>]+:)?([A-Za-z_][A-Za-z0-9_]*)>")


def _id_rules(app: Flask) -> list[Rule]:
    # The API authenticates by token first (401 without one); its own tests check its 404s.
    return [rule for rule in app.url_map.iter_rules() if not rule.rule.startswith("/api/")
            and any(isinstance(converter, IntegerConverter) for converter in (rule._converters or {}).values())]


def _url(rule: Rule, value: str) -> str:
    converters = rule._converters or {}

    def fill(match: re.Match[str]) -> str:
        return value if isinstance(converters[match.group(1)], IntegerConverter) else "x"

    return PLACEHOLDER.sub(fill, rule.rule)


def test_every_route_with_an_id_answers_404_for_an_id_past_bigint(app: Flask, client: FlaskClient,
                                                                  logged_in: Callable[[str], User]) -> None:
    logged_in("admin")
    rules = _id_rules(app)
    assert len(rules) >= 20  # mentions, replies, sources, saved replies, tokens, topics...
    answers = {}
    for rule in rules:
        url = _url(rule, TOO_LARGE)
        assert "<" not in url, rule.rule
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            answers[f"{method} {url}"] = client.open(url, method=method).status_code
    assert {route: code for route, code in answers.items() if code != 404} == {}


@pytest.mark.parametrize("path", ["/mentions/{}", "/mentions/{}/similar", "/sources/{}/edit",
                                  "/saved-replies/{}/edit"])
def test_named_pages_answer_404(client: FlaskClient, logged_in: Callable[[str], User], path: str) -> None:
    logged_in("admin")
    assert client.get(path.format(TOO_LARGE)).status_code == 404
    assert client.get(path.format("99999999")).status_code == 404


def test_an_audit_export_for_a_huge_mention_id_is_a_clear_400(client: FlaskClient,
                                                             logged_in: Callable[[str], User]) -> None:
    logged_in("approver")
    response = client.get("/audit/export.csv", query_string={"mention_id": TOO_LARGE})
    assert response.status_code == 400


@pytest.mark.parametrize(("raw", "expected"), [("1", 1), (" 42 ", 42), (str(MAX_ROW_ID), MAX_ROW_ID), (TOO_LARGE, None),
                                               ("0", None), ("-1", None), ("", None), (None, None), ("١٢", None),
                                               ("1e3", None)])
def test_parse_row_id(raw: str | None, expected: int | None) -> None:
    assert parse_row_id(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [("0", 0), (" 7 ", 7), (str(MAX_ROW_ID), MAX_ROW_ID), (TOO_LARGE, None),
                                               ("²", None), ("-1", None), ("", None), (None, None)])
def test_parse_count(raw: str | None, expected: int | None) -> None:
    assert parse_count(raw) == expected


@pytest.mark.parametrize("bad", ["²", TOO_LARGE, "x"])
def test_forms_with_a_bad_number_answer_400(client: FlaskClient, logged_in: Callable[[str], User],
                                            make_draft: Callable[..., Reply], bad: str) -> None:
    """"²" passes str.isdigit and then int() raises; a number past BIGINT overflows the driver: both were 500s."""
    logged_in("agent")
    reply = make_draft()
    answers = {
        "version": post_form(client, f"/replies/{reply.id}/save", {"text": "Hi", "version": bad}).status_code,
        "selection": post_form(client, "/queue/bulk", {"action": "ignore", "mention": bad}).status_code,
        "assignee": post_form(client, f"/mentions/{reply.mention_id}/assign", {"assignee": bad}).status_code,
        "version-row": post_form(client, "/queue/bulk", {"action": "approve", "mention": str(reply.mention_id),
                                                         f"version-{reply.mention_id}": bad}).status_code,
        "saved reply": post_form(client, f"/replies/{reply.id}/use-saved-reply",
                                 {"saved_reply_id": bad, "version": "1"}).status_code,
    }
    assert {field: code for field, code in answers.items() if code >= 500} == {}
    assert {answers["version"], answers["selection"], answers["assignee"], answers["saved reply"]} == {400}


@pytest.mark.parametrize("bad", ["²", TOO_LARGE])
def test_a_source_filter_that_is_no_id_is_a_clear_400(client: FlaskClient, logged_in: Callable[[str], User],
                                                      bad: str) -> None:
    """The queue's and the report's `source` went through str.isdigit and int(): "²" was a 500 on both."""
    logged_in("admin")
    assert client.get("/queue", query_string={"source": bad}).status_code == 400
    assert client.get("/reports", query_string={"source": bad}).status_code == 400
