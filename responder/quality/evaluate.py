"""`earful eval --drafts`: draft every mention of the reply-quality set the way the pipeline does, and judge it.

Each labelled mention is stored in a throwaway in-memory database holding only the starter saved replies, scored
like sentiment.service.apply_score does (with the committed model, or any scorer passed in), then drafted by the
real path (responder.replies.service.draft_reply: intent, selection, variables, escalation), signed by an agent as
the mention page would, linted, and judged (responder.quality.judge). The figures are per language: the share of
acceptable drafts, and the zero-tolerance counts, which must all be 0.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.pool import StaticPool
from sqlmodel import Session, SQLModel, col, select

from models import AuditEvent, Mention, SavedReply, User
from models.db import make_engine
from models.mention_text import scored_text
from models.questions import is_question
from responder.drafting.intents import detect_intent
from responder.drafting.library import load_starter_saved_replies
from responder.drafting.variables import Workspace, fill_agent
from responder.lint.findings import BLOCK, check_reply
from responder.quality.judge import ESCALATE, NO_DRAFT, NO_TEMPLATE, ZERO_TOLERANCE, Drafted, Verdict, judge
from responder.replies.service import draft_reply

if TYPE_CHECKING:
    from sentiment.scoring import Score
    from settings import Settings

QUALITY_FILE = Path(__file__).resolve().parent / "reply_quality.jsonl"
TARGET_SHARE = 0.90
LANGUAGES = ("en", "ja", "ko")
# Findings that wait for a person rather than fault the template: a {?prompted} answer to type in.
AWAITING_A_PERSON = frozenset({"prompted_fields"})
AGENT_EMAIL = "mika.tanaka@lumohome.example"
CREATED_AT = datetime(2026, 11, 5, 3, 0, tzinfo=timezone.utc)  # a Thursday, not a holiday in the US, Japan or Korea

Scorer = Callable[[Sequence["Case"]], "list[Score]"]  # the scores of the cases, in order


@dataclass(frozen=True)
class Labelled:
    """The scores a person gives the mention: used instead of the model's with `labelled_scorer`."""

    sentiment: str
    complaint: float
    topics: tuple[str, ...]


@dataclass(frozen=True)
class Case:
    id: str
    language: str
    network: str
    author: str
    text: str
    intent: str
    acceptable: tuple[str, ...]
    must_not_ask: tuple[str, ...] = ()
    rating: int | None = None
    title: str | None = None
    in_reply_to_brand: bool | None = None
    labelled: Labelled | None = None


@dataclass(frozen=True)
class Result:
    case: Case
    drafted: Drafted
    verdict: Verdict
    seen: str = ""  # what the pipeline made of the mention: "complaint · delivery,refund · negative"


@dataclass
class LanguageFigures:
    total: int = 0
    acceptable: int = 0
    faults: Counter[str] = field(default_factory=Counter)

    @property
    def share(self) -> float:
        return self.acceptable / self.total if self.total else 0.0


@dataclass(frozen=True)
class Report:
    results: list[Result]
    scorer: str

    def figures(self) -> dict[str, LanguageFigures]:
        by_language = {language: LanguageFigures() for language in LANGUAGES}
        for result in self.results:
            figures = by_language.setdefault(result.case.language, LanguageFigures())
            figures.total += 1
            figures.acceptable += result.verdict.acceptable
            figures.faults.update(code for code in result.verdict.problems if code in ZERO_TOLERANCE)
        return by_language

    def zero_tolerance(self) -> Counter[str]:
        counts: Counter[str] = Counter({code: 0 for code in ZERO_TOLERANCE})
        for figures in self.figures().values():
            counts.update(figures.faults)
        return counts

    def meets_targets(self) -> bool:
        figures = [f for f in self.figures().values() if f.total]
        return all(f.share >= TARGET_SHARE for f in figures) and not any(self.zero_tolerance().values())


def load_cases(path: Path = QUALITY_FILE) -> list[Case]:
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        cases.append(Case(id=row["id"], language=row["language"], network=row["network"], author=row["author"],
                          text=row["text"], intent=row["intent"], acceptable=tuple(row["acceptable"]),
                          must_not_ask=tuple(row.get("must_not_ask") or ()), rating=row.get("rating"),
                          title=row.get("title"), in_reply_to_brand=row.get("in_reply_to_brand"),
                          labelled=_labelled(row.get("labelled"))))
    return cases


def _labelled(value: dict[str, Any] | None) -> Labelled | None:
    if not value:
        return None
    return Labelled(value["sentiment"], float(value["complaint"]), tuple(value["topics"]))


def labelled_scorer(cases: Sequence[Case]) -> list[Score]:
    """The labelled scores as the model would give them: measures drafting without the model's errors."""
    from sentiment.scoring import Score
    from sentiment.text import clean_text

    scores = []
    for case in cases:
        if case.labelled is None:
            raise ValueError(f"case {case.id} has no labelled scores")
        labelled = case.labelled
        scores.append(Score(label=labelled.sentiment, confidence=0.9, language=case.language,
                            complaint=labelled.complaint, topics=list(labelled.topics), reason="labelled",
                            model_name="labels", model_version=QUALITY_FILE.name,
                            question=is_question(clean_text(scored_text(case)), case.language)))
    return scores


def model_scorer(settings: Settings) -> tuple[Scorer, str]:
    """The configured model as the scoring worker runs it (torch loads when it first scores, not at import)."""
    from sentiment import score_texts
    from sentiment.config import ModelConfig

    config = ModelConfig.from_settings(settings)

    def scorer(cases: Sequence[Case]) -> list[Score]:
        return score_texts([scored_text(case) for case in cases], config)

    return scorer, f"the model {config.name} (as the scoring worker runs it)"


def evaluate(cases: Sequence[Case], scorer: Scorer, workspace: Workspace, *, scorer_name: str = "") -> Report:
    engine = make_engine("sqlite://", poolclass=StaticPool)
    SQLModel.metadata.create_all(engine)
    try:
        with Session(engine) as session:
            load_starter_saved_replies(session)
            agent = _agent(session)
            mentions = [_mention(session, case, number) for number, case in enumerate(cases)]
            _score(mentions, scorer(cases))
            results = []
            for case, mention in zip(cases, mentions, strict=True):
                drafted = _draft(session, mention, workspace, agent)
                verdict = judge(drafted, acceptable=case.acceptable, network=case.network,
                                must_not_ask=case.must_not_ask)
                results.append(Result(case, drafted, verdict, _seen(mention)))
    finally:
        engine.dispose()
    return Report(results, scorer_name)


def _agent(session: Session) -> User:
    agent = User(email=AGENT_EMAIL, password_hash="", role="agent")  # signs drafts; never signs in
    session.add(agent)
    session.flush()
    return agent


def _mention(session: Session, case: Case, number: int) -> Mention:
    mention = Mention(network=case.network, external_id=case.id, author=case.author, author_id=f"quality-{case.id}",
                      text=case.text, title=case.title, rating=case.rating, in_reply_to_brand=case.in_reply_to_brand,
                      language_hint=case.language, created_at=CREATED_AT + timedelta(minutes=number))
    session.add(mention)
    session.flush()
    return mention


def _score(mentions: list[Mention], scores: list[Score]) -> None:
    from sentiment.service import apply_score

    for mention, score in zip(mentions, scores, strict=True):
        apply_score(mention, score)


def _draft(session: Session, mention: Mention, workspace: Workspace, agent: User) -> Drafted:
    reply = draft_reply(session, mention, brand=workspace)
    session.flush()
    if _escalated(session, mention):
        return Drafted(ESCALATE, reply.text if reply else "")
    if reply is None:
        return Drafted(NO_DRAFT)
    saved = session.get(SavedReply, reply.saved_reply_id) if reply.saved_reply_id else None
    if saved is None or not reply.text:
        return Drafted(NO_TEMPLATE, reply.text)
    signed = fill_agent(reply.text, agent)
    blocks = tuple(finding.code for finding in check_reply(session, reply, mention, text=signed)
                   if finding.severity == BLOCK and finding.code not in AWAITING_A_PERSON)
    return Drafted(saved.name, signed, blocks)


def _seen(mention: Mention) -> str:
    topics = ",".join(mention.topics or ()) or "-"
    return f"{detect_intent(mention)} · {topics} · {mention.sentiment} · complaint {mention.complaint:.2f}"


def _escalated(session: Session, mention: Mention) -> bool:
    statement = select(AuditEvent.id).where(col(AuditEvent.mention_id) == mention.id,
                                            col(AuditEvent.action) == "mention.escalated")
    return session.exec(statement).first() is not None


def format_report(report: Report, *, failures: bool = False) -> str:
    lines = [f"reply-quality set: {len(report.results)} mentions, scored by {report.scorer or 'the given scorer'}",
             f"{'language':<10}{'mentions':>9}{'acceptable':>12}{'share':>8}  " + "  ".join(ZERO_TOLERANCE)]
    for language, figures in report.figures().items():
        if not figures.total:
            continue
        counts = "  ".join(f"{figures.faults[code]:>{len(code)}}" for code in ZERO_TOLERANCE)
        lines.append(f"{language:<10}{figures.total:>9}{figures.acceptable:>12}{figures.share:>8.1%}  {counts}")
    verdict = "met" if report.meets_targets() else "missed"
    lines.append(f"targets (>= {TARGET_SHARE:.0%} acceptable per language, zero-tolerance counts 0): {verdict}")
    if failures:
        lines += [_failure_line(result) for result in report.results if not result.verdict.acceptable]
    return "\n".join(lines)


def _failure_line(result: Result) -> str:
    case, drafted = result.case, result.drafted
    text = " ".join(drafted.text.split())
    return (f"- {case.id} [{case.network}] expected {'/'.join(case.acceptable)}; got {drafted.chosen}: "
            f"{', '.join(result.verdict.problems)}\n    seen as {result.seen} (labelled {case.intent})"
            f"\n    {case.text[:100]}\n    -> {text[:160]}")
