"""Thin admin views over responder.drafting.library: parse the form, call the service, commit once, redirect (PRG)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict

from inbox.queue.queries import SENTIMENTS
from listener.platforms import NETWORK_NAMES
from models import SavedReply
from models.errors import Invalid
from models.topic_store import active_topic_names
from responder.drafting.intents import SAVED_REPLY_INTENTS
from responder.drafting.library import (
    LANGUAGES,
    Filters,
    create_saved_reply,
    join_variants,
    saved_reply_rows,
    set_active,
    update_saved_reply,
    validate,
)
from responder.drafting.variables import KNOWN_VARIABLES
from web.admin_views import admin_route, flash_saved, form_or_submit, form_page, found_or_404, submitted_switch
from web.auth.login import acting_user
from web.db import db_session
from web.formatting import untrusted_plain
from web.saved_replies.blueprint import bp

FIELDS = ("name", "language", "topic", "sentiment", "network", "body", "variants", "intent", "channel")


@dataclass(frozen=True)
class FormValues:
    """What the form shows: the submitted text as typed, so an error never loses the admin's input."""

    name: str = ""
    language: str = "en"
    topic: str = ""
    sentiment: str = ""
    network: str = ""
    body: str = ""
    variants: str = ""
    intent: str = ""
    channel: str = ""

    @classmethod
    def submitted(cls, form: MultiDict[str, str]) -> FormValues:
        return cls(**{key: form.get(key, "") for key in FIELDS})

    @classmethod
    def of(cls, saved: SavedReply) -> FormValues:
        return cls(name=saved.name, language=saved.language, topic=saved.topic or "",
                   sentiment=saved.sentiment or "", network=saved.network or "", body=saved.body,
                   variants=join_variants(saved.variants), intent=saved.intent or "", channel=saved.channel or "")


def _filters() -> Filters:
    args = request.args
    names = ("language", "topic", "sentiment", "network", "intent", "channel")
    return Filters(**{name: args.get(name) or None for name in names}, include_inactive=args.get("inactive") == "1")


@admin_route(bp, "/saved-replies")
def index() -> ResponseReturnValue:
    filters = _filters()
    return render_template("saved_replies/index.html", rows=saved_reply_rows(db_session(), filters),
                           filters=filters, **_choices(None))


@admin_route(bp, "/saved-replies/new", methods=("GET", "POST"))
def new() -> ResponseReturnValue:
    return form_or_submit(lambda: _render_form(FormValues(), saved=None), lambda: _submit(None))


@admin_route(bp, "/saved-replies/<int:saved_reply_id>/edit", methods=("GET", "POST"))
def edit(saved_reply_id: int) -> ResponseReturnValue:
    saved = _get(saved_reply_id)
    return form_or_submit(lambda: _render_form(FormValues.of(saved), saved=saved), lambda: _submit(saved))


@admin_route(bp, "/saved-replies/<int:saved_reply_id>/active", methods=("POST",))
def toggle(saved_reply_id: int) -> ResponseReturnValue:
    wanted = submitted_switch("active", asking="activate or deactivate the saved reply")
    session = db_session()
    saved = _get(saved_reply_id)
    if set_active(session, saved, wanted, actor=acting_user()):
        session.commit()
    state = "active" if saved.active else "deactivated: no new draft will use it"
    flash(f"{untrusted_plain(saved.name)} is {state}.", "success")
    return redirect(url_for("saved_replies.index"))


def _submit(saved: SavedReply | None) -> ResponseReturnValue:
    values = FormValues.submitted(request.form)
    try:
        spec = validate(**{key: getattr(values, key) for key in FIELDS}, topics=_topics(saved))
    except Invalid as error:
        return _render_form(values, saved=saved, errors=error.errors, status=400)
    session = db_session()
    if saved is None:
        saved = create_saved_reply(session, spec, actor=acting_user())
        flash(f"Saved reply {untrusted_plain(saved.name)} added.", "success")
    else:
        flash_saved(update_saved_reply(session, saved, spec, actor=acting_user()),
                    f"Saved reply {untrusted_plain(saved.name)} saved. Drafts already made keep their text.")
    session.commit()
    return redirect(url_for("saved_replies.index"))


def _render_form(values: FormValues, *, saved: SavedReply | None, errors: dict[str, str] | None = None,
                 status: int = 200) -> ResponseReturnValue:
    return form_page("saved_replies/form.html", errors=errors, status=status, values=values, saved=saved,
                     variables=KNOWN_VARIABLES, **_choices(saved))


def _choices(saved: SavedReply | None) -> dict[str, object]:
    return {"languages": LANGUAGES, "topics": {name: name for name in _topics(saved)},
            "sentiments": {label: label for label in SENTIMENTS}, "networks": NETWORK_NAMES,
            "intents": {name: name for name in SAVED_REPLY_INTENTS},
            "channels": {"store": "store (review sites, no DMs)", "social": "social"}}


def _topics(saved: SavedReply | None) -> list[str]:
    """The workspace's active topics, plus the one the saved reply is for when it has since been switched off
    (so that editing the reply's wording does not force another topic on it)."""
    names = active_topic_names(db_session())
    kept = saved.topic if saved is not None else None
    return [*names, kept] if kept and kept not in names else names


def _get(saved_reply_id: int) -> SavedReply:
    return found_or_404(db_session().get(SavedReply, saved_reply_id), "saved reply")
