"""Every route x every role, against an explicit table of who may do what.

ACCESS has one entry per (method, endpoint) in app.url_map; a route without an entry (or an entry without a
route) fails test_every_route_has_an_entry, so a new page or API operation cannot ship unreviewed. Each entry
names the least role that may use the route and, where the view needs them, the form or JSON it is sent.

Expected outcomes: a public route answers everyone; a private page sends the anonymous to the login page; an
API operation answers the anonymous 401; a logged-in user below the route's role gets 403; a user with the role
gets a 2xx or 3xx (a redirect, but never the login gate's) with a request that is valid for the view.

Adding a route is one line. Path parameters are filled from World by name (`mention_id`, `reply_id`,
`source_id`, `token_id`, ...); `args` maps a parameter to another World field (say a reply in another state).
A view that needs an object World does not build yet can be given `args={"thing_id": "missing_id"}` and
`ok=(404,)`: the role gate runs before the lookup, so that still proves who gets in.
HEAD and OPTIONS are left out: Flask adds them to every rule, and HEAD runs the GET view.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlmodel import Session
from werkzeug.test import TestResponse

from inbox.auth.sessions import start_session
from inbox.auth.tokens import create_api_token
from models import ApiToken, Mention, Reply, Role, SavedReply, Source, User
from tests.web.web_helpers import csrf_token
from web.api.blueprint import API_PREFIX

PUBLIC = None
ROLES = ("anonymous", Role.viewer.value, Role.agent.value, Role.approver.value, Role.admin.value)
AUTOMATIC_METHODS = {"HEAD", "OPTIONS"}

Payload = dict[str, Any] | Callable[["World"], dict[str, Any]]


@dataclass(frozen=True)
class Route:
    role: Role | None  # the least role that may use it; PUBLIC: anyone, logged in or not
    form: Payload | None = None  # a page's POST form (the CSRF token is added)
    json: Payload | None = None  # an API operation's body
    args: dict[str, str] = field(default_factory=dict)  # path parameter -> World field, when not the same name
    query: dict[str, str] = field(default_factory=dict)
    ok: tuple[int, ...] = ()  # statuses that also count as let in, besides 2xx and 3xx


SOURCE_FORM = {"name": "Matrix import", "collector": "import", "network": "reddit", "query": "", "config": "{}",
               "action": "save"}
SAVED_REPLY_FORM = {"name": "Matrix apology", "language": "en", "topic": "", "sentiment": "", "network": "",
                    "body": "Sorry, {author}. We are on it.", "variants": ""}

ACCESS: dict[str, Route] = {
    # public
    "GET static": Route(PUBLIC),
    "GET health.healthz": Route(PUBLIC),
    "GET auth.login": Route(PUBLIC),
    # wrong credentials: the login page answers 401 to everyone, and nobody is sent elsewhere
    "POST auth.login": Route(PUBLIC, form={"email": "nobody@example.com", "password": "wrong password"}, ok=(401,)),
    # any logged-in user
    "POST auth.logout": Route(Role.viewer, form={}),
    "GET auth.account": Route(Role.viewer),
    "POST auth.create_token": Route(Role.viewer, form={"name": "matrix"}),
    "POST auth.revoke_token": Route(Role.viewer, form={}),
    "GET auth.password": Route(Role.viewer),
    # these users have no usable password, so the view answers 400 after the role gate
    "POST auth.change_password_view": Route(Role.viewer, form={"current_password": "matrix wrong password",
                                                               "new_password": "matrix new password",
                                                               "confirm_password": "matrix new password"},
                                            ok=(400,)),
    "GET queue.home": Route(Role.viewer),
    "GET queue.index": Route(Role.viewer),
    "GET queue.counts": Route(Role.viewer),
    "GET queue.mention": Route(Role.viewer),
    "GET queue.presence": Route(Role.viewer),
    "POST queue.presence_left": Route(Role.viewer, form={}),
    # everyone keeps their own saved queue views and time zone
    "POST queue.save_view": Route(Role.viewer, form={"name": "Matrix view", "tab": "needs_reply"}),
    "POST queue.remove_view": Route(Role.viewer, form={}, args={"view_id": "missing_id"}, ok=(404,)),
    "POST queue.save_time_zone": Route(Role.viewer, form={"time_zone": "Europe/Berlin"}),
    "GET similar.for_mention": Route(Role.viewer),
    # agents
    "POST queue.save_reply": Route(Role.agent, form=lambda w: {"text": "Matrix edit", "version": "1"}),
    "POST queue.confirm_reply": Route(Role.agent, form={}, args={"reply_id": "manual_reply_id"}),
    "POST queue.redraft_reply": Route(Role.agent, form={}, args={"mention_id": "bare_mention_id"}),
    "POST queue.assign_mention": Route(Role.agent, form={"assignee": ""}),
    "POST queue.ignore_mention": Route(Role.agent, form={"note": "matrix"}),
    "POST queue.escalate_mention": Route(Role.agent, form=lambda w: {"approver": str(w.approver_id)}),
    "POST queue.bulk": Route(Role.agent, form=lambda w: {"action": "assign", "assignee": "",
                                                         "mention": str(w.mention_id)}),
    "POST corrections.relabel": Route(Role.agent, form={"sentiment": "negative", "complaint": "yes"}),
    "POST corrections.withdraw_draft": Route(Role.agent, form=lambda w: {"reply_id": str(w.reply_id), "version": "1"}),
    "POST saved_replies.fill_reply": Route(Role.agent, form={"version": "1"}),
    "POST saved_replies.pick_saved_reply": Route(Role.agent, form=lambda w: {"saved_reply_id": str(w.saved_reply_id),
                                                                             "version": "1"}),
    # generative drafting is off in these settings: the view answers 404, after the role gate
    "POST saved_replies.assist_reply": Route(Role.agent, form={"version": "1"}, ok=(404,)),
    # approvers
    "POST queue.approve_reply": Route(Role.approver, form=lambda w: {"text": w.reply_text, "version": "1"}),
    "POST queue.reject_reply": Route(Role.approver, form={"note": "matrix"}),
    # a draft has no undo window: the approver is let in and told it is too late
    "POST queue.undo_reply": Route(Role.approver, form={}),
    "GET audit_export.index": Route(Role.approver),
    "GET audit_export.export": Route(Role.approver, query={"since": "2026-11-01", "until": "2026-11-02"}),
    # admins
    "GET auth.users": Route(Role.admin),
    "POST auth.sign_out_user": Route(Role.admin, form={}, args={"user_id": "approver_id"}),
    "POST auth.set_user_active_view": Route(Role.admin, form={"active": "0"}, args={"user_id": "approver_id"}),
    "GET sources.index": Route(Role.admin),
    "GET sources.new": Route(Role.admin),
    "POST sources.new": Route(Role.admin, form=SOURCE_FORM),
    "GET sources.edit": Route(Role.admin),
    "POST sources.edit": Route(Role.admin, form=SOURCE_FORM),
    "POST sources.toggle": Route(Role.admin, form={"enabled": "0"}),
    "POST sources.test": Route(Role.admin, form={}),
    "POST sources.dismiss_rows": Route(Role.admin, form={"up_to": "1"}),
    "GET workspace_settings.index": Route(Role.admin),
    "GET saved_replies.index": Route(Role.admin),
    "GET saved_replies.new": Route(Role.admin),
    "POST saved_replies.new": Route(Role.admin, form=SAVED_REPLY_FORM),
    "GET saved_replies.edit": Route(Role.admin),
    "POST saved_replies.edit": Route(Role.admin, form=SAVED_REPLY_FORM),
    "POST saved_replies.toggle": Route(Role.admin, form={"active": "0"}),
    "GET lint_rules.index": Route(Role.admin),
    "GET lint_rules.edit": Route(Role.admin),
    "POST lint_rules.edit": Route(Role.admin, form={"message": "Empty.", "severity": "block", "enabled": "1"}),
    "GET topics.index": Route(Role.admin),
    "GET topics.edit": Route(Role.admin, args={"name": "topic_name"}),
    "POST topics.edit": Route(Role.admin, args={"name": "topic_name"},
                              form={"description": "Matrix.", "active": "1", "keywords_en": "matrix"}),
    "GET topics.new": Route(Role.admin),
    "POST topics.new": Route(Role.admin, form={"name": "matrix_topic", "description": "Matrix.", "active": "1",
                                               "keywords_en": "matrix"}),
    "POST topics.move": Route(Role.admin, args={"name": "topic_name"}, form={"direction": "up"}),
    # the FAQ and incident mode (web/faq, web/incident): admins only
    "GET faq.index": Route(Role.admin),
    "GET faq.new": Route(Role.admin),
    "POST faq.new": Route(Role.admin, form={"language": "ja", "question": "100V?", "keywords": "100V",
                                            "answer": "日本国内の100Vでお使いいただけます。"}),
    "GET faq.edit": Route(Role.admin, args={"entry_id": "missing_id"}, ok=(404,)),
    "POST faq.edit": Route(Role.admin, form={"language": "en"}, args={"entry_id": "missing_id"}, ok=(404,)),
    "POST faq.toggle": Route(Role.admin, form={"active": "0"}, args={"entry_id": "missing_id"}, ok=(404,)),
    "GET incident.index": Route(Role.admin),
    "POST incident.index": Route(Role.admin, form={"notice_url": "https://lumo.example/notice",
                                                   "reply_en": "We know about the delay: {notice_url}"}),
    "POST incident.finish": Route(Role.admin, form={}, args={"incident_id": "missing_id"}, ok=(404,)),
    # alerts (web/alerts): anyone signed in reads them, agents act on them, admins manage rules and channels
    "GET alerts.index": Route(Role.viewer),
    "GET alerts.show": Route(Role.viewer, args={"alert_id": "missing_id"}, ok=(404,)),
    "POST alerts.acknowledge_alert": Route(Role.agent, form={}, args={"alert_id": "missing_id"}, ok=(404,)),
    "POST alerts.mute_alert": Route(Role.agent, form={"minutes": "60"}, args={"alert_id": "missing_id"}, ok=(404,)),
    "POST alerts.resolve_alert": Route(Role.agent, form={}, args={"alert_id": "missing_id"}, ok=(404,)),
    "GET alerts.rules": Route(Role.admin),
    "GET alerts.new_rule": Route(Role.admin),
    "POST alerts.new_rule": Route(Role.admin, form={"name": "Matrix rule", "metric": "negative", "channels": "all"}),
    "GET alerts.edit_rule": Route(Role.admin, args={"rule_id": "missing_id"}, ok=(404,)),
    "POST alerts.edit_rule": Route(Role.admin, form={"metric": "negative"}, args={"rule_id": "missing_id"}, ok=(404,)),
    "POST alerts.toggle_rule": Route(Role.admin, form={"enabled": "0"}, args={"rule_id": "missing_id"}, ok=(404,)),
    "GET alerts.channels": Route(Role.admin),
    "GET alerts.new_channel": Route(Role.admin),
    "POST alerts.new_channel": Route(Role.admin, form={"name": "Matrix", "kind": "slack",
                                                       "url": "https://hooks.example/matrix"}),
    "POST alerts.toggle_channel": Route(Role.admin, form={"enabled": "1"}, args={"channel_id": "missing_id"},
                                        ok=(404,)),
    "GET reports.index": Route(Role.viewer),
    "GET reports.export_zip": Route(Role.viewer),
    "GET reports.export_table": Route(Role.viewer, args={"key": "report_table"}),
    "GET reports.export_pdf": Route(Role.viewer, ok=(503,)),  # 503 where WeasyPrint's pango is missing
    "POST reports.resolve": Route(Role.agent, form={"action": "mark"}),
    "GET reports.new_digest": Route(Role.admin),
    "POST reports.new_digest": Route(Role.admin, form={"name": "Matrix digest", "frequency": "weekly",
                                                       "recipients": "team@example.com", "filters": "",
                                                       "paper": "a4", "enabled": "1"}),
    "GET reports.edit_digest": Route(Role.admin, args={"digest_id": "missing_id"}, ok=(404,)),
    "POST reports.edit_digest": Route(Role.admin, form={"name": "Matrix"}, args={"digest_id": "missing_id"},
                                      ok=(404,)),
    "POST reports.toggle_digest": Route(Role.admin, form={"enabled": "0"}, args={"digest_id": "missing_id"},
                                        ok=(404,)),
    "POST reports.retry_delivery": Route(Role.admin, form={}, args={"delivery_id": "missing_id"}, ok=(404,)),
    # /api/v1, by bearer token
    "GET api.openapi_json": Route(Role.viewer),
    "GET api.reference": Route(Role.viewer),
    "GET api.list_mentions": Route(Role.viewer),
    "GET api.get_mention": Route(Role.viewer),
    "GET api.summary": Route(Role.viewer),
    "GET api.report": Route(Role.viewer),
    "PATCH api.edit_reply": Route(Role.agent, json={"text": "Matrix edit", "version": 1}),
    "POST api.approve_reply": Route(Role.approver, json={"version": 1}),
    "POST api.reject_reply": Route(Role.approver, json={"note": "matrix"}),
    "GET api.list_sources": Route(Role.admin),
}


@dataclass(frozen=True)
class World:
    """The objects the routes act on, built afresh (and rolled back) for every route x role."""

    mention_id: int
    reply_id: int
    reply_text: str
    manual_reply_id: int
    bare_mention_id: int
    source_id: int
    saved_reply_id: int
    approver_id: int
    token_id: int  # the acting user's own API token (the approver's for the anonymous)
    token: str | None  # its plain text, sent as the bearer; None for the anonymous
    filename: str = "css/app.css"
    code: str = "empty"  # a lint rule
    topic_name: str = "price"  # a shipped topic
    report_table: str = "volume_by_network"  # a table of the reputation report
    missing_id: int = 2_000_000_000


@dataclass(frozen=True)
class Factories:
    mention: Callable[..., Mention]
    source: Callable[..., Source]
    saved_reply: Callable[..., SavedReply]


_emails = itertools.count(1)


def _user(session: Session, role: str) -> User:
    # No password hashing: these users are logged in through the session, never through the login form.
    user = User(email=f"matrix{next(_emails)}@example.com", password_hash="!", role=role)
    session.add(user)
    session.flush()
    return user


def _reply(session: Session, mention: Mention, **fields: Any) -> Reply:
    reply = Reply(mention_id=mention.id, text="Sorry about the wait; a replacement ships today.", poster="manual",
                  **fields)
    session.add(reply)
    session.flush()
    return reply


def build_world(session: Session, factories: Factories, actor: User | None) -> World:
    make_mention, make_source = factories.mention, factories.source
    mention, manual, bare = (make_mention(status="needs_reply") for _ in range(3))
    draft = _reply(session, mention)
    approver = _user(session, "approver")
    # The anonymous send no token, but a route with <token_id> still needs a real one to aim at.
    token, plaintext = create_api_token(session, actor or approver, "matrix")
    session.flush()
    return World(mention_id=_id(mention), reply_id=_id(draft), reply_text=draft.text,
                 manual_reply_id=_id(_reply(session, manual, status="manual")), bare_mention_id=_id(bare),
                 source_id=_id(make_source(name="Matrix source")),
                 saved_reply_id=_id(factories.saved_reply(name="Matrix saved reply")), approver_id=_id(approver),
                 token_id=_id(token), token=plaintext if actor else None)


def _id(row: ApiToken | Mention | Reply | SavedReply | Source | User) -> int:
    assert row.id is not None
    return row.id


def route_rules(app: Flask) -> Iterator[tuple[str, str]]:
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - AUTOMATIC_METHODS):
            yield f"{method} {rule.endpoint}", rule.rule


def test_every_route_has_an_entry(app: Flask) -> None:
    routes = dict(route_rules(app))
    missing = sorted(f"{key}  ({routes[key]})" for key in set(routes) - set(ACCESS))
    stale = sorted(set(ACCESS) - set(routes))
    assert not missing, "routes without an entry in ACCESS (say who may use them): " + ", ".join(missing)
    assert not stale, "entries in ACCESS for routes that no longer exist: " + ", ".join(stale)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("key", sorted(ACCESS))
def test_route_answers_each_role_as_the_table_says(key: str, role: str, app: Flask, client: FlaskClient,
                                                   db_session: Session, make_mention: Callable[..., Mention],
                                                   make_source: Callable[..., Source],
                                                   make_saved_reply: Callable[..., SavedReply]) -> None:
    method, endpoint = key.split(" ", 1)
    route = ACCESS[key]
    actor = None if role == "anonymous" else _user(db_session, role)
    world = build_world(db_session, Factories(make_mention, make_source, make_saved_reply), actor)
    path = _path(app, endpoint, route, world)
    is_api = path.startswith(API_PREFIX + "/")
    if actor is not None and not is_api:
        token = start_session(db_session, actor)  # a real server-side session, as a login would start
        with client.session_transaction() as session:
            session["_user_id"] = token
            session["_fresh"] = True
    response = _send(client, method, path, route, world, is_api=is_api, logged_in=actor is not None)
    _assert_outcome(response, route, actor, is_api=is_api, what=f"{key} as {role}")


def _path(app: Flask, endpoint: str, route: Route, world: World) -> str:
    rule = next(rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint)
    values = {}
    for name in rule.arguments:
        source = route.args.get(name, name)
        assert hasattr(world, source), f"World has no {source!r} for <{name}> of {endpoint}: add it, or map it"
        values[name] = getattr(world, source)
    with app.test_request_context():
        return url_for(endpoint, **values, **route.query)


def _send(client: FlaskClient, method: str, path: str, route: Route, world: World, *, is_api: bool,
          logged_in: bool) -> TestResponse:
    if is_api:
        headers = {"Authorization": f"Bearer {world.token}"} if world.token else {}
        body = _payload(route.json, world)
        return client.open(path, method=method, headers=headers, json=body if body is not None else None)
    form = _payload(route.form, world)
    if method == "GET" or form is None:
        return client.open(path, method=method)
    # A real CSRF token for this session, so that what is refused is refused for the role, not the token.
    token = csrf_token(client.get("/account" if logged_in else "/login").get_data(as_text=True))
    return client.open(path, method=method, data={"csrf_token": token, **form})


def _payload(payload: Payload | None, world: World) -> dict[str, Any] | None:
    return payload(world) if callable(payload) else payload


def _assert_outcome(response: TestResponse, route: Route, actor: User | None, *, is_api: bool, what: str) -> None:
    status, location = response.status_code, response.headers.get("Location", "")
    if route.role is None or (actor is not None and actor.has_role(route.role)):
        let_in = 200 <= status < 400 or status in route.ok
        sent_to_login = location.startswith("/login?next=")  # where the login gate sends the anonymous
        assert let_in and not sent_to_login, f"{what}: expected to be let in, got {status} {location}"
    elif actor is None and is_api:
        assert status == 401, f"{what}: expected 401, got {status}"
    elif actor is None:
        assert status == 302 and location.startswith("/login?next="), f"{what}: expected the login page, got {status}"
    else:
        assert status == 403, f"{what}: expected 403, got {status} {location}"
