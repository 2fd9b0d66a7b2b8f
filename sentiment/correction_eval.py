"""How right the model is on this workspace's own mentions: its judgement against the latest staff correction.

Two modes. ``stored``: the judgement the model had given when staff corrected it (no model load; what the
settings page shows). ``rescore``: the current model re-run on the corrected texts (after retraining or a
model change). Rows group by the language the model detected, plus "all".
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, col, select

from models import Correction, Mention
from models.complaint import COMPLAINT_THRESHOLD
from models.db import make_engine, make_session_factory, session_scope
from models.mention_text import scored_text
from sentiment.config import ModelConfig
from sentiment.datasets import Example
from sentiment.metrics import accuracy, macro_f1, macro_recall
from sentiment.scoring import LABELS
from sentiment.service import Scorer
from settings import Settings

ALL = "all"
UNDETERMINED = "und"
CORRECTIONS_DATASET = "corrections"


@dataclass(frozen=True)
class Judged:
    """One corrected mention: the staff label and the model's judgement of it (None: never scored)."""

    mention_id: int
    text: str
    language: str
    sentiment: str
    complaint: bool
    topics: tuple[str, ...]
    model_sentiment: str | None
    model_complaint: float | None
    model_topics: tuple[str, ...]
    model: str | None  # "name version"


@dataclass(frozen=True)
class LanguageScores:
    language: str
    n: int
    sentiment_accuracy: float
    sentiment_macro_recall: float
    complaint_accuracy: float
    complaint_macro_f1: float
    topic_agreement: float | None  # mean Jaccard over rows where staff or model named a topic; None if none did
    topic_n: int


@dataclass(frozen=True)
class CorrectionsReport:
    mode: str  # "stored" or "rescore"
    rows: list[LanguageScores]  # one per language (most corrections first), then "all"
    corrected: int  # mentions with a correction
    unjudged: int  # of those, never scored by the model (left out in stored mode)
    models: list[str]  # the model versions whose judgements were measured


def corrected_sample(session: Session) -> list[Judged]:
    """The latest correction of every corrected mention, joined to the mention's text."""
    latest = select(sa.func.max(col(Correction.id))).group_by(col(Correction.mention_id)).scalar_subquery()
    statement = (select(Correction, Mention).join(Mention, col(Mention.id) == col(Correction.mention_id))
                 .where(col(Correction.id).in_(latest)).order_by(col(Correction.mention_id)))
    return [_judged(correction, mention) for correction, mention in session.exec(statement)]


def _judged(correction: Correction, mention: Mention) -> Judged:
    model = f"{correction.model_name} {correction.model_version}" if correction.model_name else None
    return Judged(
        mention_id=correction.mention_id, text=scored_text(mention),
        language=correction.language or mention.language or mention.language_hint or UNDETERMINED,
        sentiment=correction.sentiment, complaint=correction.complaint, topics=tuple(correction.topics),
        model_sentiment=correction.model_sentiment, model_complaint=correction.model_complaint,
        model_topics=tuple(correction.model_topics or ()), model=model)


def corrected_examples(sample: Sequence[Judged]) -> list[Example]:
    """The staff labels as training rows (one "corrections" data set, split like the others, so some are held out)."""
    return [Example(row.text, CORRECTIONS_DATASET, LABELS.index(row.sentiment), False, int(row.complaint))
            for row in sample if row.text.strip()]


def read_sample(settings: Settings) -> list[Judged]:
    """The corrected sample of the workspace at DATABASE_URL, read in one short transaction."""
    with workspace_sessions(settings) as factory, session_scope(factory) as session:
        return corrected_sample(session)


@contextmanager
def workspace_sessions(settings: Settings) -> Iterator[sessionmaker[Session]]:
    """Sessions on the workspace at DATABASE_URL; its engine is disposed of on the way out."""
    engine = make_engine(settings.database_url)
    try:
        yield make_session_factory(engine)
    finally:
        engine.dispose()


def rescored(sample: Sequence[Judged], scorer: Scorer) -> list[Judged]:
    """The same staff labels against the current model's judgement of the same texts."""
    scores = scorer([row.text for row in sample])
    return [replace(row, language=row.language if row.language != UNDETERMINED else s.language,
                    model_sentiment=s.label, model_complaint=s.complaint, model_topics=tuple(s.topics),
                    model=f"{s.model_name} {s.model_version}")
            for row, s in zip(sample, scores, strict=True)]


def evaluate(sample: Sequence[Judged], mode: str = "stored") -> CorrectionsReport:
    judged = [row for row in sample if row.model_sentiment is not None]
    counts: dict[str, int] = {}
    for row in judged:
        counts[row.language] = counts.get(row.language, 0) + 1
    languages = sorted(counts, key=lambda lang: (-counts[lang], lang))
    rows = [score_rows(lang, [r for r in judged if r.language == lang]) for lang in languages]
    if judged:
        rows.append(score_rows(ALL, judged))
    models = sorted({row.model for row in judged if row.model})
    return CorrectionsReport(mode, rows, len(sample), len(sample) - len(judged), models)


def evaluate_workspace(settings: Settings, *, rescore_with: ModelConfig | None = None) -> CorrectionsReport:
    """The report for the workspace at DATABASE_URL; ``rescore_with`` loads that model and scores with the
    workspace's active topics (models.topic_store.taxonomy_spec), as scoring rounds do, not the shipped file."""
    with workspace_sessions(settings) as factory:
        with session_scope(factory) as session:
            sample = corrected_sample(session)
        if rescore_with is None:
            return evaluate(sample)
        from sentiment.tasks import model_scorer

        return evaluate(rescored(sample, model_scorer(rescore_with, topics_from=factory)) if sample else sample,
                        "rescore")


def score_rows(language: str, rows: Sequence[Judged]) -> LanguageScores:
    truth = np.array([r.sentiment for r in rows])
    predicted = np.array([r.model_sentiment for r in rows])
    complaint = np.array([int(r.complaint) for r in rows])
    said_complaint = np.array([int((r.model_complaint or 0.0) >= COMPLAINT_THRESHOLD) for r in rows])
    overlaps = [_jaccard(r.topics, r.model_topics) for r in rows if r.topics or r.model_topics]
    return LanguageScores(
        language=language, n=len(rows),
        sentiment_accuracy=accuracy(truth, predicted), sentiment_macro_recall=macro_recall(truth, predicted),
        complaint_accuracy=accuracy(complaint, said_complaint), complaint_macro_f1=macro_f1(complaint, said_complaint),
        topic_agreement=float(np.mean(overlaps)) if overlaps else None, topic_n=len(overlaps))


def _jaccard(a: Sequence[str], b: Sequence[str]) -> float:
    union = set(a) | set(b)
    return len(set(a) & set(b)) / len(union) if union else 1.0


def format_report(report: CorrectionsReport) -> str:
    """A plain-text table, one line per language and one for all of them."""
    how = "the model's judgement when staff corrected it" if report.mode == "stored" else "the current model re-run"
    lines = [f"corrected mentions: {report.corrected} ({how}); never scored, left out: {report.unjudged}"]
    if report.models:
        lines.append(f"model: {'; '.join(report.models)}")
    if not report.rows:
        lines.append("no corrected mention with a model judgement yet")
        return "\n".join(lines)
    lines.append(f"{'language':<9} {'n':>5}  {'sent acc':>8} {'sent mR':>8}  {'compl acc':>9} {'compl mF1':>9}  "
                 f"{'topics':>6} {'topic n':>7}")
    for row in report.rows:
        topics = f"{100 * row.topic_agreement:6.1f}" if row.topic_agreement is not None else f"{'-':>6}"
        lines.append(f"{row.language:<9} {row.n:>5}  {100 * row.sentiment_accuracy:8.1f} "
                     f"{100 * row.sentiment_macro_recall:8.1f}  {100 * row.complaint_accuracy:9.1f} "
                     f"{100 * row.complaint_macro_f1:9.1f}  {topics} {row.topic_n:>7}")
    return "\n".join(lines)
