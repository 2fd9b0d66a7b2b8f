"""Platform rules a reply must pass before it can be approved in bulk: not empty, no unfilled {variables},
and within the network's length limit (X counts weighted characters, with every link as 23)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

URL = re.compile(r"https?://\S+", re.IGNORECASE)
VARIABLE = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
URL_WEIGHT = 23
# twitter-text v3: code points in these ranges weigh 1, everything else (CJK, emoji, ...) weighs 2.
LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))


@dataclass(frozen=True)
class LengthRule:
    limit: int
    weighted: bool  # X's weighted count rather than plain characters


LENGTH_RULES = {"x": LengthRule(280, weighted=True), "googleplay": LengthRule(350, weighted=False)}


@dataclass(frozen=True)
class ReplyLength:
    used: int
    rule: LengthRule | None

    @property
    def over(self) -> bool:
        return self.rule is not None and self.used > self.rule.limit


def weighted_length(text: str) -> int:
    normalized = unicodedata.normalize("NFC", text)
    total, position = 0, 0
    for match in URL.finditer(normalized):
        total += _weigh(normalized[position:match.start()]) + URL_WEIGHT
        position = match.end()
    return total + _weigh(normalized[position:])


def _weigh(text: str) -> int:
    return sum(1 if any(low <= ord(char) <= high for low, high in LIGHT_RANGES) else 2 for char in text)


def reply_length(text: str, network: str) -> ReplyLength:
    rule = LENGTH_RULES.get(network)
    used = weighted_length(text) if rule is not None and rule.weighted else len(text)
    return ReplyLength(used, rule)


def lint(text: str, network: str) -> list[str]:
    """What stops this text going out as a reply on this network; empty when it may."""
    problems = []
    if not text.strip():
        problems.append("the reply is empty")
    unfilled = sorted(set(VARIABLE.findall(text)))
    if unfilled:
        problems.append(f"unfilled variables: {', '.join(unfilled)}")
    length = reply_length(text, network)
    if length.over and length.rule is not None:
        problems.append(f"{length.used} characters, over the limit of {length.rule.limit}")
    return problems
