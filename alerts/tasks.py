"""Celery tasks for alert delivery. Thin: an outbox row id in, the outbox does the work.

Retries live in the row (next_attempt_at), not in the broker: beat's sweep queues every due row, so a lost task
or a restarted broker delays a delivery by one sweep and never drops it.
"""

from __future__ import annotations

from celery import Task, shared_task

from alerts.evaluate import evaluate_alerts
from alerts.outbox import deliver, sweep
from responder.replies.posting import DATABASE_DOWN
from settings import get_settings
from worker import default_celery_app, worker_session_factory

DATABASE_RETRY_SECONDS = 5.0


@shared_task(name="earful.deliver_alert", bind=True, max_retries=5)
def deliver_alert(self: Task, delivery_pk: int) -> str | None:
    try:
        delivery = deliver(worker_session_factory(), delivery_pk, settings=get_settings())
    except DATABASE_DOWN as error:
        raise self.retry(exc=error, countdown=DATABASE_RETRY_SECONDS * 2**self.request.retries) from None
    return delivery.status if delivery else None


@shared_task(name="earful.sweep_alert_deliveries")
def sweep_alert_deliveries() -> dict[str, int]:
    app = default_celery_app()
    return sweep(worker_session_factory(),
                 lambda pk: app.send_task("earful.deliver_alert", args=[pk], queue="alerts"))


@shared_task(name="earful.evaluate_alerts")
def evaluate_alerts_task() -> dict[str, int]:
    """Count newly scored mentions into the series, run the rules' detectors, open/update/close alerts."""
    return evaluate_alerts(worker_session_factory(), get_settings()).as_dict()
