"""Alert rules for admins, thin views over alerts.rules: list, add, edit (the form keeps the admin's input and
shows each field's error), enable or disable. Every change is audited by the service."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlmodel import Session, col, select

from alerts.rules import METRICS, RuleInvalid, create_rule, describe, list_rules, set_rule_enabled, update_rule
from alerts.scope import DIMENSIONS
from alerts.service import list_channels
from listener.platforms import NETWORK_NAMES
from models import Source
from models.alert_rule import AlertRule
from models.row_ids import parse_row_id
from models.topic_store import list_topics
from web.admin_views import admin_route, form_or_submit, form_page, found_or_404, submitted_switch
from web.alerts.blueprint import bp
from web.auth.login import acting_user
from web.db import db_session
from web.formatting import untrusted_plain

TEXT_FIELDS = ("name", "metric", "per", "topic", "network", "source_id", "language", "query", "bucket_seconds",
               "false_alarms_per_month", "min_count", "cooldown_minutes", "sla_hours")
DEFAULTS = {"metric": "negative", "bucket_seconds": "300", "false_alarms_per_month": "1", "min_count": "5",
            "cooldown_minutes": "720"}


@admin_route(bp, "/rules")
def rules() -> ResponseReturnValue:
    session = db_session()
    channels = {state.id: state.name for state in list_channels(session)}
    return render_template("alerts/rules.html", rules=list_rules(session), describe=describe, channels=channels)


@admin_route(bp, "/rules/new", methods=("GET", "POST"))
def new_rule() -> ResponseReturnValue:
    return form_or_submit(lambda: _form(None, {**dict.fromkeys(TEXT_FIELDS, ""), **DEFAULTS, "channels": "all"}),
                          lambda: _submit(None))


@admin_route(bp, "/rules/<int:rule_id>/edit", methods=("GET", "POST"))
def edit_rule(rule_id: int) -> ResponseReturnValue:
    rule = found_or_404(db_session().get(AlertRule, rule_id), "alert rule")
    return form_or_submit(lambda: _form(rule, _values(rule)), lambda: _submit(rule))


@admin_route(bp, "/rules/<int:rule_id>/enabled", methods=("POST",))
def toggle_rule(rule_id: int) -> ResponseReturnValue:
    session = db_session()
    rule = found_or_404(session.get(AlertRule, rule_id), "alert rule")
    wanted = submitted_switch("enabled", asking="enable or disable the rule")
    set_rule_enabled(session, rule_id, wanted, actor=acting_user())
    session.commit()
    flash(f"{untrusted_plain(rule.name)} is {'on' if wanted else 'off'}.", "success")
    return redirect(url_for("alerts.rules", _anchor=f"rule-{rule_id}"))


def _submit(rule: AlertRule | None) -> ResponseReturnValue:
    session = db_session()
    values = _submitted()
    fields: dict[str, Any] = {key: values[key] for key in TEXT_FIELDS}
    # The service reads None as "every enabled channel" and a list (maybe empty: the app only) as a choice.
    fields["channel_ids"] = None if values["channels"] == "all" else request.form.getlist("channel_ids")
    try:
        saved = create_rule(session, fields, actor=acting_user()) if rule is None \
            else update_rule(session, rule.id or 0, fields, actor=acting_user())
    except RuleInvalid as error:
        session.rollback()
        return _form(rule, values, errors=error.errors, status=400)
    session.commit()
    flash(f"Alert rule {untrusted_plain(saved.name)} saved; the detector uses it from its next run.", "success")
    return redirect(url_for("alerts.rules", _anchor=f"rule-{saved.id}"))


def _submitted() -> dict[str, Any]:
    """The form as typed, so that an error shows it again unchanged."""
    values: dict[str, Any] = {key: request.form.get(key, "") for key in TEXT_FIELDS}
    values["channels"] = "chosen" if request.form.get("channels") == "chosen" else "all"
    values["channel_ids"] = [pk for pk in request.form.getlist("channel_ids") if parse_row_id(pk)]
    return values


def _values(rule: AlertRule) -> dict[str, Any]:
    values: dict[str, Any] = {key: "" if getattr(rule, key) is None else str(getattr(rule, key))
                              for key in TEXT_FIELDS}
    values["false_alarms_per_month"] = f"{rule.false_alarms_per_month:g}"
    values["sla_hours"] = "" if rule.sla_hours is None else f"{rule.sla_hours:g}"
    values["channels"] = "all" if rule.channel_ids is None else "chosen"
    values["channel_ids"] = [str(pk) for pk in rule.channel_ids or []]
    return values


def _form(rule: AlertRule | None, values: dict[str, Any], *, errors: dict[str, str] | None = None,
          status: int = 200) -> ResponseReturnValue:
    session = db_session()
    return form_page("alerts/rule_form.html", errors=errors, status=status, rule=rule, values=values,
                     metrics=METRICS, dimensions=DIMENSIONS, networks=NETWORK_NAMES, channels=list_channels(session),
                     topics=[topic.name for topic in list_topics(session)], sources=_sources(session))


def _sources(session: Session) -> list[tuple[int, str]]:
    return [(pk or 0, name) for pk, name in session.exec(select(Source.id, Source.name).order_by(col(Source.id)))]
