"""Thin views over listener.sources: parse the form, call the service, commit once, redirect (PRG)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict

from listener.ingest.bad_rows import dismiss_bad_rows
from listener.platforms import COLLECTORS
from listener.sources import (
    SOURCE_NETWORKS,
    QueryTestResult,
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
from models import Source
from models.errors import Invalid
from models.row_ids import parse_count
from responder.replies.approvals import set_second_approval
from web.admin_views import admin_route, flash_saved, form_or_submit, form_page, found_or_404, submitted_switch
from web.auth.login import acting_user
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


@admin_route(bp, "")
def index() -> ResponseReturnValue:
    return render_template("sources/index.html", rows=source_rows(db_session(), app_settings()))


@admin_route(bp, "/new", methods=("GET", "POST"))
def new() -> ResponseReturnValue:
    return form_or_submit(lambda: render_form(FormValues(), source=None), lambda: submit(None))


@admin_route(bp, "/<int:source_id>/edit", methods=("GET", "POST"))
def edit(source_id: int) -> ResponseReturnValue:
    source = get_source(source_id)
    return form_or_submit(lambda: render_form(FormValues.of(source), source=source), lambda: submit(source))


@admin_route(bp, "/<int:source_id>/enabled", methods=("POST",))
def toggle(source_id: int) -> ResponseReturnValue:
    wanted = submitted_switch("enabled", asking="enable or disable the source")
    session = db_session()
    source = get_source(source_id)
    if set_enabled(session, source, wanted, actor=acting_user()):
        session.commit()
    flash(f"{untrusted_plain(source.name)} is {'enabled' if source.enabled else 'disabled'}.", "success")
    return redirect(url_for("sources.index"))


@admin_route(bp, "/<int:source_id>/bad-rows/dismiss", methods=("POST",))
def dismiss_rows(source_id: int) -> ResponseReturnValue:
    up_to = parse_count(request.form.get("up_to"))
    if up_to is None:
        abort(400, "The form did not say which bad rows you saw; reload the page.")
    session = db_session()
    source = get_source(source_id)
    if dismiss_bad_rows(session, source, actor=acting_user(), up_to=up_to):
        session.commit()
        flash(f"Dismissed the bad rows of {untrusted_plain(source.name)}.", "success")
    else:
        flash(f"{untrusted_plain(source.name)} has no bad rows to dismiss.", "info")
    return redirect(url_for("sources.index"))


@admin_route(bp, "/<int:source_id>/test", methods=("POST",))
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
    except Invalid as error:
        return render_form(values, source=source, errors=error.errors, status=400)
    if request.form.get("action") == "test":
        return render_form(values, source=source, result=test_source(spec, settings=app_settings()))
    session = db_session()
    if source is None:
        source = create_source(session, spec, actor=acting_user())
        set_second_approval(session, source, values.require_second_approval, actor=acting_user())
        flash(f"Source {untrusted_plain(source.name)} added. It runs at the next collection.", "success")
    else:
        flash_saved(any([update_source(session, source, spec, actor=acting_user()),
                         set_second_approval(session, source, values.require_second_approval, actor=acting_user())]),
                    f"Source {untrusted_plain(source.name)} saved.")
    session.commit()
    return redirect(url_for("sources.index"))


def render_form(values: FormValues, *, source: Source | None, errors: dict[str, str] | None = None,
                result: QueryTestResult | None = None, status: int = 200) -> ResponseReturnValue:
    collectors = {name: coverage(name) for name in sorted(COLLECTORS)}
    reads = {name: collector_network(name) for name in collectors}
    return form_page("sources/form.html", errors=errors, status=status, values=values, source=source,
                     result=result, collectors=collectors, networks=SOURCE_NETWORKS, reads=reads)


def get_source(source_id: int) -> Source:
    return found_or_404(db_session().get(Source, source_id), "source")
