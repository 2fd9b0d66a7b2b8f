"""A password attempt, throttled and audited: logging in, and confirming the current password to change it."""

from __future__ import annotations

from dataclasses import dataclass

from limits.storage import Storage
from sqlmodel import Session

from inbox.auth.service import MAX_EMAIL_LENGTH, authenticate, find_user, normalize_email, verify_password
from inbox.auth.throttle import (
    Refusal,
    ThrottlePolicy,
    account_subject,
    claim_attempt,
    device_subject,
    hit_address,
    record_failure,
    record_success,
)
from models import User, record_event


@dataclass(frozen=True)
class LoginAttempt:
    email: str
    password: str
    address: str
    device: str | None = None  # the browser's device id when its cookie names this account (web.auth.devices)


@dataclass(frozen=True)
class LoginResult:
    user: User | None = None
    refusal: Refusal | None = None  # refused unevaluated; otherwise no user means wrong credentials


class Throttled(Exception):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(f"throttled for {refusal.retry_after} seconds")
        self.refusal = refusal


def attempt_login(session: Session, store: Storage, policy: ThrottlePolicy, attempt: LoginAttempt) -> LoginResult:
    """Check one login attempt against the throttles, then the password; audit refusals and back-off (flushed)."""
    email = normalize_email(attempt.email)[: MAX_EMAIL_LENGTH + 1]  # bounded for the audit trail; still no match
    subject = device_subject(attempt.device) if attempt.device else account_subject(email)
    refusal = None if attempt.device else hit_address(store, policy, attempt.address)
    refusal = refusal or claim_attempt(store, policy, subject)
    if refusal is not None:
        _audit_refusal(session, refusal, email, attempt)
        return LoginResult(refusal=refusal)
    user = authenticate(session, email, attempt.password)
    if user is None:
        _count_failure(session, store, policy, subject, email, attempt.address)
        return LoginResult()
    record_success(store, subject)
    return LoginResult(user=user)


def confirm_password(session: Session, store: Storage, policy: ThrottlePolicy, user: User, password: str,
                     address: str) -> bool:
    """Whether this is the user's password, throttled like a login from an unknown browser: a stolen session
    must not become a way around the back-off. Raises Throttled while the account backs off."""
    subject = account_subject(user.email)
    refusal = claim_attempt(store, policy, subject)
    if refusal is not None:
        _audit_refusal(session, refusal, user.email, LoginAttempt(user.email, "", address))
        raise Throttled(refusal)
    if verify_password(user.password_hash, password):
        record_success(store, subject)
        return True
    _count_failure(session, store, policy, subject, user.email, address)
    return False


def _count_failure(session: Session, store: Storage, policy: ThrottlePolicy, subject: str, email: str,
                   address: str) -> None:
    failures = record_failure(store, policy, subject)
    window = policy.backoff(failures)
    if window:
        record_event(session, "login.backoff", actor=find_user(session, email), email=email, address=address,
                     failures=failures, seconds=window, browser=_browser(subject))
        session.flush()


def _audit_refusal(session: Session, refusal: Refusal, email: str, attempt: LoginAttempt) -> None:
    if not refusal.first:
        return
    record_event(session, "login.throttled", actor=find_user(session, email), email=email, address=attempt.address,
                 scope=refusal.scope, retry_after=refusal.retry_after,
                 browser="known" if attempt.device else "unknown")
    session.flush()


def _browser(subject: str) -> str:
    return "known" if subject.startswith("device/") else "unknown"
