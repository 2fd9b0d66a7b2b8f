"""`earful eval --drafts`: the reply-quality options added to the model's `eval` command where the earful CLI is
assembled (web.cli), so the sentiment package never imports the responder."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

DRAFT_OPTIONS = (
    click.Option(["--drafts"], is_flag=True,
                 help="draft the reply-quality set (responder/quality) with the starter saved replies and report "
                      "the share of acceptable drafts per language and the zero-tolerance counts"),
    click.Option(["--failures"], is_flag=True, help="with --drafts: list every unacceptable draft and why"),
    click.Option(["--strict"], is_flag=True, help="with --drafts: exit with status 1 when a target is missed"),
    click.Option(["--labelled"], is_flag=True,
                 help="with --drafts: use the set's labelled scores instead of the model's (drafting alone)"),
)


def with_drafts(command: click.Command) -> click.Command:
    """`command` (the model's eval) with --drafts, --failures, --strict and --labelled; --drafts runs instead."""
    model_eval: Callable[..., Any] | None = command.callback

    def callback(drafts: bool, failures: bool, strict: bool, labelled: bool, **options: Any) -> Any:
        if drafts:
            return eval_drafts(failures=failures, strict=strict, labelled=labelled)
        if failures or strict or labelled:
            raise click.UsageError("--failures, --strict and --labelled go with --drafts")
        return model_eval(**options) if model_eval else None

    command.params.extend(DRAFT_OPTIONS)
    command.callback = callback
    if command.help:
        command.help = command.help.rstrip() + " With --drafts: judge the starter replies' drafts instead."
    return command


def eval_drafts(*, failures: bool, strict: bool, labelled: bool) -> None:
    from responder.drafting.variables import Workspace
    from responder.quality.evaluate import evaluate, format_report, labelled_scorer, load_cases, model_scorer
    from settings import get_settings

    settings = get_settings()
    scorer, name = (labelled_scorer, "the set's labelled scores") if labelled else model_scorer(settings)
    report = evaluate(load_cases(), scorer, Workspace.from_settings(settings), scorer_name=name)
    click.echo(format_report(report, failures=failures))
    if strict and not report.meets_targets():
        raise SystemExit(1)
