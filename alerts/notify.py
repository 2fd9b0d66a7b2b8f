"""Telling people about an alert: build its AlertMessage with the evidence, store it on the alert (the in-app
channel), and put it in the outbox for the rule's channels under a key that names the message, so a run repeated
after a crash enqueues nothing twice."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from alerts.chart import SeriesPoint
from alerts.evidence import EvidenceScope, build_evidence
from alerts.message import AlertMessage
from alerts.outbox import enqueue
from models.alert_rule import Alert, AlertRule
from models.base import utcnow


def evidence_scope(rule: AlertRule, series_key: str) -> EvidenceScope:
    """The rule's series as the evidence reads it: queue filters, and the listening query checked per mention."""
    values: dict[str, str | None] = {"topic": rule.topic, "network": rule.network, "language": rule.language,
                                     "source": None if rule.source_id is None else str(rule.source_id)}
    if rule.per and "|" in series_key:
        values[rule.per] = series_key.rsplit("|", 1)[1].partition("=")[2]
    source = values["source"]
    return EvidenceScope(sentiment="negative" if rule.metric == "negative" else None,
                         complaint=True if rule.metric in ("complaints", "sla") else None,
                         topic=values["topic"], network=values["network"], language=values["language"],
                         source_id=int(source) if source else None, query=rule.query)


def notify(session: Session, alert: Alert, rule: AlertRule, state: str, *, points: Sequence[SeriesPoint] = (),
           base_url: str = "", send: bool = True) -> AlertMessage:
    """state: opened | updated | resolved. The message is stored on the alert whether or not it is sent (a muted
    alert is still shown in the app)."""
    evidence = build_evidence(session, evidence_scope(rule, alert.series_key), alert.window_start, alert.window_end,
                              points=points, base_url=base_url)
    alert.evidence = evidence.to_json()
    message = AlertMessage(
        title=alert.title, series=alert.series_label, observed=alert.observed, expected=round(alert.expected, 2),
        p_value=alert.p_value, score=alert.score, window_start=alert.window_start, window_end=alert.window_end,
        state=state, alert_id=alert.id, **evidence.message_fields())
    alert.message = message.to_json()
    alert.updated_at = utcnow()
    session.add(alert)
    if send:
        enqueue(session, message, key=message_key(alert, state), channel_ids=rule.channel_ids)
    session.flush()
    return message


def message_key(alert: Alert, state: str) -> str:
    if state == "updated":
        return f"alert:{alert.id}:updated:{alert.updates_sent}"
    return f"alert:{alert.id}:{'closed' if state == 'resolved' else state}"
