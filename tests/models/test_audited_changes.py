"""models.audit.apply_audited_changes: only the changed fields are set and audited, in one event, after a flush."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

from sqlmodel import Session, col, select

from models import AuditEvent, User
from models.audit import apply_audited_changes
from models.drafting_aids import FaqEntry

LONG_AGO = datetime(2020, 1, 1, tzinfo=timezone.utc)


def test_only_the_changed_fields_are_set_and_audited(db_session: Session, make_user: Callable[..., User]) -> None:
    admin = make_user()
    entry = FaqEntry(language="en", question="Shipping?", keywords=["ship"], answer="Two days.", updated_at=LONG_AGO)
    db_session.add(entry)
    db_session.flush()
    values = {"language": "en", "question": "Shipping time?", "keywords": ["ship"], "answer": "Two days."}

    changed = apply_audited_changes(db_session, entry, values, "faq.updated", actor=admin, touch="updated_at",
                                    faq_entry_id=entry.id)

    assert changed == {"question": "Shipping time?"} and entry.question == "Shipping time?"
    assert entry.updated_at > LONG_AGO
    event = db_session.exec(select(AuditEvent).where(col(AuditEvent.action) == "faq.updated")).one()
    assert event.details == {"faq_entry_id": entry.id, "question": "Shipping time?"}
    assert (event.actor_id, event.actor) == (admin.id, admin.email)


def test_nothing_changed_records_nothing(db_session: Session, make_user: Callable[..., User]) -> None:
    entry = FaqEntry(language="en", question="Refunds?", keywords=["refund"], answer="Yes.", updated_at=LONG_AGO)
    db_session.add(entry)
    db_session.flush()
    values = {"language": "en", "question": "Refunds?", "keywords": ["refund"], "answer": "Yes."}
    assert apply_audited_changes(db_session, entry, values, "faq.updated", actor=make_user(), touch="updated_at",
                                 faq_entry_id=entry.id) == {}
    assert entry.updated_at == LONG_AGO
    assert db_session.exec(select(AuditEvent).where(col(AuditEvent.action) == "faq.updated")).first() is None
