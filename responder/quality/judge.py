"""Judging one drafted reply of the reply-quality set: the right template (or no draft, or an escalation) and the
zero-tolerance faults of issue 19: a DM offered on a store, "@handle" before 様/님, a Korean particle that disagrees
with the word before it, and a question for a fact the author already gave."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from listener.platforms import STORE_NETWORKS
from responder.drafting.particles import particle_errors

NO_DRAFT = "no_draft"
ESCALATE = "escalate"
NO_TEMPLATE = "no_template"  # drafted, but from no saved reply: a person writes it from nothing
# The faults that must never occur, whatever the template.
ZERO_TOLERANCE = ("dm_on_store", "handle_honorific", "particle", "asks_again")

DM = re.compile(r"(?<![A-Za-z])DMs?(?![A-Za-z])|direct message|private message|ダイレクトメッセージ|個別メッセージ"
                r"|다이렉트 메시지|쪽지", re.IGNORECASE)
HANDLE_HONORIFIC = re.compile(r"@[\w.\-]+\s*(?:様|さま|さん|님|씨)")
SENTENCE = re.compile(r"[^。．.!?！？\n]+[。．.!?！？]?")
FACT_WORDS = {
    "order_number": ("order number", "order #", "order no", "注文番号", "주문번호", "주문 번호"),
    "photo": ("photo", "picture", "写真", "画像", "사진"),
    "device": ("phone model", "device model", "app version", "機種", "端末", "アプリのバージョン", "기기 모델",
               "휴대폰 모델", "앱 버전"),
    "tracking_number": ("tracking number", "追跡番号", "伝票番号", "운송장", "송장 번호", "송장번호"),
}
REQUEST_WORDS = ("please", "could you", "can you", "send us", "share", "let us know", "tell us", "?",
                 "ください", "いただけ", "お知らせ", "お送り", "教えて", "添えて", "？",
                 "주세요", "주시면", "주시겠", "알려", "보내")


@dataclass(frozen=True)
class Drafted:
    """What drafting did with one mention: the saved reply's name (or NO_DRAFT, ESCALATE, NO_TEMPLATE), the text
    as an agent would sign it, and the codes of the lint findings that would block its approval."""

    chosen: str
    text: str = ""
    lint_blocks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Verdict:
    acceptable: bool
    problems: tuple[str, ...]  # "wrong_template", "lint:<code>" and the ZERO_TOLERANCE codes that fired


def judge(drafted: Drafted, *, acceptable: Sequence[str], network: str, must_not_ask: Sequence[str] = ()) -> Verdict:
    problems = [] if drafted.chosen in acceptable else ["wrong_template"]
    problems += [f"lint:{code}" for code in drafted.lint_blocks]
    problems += faults(drafted.text, network=network, must_not_ask=must_not_ask)
    return Verdict(acceptable=not problems, problems=tuple(problems))


def faults(text: str, *, network: str, must_not_ask: Sequence[str] = ()) -> list[str]:
    """The ZERO_TOLERANCE codes the reply text commits."""
    found = []
    if network in STORE_NETWORKS and DM.search(text):
        found.append("dm_on_store")
    if HANDLE_HONORIFIC.search(text):
        found.append("handle_honorific")
    if particle_errors(text):
        found.append("particle")
    if asked_again(text, must_not_ask):
        found.append("asks_again")
    return found


def asked_again(text: str, facts: Sequence[str]) -> list[str]:
    """The facts (keys of FACT_WORDS) that a sentence of the reply asks for."""
    asked = []
    for fact in facts:
        words = FACT_WORDS[fact]
        for sentence in SENTENCE.findall(text):
            lowered = sentence.lower()
            if any(word in lowered for word in words) and any(word in lowered for word in REQUEST_WORDS):
                asked.append(fact)
                break
    return asked
