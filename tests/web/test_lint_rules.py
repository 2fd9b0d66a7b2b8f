"""Lint on the mention page, refusing approval (page, bulk, API) while a blocking finding exists, and the
admin page that edits the rules."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from sqlmodel import Session, select

from models import AuditEvent, LintRule, Reply, User
from tests.web.test_web_api_support import Headers, api_headers
from tests.web.web_helpers import RecordingDispatcher, csrf_token, post_form

__all__ = ["api_headers"]  # the fixture, shared with the other API tests

PUBLIC_ASK = "Sorry! Please reply here with your phone number and we'll call."


def _reload(db_session: Session, reply: Reply) -> Reply:
    db_session.expire_all()
    return db_session.get_one(Reply, reply.id)


def test_findings_are_shown_inline_with_their_severity(client: FlaskClient, logged_in: Callable[[str], User],
                                                      make_draft: Callable[..., Reply]) -> None:
    logged_in("approver")
    reply = make_draft(text=PUBLIC_ASK + " You should have read the manual.", network="x", in_reply_to_brand=False)
    html = client.get(f"/mentions/{reply.mention_id}").get_data(as_text=True)
    assert 'data-lint-code="personal_data_request" data-severity="block"' in html
    assert 'data-lint-code="blaming" data-severity="warn"' in html
    assert 'data-lint-code="x_not_addressed" data-severity="warn"' in html
    assert "Blocks approval:" in html and "Reply manually" in html
    assert 'aria-describedby="reply-count reply-lint"' in html


def test_approval_is_refused_while_a_finding_blocks(client: FlaskClient, db_session: Session,
                                                   dispatcher: RecordingDispatcher,
                                                   logged_in: Callable[[str], User],
                                                   make_draft: Callable[..., Reply]) -> None:
    logged_in("approver")
    reply = make_draft(text=PUBLIC_ASK, network="reddit")
    page = f"/mentions/{reply.mention_id}"
    response = post_form(client, f"/replies/{reply.id}/approve", {"text": PUBLIC_ASK, "version": "1"},
                         token_from=page)
    assert response.status_code == 302
    assert _reload(db_session, reply).status == "draft" and dispatcher.calls == []
    assert "Not approved: Asks for personal data in public" in client.get(page).get_data(as_text=True)


def test_warnings_do_not_stop_approval(client: FlaskClient, db_session: Session, dispatcher: RecordingDispatcher,
                                       logged_in: Callable[[str], User], make_draft: Callable[..., Reply]) -> None:
    logged_in("approver")
    text = "Thanks for the note. Please DM us."
    reply = make_draft(text=text, network="reddit", complaint=0.9)  # no apology: a warning
    post_form(client, f"/replies/{reply.id}/approve", {"text": text, "version": "1"},
              token_from=f"/mentions/{reply.mention_id}")
    assert _reload(db_session, reply).status == "approved" and dispatcher.calls == [("post_reply", reply.id)]


def test_bulk_approve_skips_blocked_drafts(client: FlaskClient, db_session: Session,
                                           dispatcher: RecordingDispatcher, logged_in: Callable[[str], User],
                                           make_draft: Callable[..., Reply]) -> None:
    logged_in("approver")
    good = make_draft(text="Sorry about that, please DM us.", network="reddit")
    blocked = make_draft(text=PUBLIC_ASK, network="reddit")
    token = csrf_token(client.get("/queue").get_data(as_text=True))
    client.post("/queue/bulk", data={"csrf_token": token, "action": "approve",
                                     f"version-{good.mention_id}": "1", f"version-{blocked.mention_id}": "1",
                                     "mention": [str(good.mention_id), str(blocked.mention_id)]})
    assert (_reload(db_session, good).status, _reload(db_session, blocked).status) == ("approved", "draft")
    assert dispatcher.calls == [("post_reply", good.id)]
    assert "Asks for personal data in public" in client.get("/queue").get_data(as_text=True)


def test_api_approval_is_refused_with_the_findings(client: FlaskClient, db_session: Session,
                                                   api_headers: Callable[[str], Headers],
                                                   make_draft: Callable[..., Reply]) -> None:
    reply = make_draft(text="Hi {author}, sorry!", network="reddit")
    response = client.post(f"/api/v1/replies/{reply.id}/approve", json={"version": 1},
                           headers=api_headers("approver"))
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "lint_blocked"
    assert error["problems"] == ["The reply has unfilled variables: {author}. Replace them with real words."]
    assert _reload(db_session, reply).status == "draft"


def test_admin_edits_a_rule_and_lint_follows(client: FlaskClient, db_session: Session,
                                             logged_in: Callable[[str], User],
                                             make_draft: Callable[..., Reply]) -> None:
    logged_in("admin")
    index = client.get("/lint-rules").get_data(as_text=True)
    assert 'id="rule-length_x"' in index and 'id="rule-personal_data_request"' in index
    form = client.get("/lint-rules/blaming/edit").get_data(as_text=True)
    assert "you should have" in form
    response = post_form(client, "/lint-rules/blaming/edit", {
        "message": "Never blame: {found}.", "severity": "block", "enabled": "1",
        "phrases_en": "not our problem", "phrases_ja": "", "phrases_ko": ""}, token_from="/lint-rules/blaming/edit")
    assert response.status_code == 302
    row = db_session.exec(select(LintRule).where(LintRule.code == "blaming")).one()
    db_session.refresh(row)
    assert (row.severity, row.params["phrases"]["en"], row.params["phrases"]["ja"]) == ("block", ["not our problem"],
                                                                                        [])
    event = db_session.exec(select(AuditEvent).where(AuditEvent.action == "lint_rule.updated")).one()
    assert event.details["code"] == "blaming"
    reply = make_draft(text="Sorry, that is not our problem.", network="reddit")
    html = client.get(f"/mentions/{reply.mention_id}").get_data(as_text=True)
    assert 'data-lint-code="blaming" data-severity="block"' in html
    assert "Never blame: &#34;not our problem&#34;." in html


def test_admin_changes_a_length_limit_and_the_count_follows(client: FlaskClient, logged_in: Callable[[str], User],
                                                            make_draft: Callable[..., Reply]) -> None:
    logged_in("admin")
    post_form(client, "/lint-rules/length_mastodon/edit", {
        "message": "{used} characters, over the limit of {limit}.", "severity": "block", "enabled": "1",
        "limit": "20"}, token_from="/lint-rules")
    reply = make_draft(text="Sorry, we are on it right now.", network="mastodon", author="ann")
    html = client.get(f"/mentions/{reply.mention_id}").get_data(as_text=True)
    # 30 typed + "@ann ", the mention the Mastodon poster puts in front
    assert 'data-limit="20"' in html and "35 characters, over the limit of 20." in html


def test_a_disabled_rule_no_longer_runs(client: FlaskClient, logged_in: Callable[[str], User],
                                        make_draft: Callable[..., Reply]) -> None:
    logged_in("admin")
    post_form(client, "/lint-rules/x_not_addressed/edit", {
        "message": "Reply manually.", "severity": "warn"}, token_from="/lint-rules")  # no "enabled": off
    reply = make_draft(text="Sorry, we are on it.", network="x", in_reply_to_brand=False)
    html = client.get(f"/mentions/{reply.mention_id}").get_data(as_text=True)
    assert 'data-lint-code="x_not_addressed"' not in html


def test_bad_edits_show_errors_and_keep_the_input(client: FlaskClient, db_session: Session,
                                                  logged_in: Callable[[str], User]) -> None:
    logged_in("admin")
    response = post_form(client, "/lint-rules/length_x/edit", {
        "message": "<b>kept</b>", "severity": "loud", "enabled": "1", "limit": "abc"}, token_from="/lint-rules")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nothing was saved" in html and "&lt;b&gt;kept&lt;/b&gt;" in html and 'value="abc"' in html
    assert db_session.exec(select(LintRule).where(LintRule.code == "length_x")).one().params["limit"] == 280
    assert client.get("/lint-rules/nope/edit").status_code == 404


def test_only_admins_edit_rules(client: FlaskClient, logged_in: Callable[[str], User]) -> None:
    logged_in("approver")
    assert client.get("/lint-rules").status_code == 403
    assert client.get("/lint-rules/blaming/edit").status_code == 403
