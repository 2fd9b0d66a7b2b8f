"""The `earful` command: a FlaskGroup on create_app, plus database, user, demo, collect and run commands."""

from __future__ import annotations

import secrets
import sys
from datetime import datetime, timezone
from pathlib import Path

import click
from flask.cli import FlaskGroup, with_appcontext
from sqlmodel import select

from models import User
from models.db import session_scope
from models.migrate import upgrade
from responder.quality.command import with_drafts
from sentiment.cli import commands as model_commands
from web.extensions import app_settings, session_factory
from web.supervisor import Supervisor
from worker import prepare_broker


def _create_app() -> object:
    from web import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False)
def cli() -> None:
    """Earful: social listening and review response."""


@cli.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Apply every migration to DATABASE_URL, and create the embedded broker's tables when BROKER_URL is one."""
    settings = app_settings()
    upgrade(settings.database_url)
    prepare_broker(settings)
    click.echo("database is up to date")


@cli.group()
def user() -> None:
    """Staff accounts."""


@user.command("create")
@click.argument("email")
@click.option("--role", default="agent", type=click.Choice(["viewer", "agent", "approver", "admin"]))
@click.option("--password", envvar="EARFUL_NEW_USER_PASSWORD", default=None, help="generated when omitted")
@click.option("--if-missing", is_flag=True, help="do nothing when the user exists")
@with_appcontext
def user_create(email: str, role: str, password: str | None, if_missing: bool) -> None:
    """Create a user; a generated password is printed once."""
    from inbox.auth.service import create_user

    with session_scope(session_factory()) as session:
        if if_missing and session.exec(select(User).where(User.email == email.lower())).first():
            click.echo(f"user {email} exists")
            if password is not None:
                click.echo(f"  the password given (EARFUL_ADMIN_PASSWORD or --password) was NOT applied: it only sets "
                           f"a new user's password; sign in as {email} and change it at /account/password", err=True)
            return
        generated = password is None
        password = password or secrets.token_urlsafe(12)
        try:
            create_user(session, email, password, role=role)
        except ValueError as error:
            raise click.ClickException(str(error)) from None
    click.echo(f"created {role} {email}" + (f" with password: {password}" if generated else ""))


@cli.group()
def demo() -> None:
    """The demo workspace."""


@demo.command("load")
@with_appcontext
def demo_load() -> None:
    """Add starter saved replies and the replay source, and collect its history now."""
    from listener.demo import load_demo_source
    from listener.service import run_collection
    from responder.drafting.library import load_starter_saved_replies

    settings = app_settings()
    with session_scope(session_factory()) as session:
        starters = load_starter_saved_replies(session)
        source_id = load_demo_source(session, now=datetime.now(timezone.utc), speed=settings.demo_replay_speed).id
    assert source_id is not None
    click.echo(f"starter saved replies: {starters.added} added, {starters.reworded} given their other wordings, "
               f"{starters.retired} unedited old starters deactivated")
    summary = run_collection(session_factory(), source_id, settings=app_settings())
    click.echo(f"demo source {source_id}: {summary.inserted} mentions collected now, the rest drip in live")


@cli.group()
def alerts() -> None:
    """Spike alerts."""


@alerts.command("eval", with_appcontext=False)  # offline scoring: no app, no settings
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="a NAB-layout folder (data/*.csv + windows.json); default ../shared/data/nab_realTweets")
def alerts_eval(data_dir: Path | None) -> None:
    """Score the spike detector at its default setting on every series of a NAB-layout folder."""
    from alerts.evaluation import evaluate

    folder = data_dir or Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "nab_realTweets"
    if not (folder / "windows.json").is_file() or not (folder / "data").is_dir():
        raise click.ClickException(f"{folder} is not a NAB-layout folder (data/*.csv + windows.json)")
    result = evaluate(folder)
    for series in result.series:
        score = series.score
        click.echo(f"{series.name}: raw {score.raw:.4f}, windows {score.detected_windows}/{score.windows}, "
                   f"alerts {series.alerts}, outside windows {score.false_positives} "
                   f"({series.false_alarms_per_month:.2f} per month)")
    click.echo(f"false alarms per series-month at the default setting: {result.false_alarms_per_series_month:.2f}")
    click.echo(f"NAB score: {result.nab_score:.1f}")


@cli.command("collect")
@click.argument("source_id", type=int)
@with_appcontext
def collect(source_id: int) -> None:
    """Collect from one source now, in this process (SOURCE_ID: the ID column of the Sources page)."""
    from listener.service import run_collection

    summary = run_collection(session_factory(), source_id, settings=app_settings())
    for error in summary.errors:
        click.echo(f"skipped {error}", err=True)
    click.echo(f"fetched {summary.fetched}, new {summary.inserted}, bad rows {len(summary.errors)}")
    if summary.failure:
        raise click.ClickException(f"collection failed: {summary.failure}")


@cli.command("report")
@click.option("--preset", type=click.Choice(["today", "last_7", "last_30", "last_90", "this_month", "last_month"]),
              default=None, help="a rolling range (default last_30 unless --since/--until are given)")
@click.option("--since", default=None, help="first day, YYYY-MM-DD, in the workspace's time zone")
@click.option("--until", default=None, help="last day, included, YYYY-MM-DD")
@click.option("--filter", "filters", multiple=True, metavar="KEY=VALUE",
              help="network, source, language, sentiment, topic, complaint, question, rating or q; repeatable")
@click.option("--format", "fmt", type=click.Choice(["pdf", "csv", "json"]), required=True,
              help="csv is a zip of every table, or one table's CSV with --table")
@click.option("--table", default=None, help="with --format csv: one table's key, e.g. volume_by_network")
@click.option("--paper", type=click.Choice(["a4", "letter"]), default="a4")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@with_appcontext
def report(preset: str | None, since: str | None, until: str | None, filters: tuple[str, ...], fmt: str,
           table: str | None, paper: str, out: Path) -> None:
    """Write a reputation report (the Reports page's figures) as PDF, CSV or JSON."""
    from reports.request import InvalidReportQuery
    from reports.service import export

    args = {"range": preset or ("custom" if since or until else "last_30"), "since": since or "", "until": until or ""}
    for item in filters:
        key, equals, value = item.partition("=")
        if not equals or not key.strip():
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="--filter")
        args[key.strip()] = value.strip()
    with session_scope(session_factory()) as session:
        try:
            body = export(session, {k: v for k, v in args.items() if v}, app_settings(), fmt=fmt, paper=paper,
                          table=table)
        except InvalidReportQuery as error:
            raise click.UsageError(str(error)) from None
    out.write_bytes(body)
    click.echo(f"wrote {out} ({len(body):,} bytes)")


# Bound to every interface, the web is asked for its health (and shown) on the loopback address.
WILDCARD_TO_LOOPBACK = {"0.0.0.0": "127.0.0.1", "::": "[::1]"}  # noqa: S104


@cli.command("run")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@with_appcontext
def run(host: str, port: int) -> None:
    """Web + workers + beat in one command (the embedded default)."""
    Path("var").mkdir(exist_ok=True)
    prepare_broker(app_settings())  # before the three Celery processes race to create its tables
    commands = {
        "web": [sys.executable, "-m", "gunicorn", "--bind", f"{host}:{port}", "--workers", "2", "--threads", "4",
                "web.wsgi:app"],
        "worker": [sys.executable, "-m", "celery", "-A", "worker", "worker", "--loglevel", "INFO",
                   "-Q", "collect,post,alerts", "--concurrency", "2", "--hostname", "worker@%h"],
        # One scoring process: the model is loaded once and SQLite sees a single writer of scores.
        "scorer": [sys.executable, "-m", "celery", "-A", "worker", "worker", "--loglevel", "INFO",
                   "-Q", "score", "--concurrency", "1", "--hostname", "scorer@%h"],
        "beat": [sys.executable, "-m", "celery", "-A", "worker", "beat", "--loglevel", "INFO",
                 "--schedule", "var/celerybeat-schedule"],
    }
    supervisor = Supervisor(commands)
    supervisor.start()
    shown_host = WILDCARD_TO_LOOPBACK.get(host, host)
    if supervisor.wait_until_ready(f"http://{shown_host}:{port}/healthz"):
        click.echo(f"Earful is running at http://{shown_host}:{port}/  (Ctrl-C stops web, workers and beat)")
    first_exit = supervisor.run_until_stopped()
    if first_exit is not None:
        raise click.ClickException(f"{first_exit} exited; web, workers and beat were stopped")
    click.echo("Earful stopped")


for _command in model_commands:  # earful score / eval (with --drafts, from the responder) / train
    cli.add_command(with_drafts(_command) if _command.name == "eval" else _command)
