"""The review-queue web app. `create_app` is the entry point that reads settings and wires everything."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session
from werkzeug.middleware.proxy_fix import ProxyFix

from settings import Settings, get_settings
from web import audit_export, db, errors, formatting, health, saved_replies, security, similar, sources
from web.alerts import bp as alerts_bp
from web.api import bp as api_bp
from web.auth import bp as auth_bp
from web.auth import init_login
from web.config import configure
from web.corrections import bp as corrections_bp
from web.extensions import DISPATCHER_KEY, SESSION_FACTORY_KEY
from web.faq import bp as faq_bp
from web.ids import RowIdConverter
from web.incident import bp as incident_bp
from web.lint_rules import bp as lint_rules_bp
from web.queue import bp as queue_bp
from web.reports import bp as reports_bp
from web.topics import bp as topics_bp
from web.workspace_settings import bp as workspace_settings_bp

if TYPE_CHECKING:
    from worker import Dispatcher


def create_app(
    settings: Settings | None = None,
    *,
    session_factory: sessionmaker[Session] | None = None,
    dispatcher: Dispatcher | None = None,
) -> Flask:
    settings = settings or get_settings()
    app = Flask(__name__)
    app.url_map.converters["int"] = RowIdConverter  # before any route is registered
    configure(app, settings)
    app.extensions[SESSION_FACTORY_KEY] = session_factory or _default_session_factory(settings)
    app.extensions[DISPATCHER_KEY] = dispatcher or _default_dispatcher(settings)

    if settings.proxy_hops:
        hops = settings.proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    db.init_app(app)
    CSRFProtect(app).exempt(api_bp)  # the API authenticates by bearer token, never by cookie
    init_login(app)
    security.init_app(app)
    errors.init_app(app)
    formatting.init_app(app)
    for blueprint in (auth_bp, queue_bp, health.bp, api_bp, sources.bp, corrections_bp, workspace_settings_bp,
                      saved_replies.bp, lint_rules_bp, topics_bp, audit_export.bp, similar.bp, alerts_bp,
                      reports_bp, faq_bp, incident_bp):
        app.register_blueprint(blueprint)
    return app


def _default_session_factory(settings: Settings) -> sessionmaker[Session]:
    from models.db import make_engine, make_session_factory

    return make_session_factory(make_engine(settings.database_url))


def _default_dispatcher(settings: Settings) -> Dispatcher:
    # Imported here so that tests and tools that inject a dispatcher never load Celery.
    from worker import CeleryDispatcher, make_celery

    return CeleryDispatcher(make_celery(settings))
