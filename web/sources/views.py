"""Thin views over listener.sources: parse the form, call the service, commit once, redirect (PRG)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict

from listener.bad_rows import dismiss_bad_rows
from listener.registry import COLLECTORS
from listener.sources import (
    SOURCE_NETWORKS,
    QueryTestResult,
    SourceInvalid,
    SourceSpec,
    collector_network,
    config_without_query,
    coverage,
    create_source,
    query_of,
    set_enabled,
    source_rows,
    test_source,
    update_source,
    validate,
)
from models import Role, Source
from responder.approvals import set_second_approval
from web.auth.login import acting_user
from web.auth.roles import role_required
from web.db import db_session
from web.extensions import app_settings
from web.formatting import untrusted_plain
from web.sources.blueprint import bp


@dataclass(frozen=True)
class FormValues:
    """What the form shows: the submitted text as typed, so an error never loses the admin's input."""

    name: str = ""
    collector: str = "import"
    network: str = "x"
    query: str = ""
    config_json: str = "{}"
    require_second_approval: bool = False

    @classmethod
    def submitted(cls, form: MultiDict[str, str]) -> FormValues:
        values = {key: form.get(key, "") for key in ("name", "collector", "network", "query")}
        # Shown again after an error or a test: the network the collector reads, whatever the select said.
        values["network"] = collector_network(values["collector"]) or values["network"]
        return cls(**values, config_json=form.get("config", ""),
                   require_second_approval=form.get("require_second_approval") == "1")

    @classmethod
    def of(cls, source: Source) -> FormValues:
        return cls(name=source.name, collector=source.collector, network=source.network, query=query_of(source),
                   config_json=config_without_query(source.config),
                   require_second_approval=source.require_second_approval)

    def spec_fields(self) -> dict[str, str]:
        """What listener.sources.validate reads; the approval policy is the responder's, saved separately."""
        return {"name": self.name, "collector": self.collector, "network": self.network, "query": self.query,
                "config_json": self.config_json}


@bp.get("")
@role_required(Role.admin)
def index() -> ResponseReturnValue:
    return render_template("sources/index.html", rows=source_rows(db_session(), app_settings()))


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.admin)
def new() -> ResponseReturnValue:
    if request.method == "GET":
        return render_form(FormValues(), source=None)
    return submit(None)


@bp.route("/<int:source_id>/edit", methods=["GET", "POST"])
@role_required(Role.admin)
def edit(source_id: int) -> ResponseReturnValue:
    source = get_source(source_id)
    if request.method == "GET":
        return render_form(FormValues.of(source), source=source)
    return submit(source)


@bp.post("/<int:source_id>/enabled")
@role_required(Role.admin)
def toggle(source_id: int) -> ResponseReturnValue:
    wanted = request.form.get("enabled")
    if wanted not in ("0", "1"):
        abort(400, "The form did not say whether to enable or disable the source; reload the page.")
    session = db_session()
    source = get_source(source_id)
    if set_enabled(session, source, wanted == "1", actor=acting_user()):
        session.commit()
    flash(f"{untrusted_plain(source.name)} is {'enabled' if source.enabled else 'disabled'}.", "success")
    return redirect(url_for("sources.index"))


@bp.post("/<int:source_id>/bad-rows/dismiss")
@role_required(Role.admin)
def dismiss_rows(source_id: int) -> ResponseReturnValue:
    up_to = request.form.get("up_to", "")
    if not up_to.isdigit():
        abort(400, "The form did not say which bad rows you saw; reload the page.")
    session = db_session()
    source = get_source(source_id)
    if dismiss_bad_rows(session, source, actor=acting_user(), up_to=int(up_to)):
        session.commit()
        flash(f"Dismissed the bad rows of {untrusted_plain(source.name)}.", "success")
    else:
        flash(f"{untrusted_plain(source.name)} has no bad rows to dismiss.", "info")
    return redirect(url_for("sources.index"))


@bp.post("/<int:source_id>/test")
@role_required(Role.admin)
def test(source_id: int) -> ResponseReturnValue:
    source = get_source(source_id)
    spec = SourceSpec(name=source.name, collector=source.collector, network=source.network,
                      config=dict(source.config))
    return render_template("sources/test.html", source=source,
                           result=test_source(spec, settings=app_settings()))


def submit(source: Source | None) -> ResponseReturnValue:
    values = FormValues.submitted(request.form)
    try:
        spec = validate(**values.spec_fields(), import_dir=app_settings().import_dir)
    except SourceInvalid as error:
        return render_form(values, source=source, errors=error.errors, status=400)
    if request.form.get("action") == "test":
        return render_form(values, source=source, result=test_source(spec, settings=app_settings()))
    session = db_session()
    if source is None:
        source = create_source(session, spec, actor=acting_user())
        set_second_approval(session, source, values.require_second_approval, actor=acting_user())
        flash(f"Source {untrusted_plain(source.name)} added. It runs at the next collection.", "success")
    elif any([update_source(session, source, spec, actor=acting_user()),
              set_second_approval(session, source, values.require_second_approval, actor=acting_user())]):
        flash(f"Source {untrusted_plain(source.name)} saved.", "success")
    else:
        flash("Nothing changed.", "info")
    session.commit()
    return redirect(url_for("sources.index"))


def render_form(values: FormValues, *, source: Source | None, errors: dict[str, str] | None = None,
                result: QueryTestResult | None = None, status: int = 200) -> ResponseReturnValue:
    collectors = {name: coverage(name) for name in sorted(COLLECTORS)}
    reads = {name: collector_network(name) for name in collectors}
    return render_template("sources/form.html", values=values, source=source, errors=errors or {},
                           result=result, collectors=collectors, networks=SOURCE_NETWORKS,
                           reads=reads), status


def get_source(source_id: int) -> Source:
    source = db_session().get(Source, source_id)
    if source is None:
        abort(404, "No such source.")
    return source
