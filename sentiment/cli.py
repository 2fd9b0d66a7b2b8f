"""`earful score`, `earful eval` and `earful train`: click commands the earful CLI registers (``commands``).

Settings are read here, at the entry point, and passed down; torch loads only when a command runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from sentiment.config import ModelConfig
    from sentiment.datasets import Example
    from sentiment.evaluation import ValidationScores
    from sentiment.model import SentimentModel
    from settings import Settings

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA_DIR = REPO_ROOT.parent / "shared" / "data"
REQUIRED_DATA = ("tweeteval_sentiment/val_text.txt", "complaints/complaints.csv", "nsmc/nsmc_binary.tsv")


def require_data(data_dir: Path) -> Path:
    missing = [name for name in REQUIRED_DATA if not (data_dir / name).is_file()]
    if missing:
        raise click.ClickException(f"evaluation data not found under {data_dir} (missing {', '.join(missing)}); "
                                   "put the shared data set there or pass --data-dir")
    return data_dir


@click.command("score")
@click.argument("texts", nargs=-1, required=True)
def score(texts: tuple[str, ...]) -> None:
    """Score each TEXT: sentiment, confidence, language, complaint, question, topics and reason."""
    from sentiment import score_texts
    from sentiment.config import ModelConfig
    from settings import get_settings

    results = score_texts(list(texts), ModelConfig.from_settings(get_settings()))
    for text, s in zip(texts, results, strict=True):
        click.echo(text if len(text) <= 80 else text[:77] + "...")
        click.echo(f"  label={s.label} confidence={s.confidence:.3f} language={s.language} "
                   f"complaint={s.complaint:.3f} question={'yes' if s.question else 'no'} "
                   f"topics={','.join(s.topics) or '-'}")
        click.echo(f"  reason: {s.reason}")
        click.echo(f"  model: {s.model_name} {s.model_version}")


@click.command("eval")
@click.option("--data-dir", type=click.Path(path_type=Path), default=DEFAULT_DATA_DIR, show_default=True,
              help="the shared evaluation data")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="at most this many held-out rows per dataset (a quick check; figures are then noisy)")
@click.option("--corrections", is_flag=True,
              help="measure the model on this workspace's staff-corrected mentions (DATABASE_URL), per language")
@click.option("--rescore", is_flag=True,
              help="with --corrections: re-run the current model on the corrected texts, with the workspace's "
                   "active topics (its /topics page)")
@click.option("--written", is_flag=True,
              help="only the project's own test-only sets (sentiment/data: the topic set and the customer "
                   "messages); needs no shared data")
@click.option("--against", type=click.Path(path_type=Path, exists=True, dir_okay=False), default=None,
              help="also score this saved model (a heads.pt, e.g. from earful train --output) on the same rows and "
                   "print how far each figure moves from the configured model's, with a paired 95% interval")
def eval_(data_dir: Path, limit: int | None, corrections: bool, rescore: bool, written: bool,
          against: Path | None) -> None:
    """Evaluate the configured model on the held-out share of every dataset (or on the staff corrections)."""
    from sentiment.config import ModelConfig
    from sentiment.evaluation import format_table, validation_metrics, validation_scores
    from sentiment.model import get_model
    from settings import get_settings

    if rescore and not corrections:
        raise click.UsageError("--rescore goes with --corrections")
    if against and (corrections or written):
        raise click.UsageError("--against measures the validation sets: not with --corrections or --written")
    settings = get_settings()
    config = ModelConfig.from_settings(settings)
    if corrections:
        from sqlalchemy.exc import SQLAlchemyError

        from sentiment.correction_eval import evaluate_workspace, format_report

        try:
            report = evaluate_workspace(settings, rescore_with=config if rescore else None)
        except SQLAlchemyError as error:
            raise click.ClickException(f"cannot read the corrections from DATABASE_URL ({type(error).__name__}); "
                                       "is it reachable and migrated (earful db upgrade)?") from None
        click.echo(format_report(report))
        return
    if written:
        eval_written(get_model(config), config, limit)
        return
    folder = require_data(data_dir)
    other = load_saved_model(against, config) if against else None
    model = get_model(config)
    scores = validation_scores(model, folder, config.batch_size, limit, config.batch_tokens)
    metrics = validation_metrics(scores)
    click.echo(f"model: {model.name} {model.version}; validation sets: TweetEval validation, the NSMC share, the "
               f"Japanese test-only set; {metrics['complaint_source']}"
               + (f" (at most {limit} rows per dataset)" if limit else ""))
    click.echo(format_table(metrics))
    if other is not None:
        compare_with(model, scores, other, f"{other.name} {other.version} ({against})", config, folder, limit)
        return
    eval_written(model, config, limit)


def load_saved_model(heads: Path, config: ModelConfig) -> SentimentModel:
    """A model saved by earful train (its heads.pt) on the configured encoder arithmetic, or a clear error."""
    import pickle

    from sentiment.model import E5HeadsModel, encoder_precision

    try:
        return E5HeadsModel(config.cache_dir, heads_path=heads, precision=encoder_precision(config.precision))
    except (OSError, EOFError, KeyError, RuntimeError, ValueError, pickle.UnpicklingError) as error:
        raise click.ClickException(f"cannot load {heads} as a saved model ({type(error).__name__}: "
                                   f"{str(error)[:200]})") from None


def compare_with(model: SentimentModel, base: ValidationScores, other: SentimentModel, label: str,
                 config: ModelConfig, folder: Path, limit: int | None) -> None:
    """The other model against the configured one (already scored: ``base``), figure by figure, on the same rows."""
    from sentiment.evaluation import compare_scores, format_comparison, validation_scores

    click.echo(f"{label} minus the configured model {model.name} {model.version}, on the same rows:")
    other_scores = validation_scores(other, folder, config.batch_size, limit, config.batch_tokens)
    click.echo(format_comparison(compare_scores(base, other_scores)))


def eval_written(model: SentimentModel, config: ModelConfig, limit: int | None) -> None:
    """The topic and customer-message test-only shares (at most ``limit`` rows per language)."""
    from models.questions import is_question
    from sentiment import topic_eval
    from sentiment.written_sets import customer_messages, topic_set

    topics = topic_eval.limited(topic_set("test"), limit)
    click.echo(f"model: {model.name} {model.version}")
    click.echo(topic_eval.format_topic_report(
        topic_eval.topic_report(topics, topic_eval.judge(model, [r.text for r in topics], config.batch_size,
                                                           config.batch_tokens))))
    messages = topic_eval.limited(customer_messages("test"), limit)
    judged = topic_eval.judge(model, [r.text for r in messages], config.batch_size, config.batch_tokens)
    questions, source = topic_eval.question_flags([r.text for r in messages], [r.language for r in messages],
                                                  judged, is_question)
    click.echo(topic_eval.format_message_report(topic_eval.message_report(messages, judged, questions), source))


@click.command("train")
@click.option("--output", type=click.Path(path_type=Path), default=None,
              help="where heads.pt and metrics.json go (default: the package's artefacts folder)")
@click.option("--data-dir", type=click.Path(path_type=Path), default=DEFAULT_DATA_DIR, show_default=True)
@click.option("--epochs", type=click.IntRange(min=0), default=None, help="fine-tuning epochs (0: heads only)")
@click.option("--corrections", is_flag=True,
              help="also train on this workspace's staff-corrected mentions (DATABASE_URL); a share is held out")
@click.option("--resume", is_flag=True,
              help="continue the interrupted run from its last checkpoint (in MODEL_CACHE_DIR/train-run) instead of "
                   "starting over; refused when the settings or data differ")
@click.option("--from-model", "start_from", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              default=None, help="skip the first stage: start the complaint stage (and what follows) from this saved "
                                 "heads.pt, with its settings and recipe")
@click.option("--lexical-only", is_flag=True,
              help="only train the lexical head and fit its blend with the model already in --output (minutes)")
@click.option("--language-only", is_flag=True,
              help="only train Korean's own adapter from the model already in --output, then the lexical head and "
                   "its blend (about 20 minutes on 2 cores; --resume continues it)")
def train(output: Path | None, data_dir: Path, epochs: int | None, corrections: bool, resume: bool,
          start_from: Path | None, lexical_only: bool, language_only: bool) -> None:
    """Train the default model's heads (and its LoRA adapter) from the data; prints the held-out metrics."""
    from dataclasses import replace

    from sentiment.evaluation import format_table
    from sentiment.finetune import CheckpointMismatch, FineTuneConfig
    from sentiment.train import ARTEFACTS, MissingTrainingData, fit_language_only, fit_lexical_only
    from sentiment.train import train as run_training
    from settings import get_settings

    settings = get_settings()
    if lexical_only and language_only:
        raise click.UsageError("--lexical-only or --language-only, not both (the language stage refits the blend)")
    if lexical_only:
        click.echo(format_table(fit_lexical_only(output or ARTEFACTS, require_data(data_dir),
                                                 settings.model_cache_dir, log=click.echo)))
        return
    if language_only:
        try:
            metrics = fit_language_only(output or ARTEFACTS, require_data(data_dir), settings.model_cache_dir,
                                        log=click.echo, resume=resume)
        except CheckpointMismatch as error:
            raise click.ClickException(str(error)) from None
        click.echo(format_table(metrics))
        return
    config = FineTuneConfig() if epochs is None else replace(FineTuneConfig(), epochs=epochs)
    extra = corrected_training_rows(settings) if corrections else None
    try:
        metrics = run_training(output or ARTEFACTS, require_data(data_dir), settings.model_cache_dir, config,
                               log=click.echo, extra=extra, resume=resume, start_from=start_from)
    except (MissingTrainingData, CheckpointMismatch) as error:
        raise click.ClickException(str(error)) from None
    click.echo(format_table(metrics))


def corrected_training_rows(settings: Settings) -> list[Example]:
    from sqlalchemy.exc import SQLAlchemyError

    from sentiment.correction_eval import corrected_examples, read_sample

    try:
        rows = corrected_examples(read_sample(settings))
    except SQLAlchemyError as error:
        raise click.ClickException(f"cannot read the corrections from DATABASE_URL ({type(error).__name__}); "
                                   "is it reachable and migrated (earful db upgrade)?") from None
    click.echo(f"adding {len(rows)} staff-corrected mentions (data set \"corrections\")")
    return rows


commands: list[click.Command] = [score, eval_, train]
