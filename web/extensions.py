"""Typed access to what create_app stored on the app: settings, the session factory, the dispatcher."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from flask import current_app
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from settings import Settings

if TYPE_CHECKING:
    from worker import Dispatcher

SESSION_FACTORY_KEY = "earful.session_factory"
DISPATCHER_KEY = "earful.dispatcher"


def app_settings() -> Settings:
    return cast(Settings, current_app.config["EARFUL_SETTINGS"])


def session_factory() -> sessionmaker[Session]:
    return cast("sessionmaker[Session]", current_app.extensions[SESSION_FACTORY_KEY])


def dispatcher() -> Dispatcher:
    return cast("Dispatcher", current_app.extensions[DISPATCHER_KEY])
