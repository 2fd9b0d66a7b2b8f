"""Alert channels for admins, thin views over alerts.service: list them with their state (and why one was
disabled: a 401 from Slack, a refused address), add one, enable or disable one. Secrets never come back to the
page: a webhook shows only its host."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from alerts.channels import CHANNELS
from alerts.service import create_channel, disable_channel, enable_channel, list_channels
from web.admin_views import admin_route, form_or_submit, form_page, found_or_404, submitted_switch
from web.alerts.blueprint import bp
from web.auth.login import acting_user
from web.db import db_session
from web.extensions import app_settings
from web.formatting import untrusted_plain

KIND_LABELS = {"email": "E-mail (SMTP)", "slack": "Slack incoming webhook", "teams": "Microsoft Teams workflow webhook",
               "webhook": "Signed webhook (HMAC-SHA256)"}
FORM_FIELDS = ("name", "kind", "to", "url")


@admin_route(bp, "/channels")
def channels() -> ResponseReturnValue:
    return render_template("alerts/channels.html", channels=list_channels(db_session()), kinds=KIND_LABELS,
                           smtp_ready=bool(app_settings().smtp_host))


@admin_route(bp, "/channels/new", methods=("GET", "POST"))
def new_channel() -> ResponseReturnValue:
    return form_or_submit(lambda: _form({**dict.fromkeys(FORM_FIELDS, ""), "kind": "email"}), _submit)


@admin_route(bp, "/channels/<int:channel_id>/enabled", methods=("POST",))
def toggle_channel(channel_id: int) -> ResponseReturnValue:
    wanted = submitted_switch("enabled", asking="enable or disable the channel")
    session = db_session()
    change = enable_channel if wanted else disable_channel
    channel = found_or_404(change(session, channel_id, actor=acting_user()), "alert channel")
    session.commit()
    flash(f"{untrusted_plain(channel.name)} is {'enabled' if wanted else 'disabled'}.", "success")
    return redirect(url_for("alerts.channels", _anchor=f"channel-{channel_id}"))


def _submit() -> ResponseReturnValue:
    session = db_session()
    values = {key: request.form.get(key, "").strip() for key in FORM_FIELDS}
    kind = values["kind"]
    if kind not in CHANNELS:
        return _form(values, errors={"kind": f"choose one of: {', '.join(CHANNELS)}"}, status=400)
    config: dict[str, object] = {"to": values["to"]} if kind == "email" else {"url": values["url"]}
    if kind == "webhook":
        config["secret"] = request.form.get("secret", "")
    try:
        channel = create_channel(session, name=values["name"], kind=kind, config=config, settings=app_settings(),
                                 actor=acting_user())
    except ValueError as error:
        session.rollback()
        field = "to" if kind == "email" else "secret" if "secret" in str(error) else "url"
        return _form(values, errors={field: str(error)}, status=400)  # the secret is never echoed back
    session.commit()
    flash(f"Channel {untrusted_plain(channel.name)} added; new alerts go to it.", "success")
    return redirect(url_for("alerts.channels", _anchor=f"channel-{channel.id}"))


def _form(values: dict[str, str], *, errors: dict[str, str] | None = None, status: int = 200) -> ResponseReturnValue:
    return form_page("alerts/channel_form.html", errors=errors, status=status, values=values, kinds=KIND_LABELS,
                     smtp_ready=bool(app_settings().smtp_host))
