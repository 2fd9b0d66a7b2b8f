"""Which words and phrases the spike is about: those most over-represented in the spike window against the
baseline, by the log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin'
Words", section 3.5).

Why this estimator: a spike window holds a few dozen mentions, so a plain frequency ratio crowns words seen once
in the window and never before (an infinite ratio from one tweet), while raw window frequency crowns "order" and
"app", which are frequent every day. The prior, proportional to each term's rate in window and baseline
together, shrinks rare terms towards "no difference"; dividing the log-odds difference by its standard error
(a z-score) asks how sure we are that the term is over-represented, not only by how much. Terms are counted by
documents (a mention votes for a term once), so one author repeating a word thirty times cannot make it the
theme of the spike.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from alerts.terms import CJK_RUN

PRIOR_WEIGHT = 100.0  # alpha_0: how many pseudo-documents of the overall rate the prior is worth
MIN_WINDOW_DOCS = 2  # a phrase at least two mentions of the window share
MIN_Z = 1.96  # about 97.5% sure the term is over-represented (one-sided)
MIN_BASELINE_DOCS = 20  # below this the baseline says nothing: rank by how many window mentions share a term
MAX_PHRASE = 60


@dataclass(frozen=True)
class RankedTerm:
    text: str
    window: int  # mentions in the spike window that contain it
    baseline: int  # mentions in the baseline that contain it
    z: float  # the log-odds z-score (0.0 when there was no baseline to compare with)


def rank_terms(window: Iterable[set[str]], baseline: Iterable[set[str]], *, limit: int = 10) -> list[RankedTerm]:
    """The window's most over-represented terms, best first. Each argument holds one set of terms per mention."""
    window_counts, n_window = _document_counts(window)
    baseline_counts, n_baseline = _document_counts(baseline)
    candidates = [term for term, count in window_counts.items() if count >= MIN_WINDOW_DOCS and len(term) <= MAX_PHRASE]
    if n_baseline < MIN_BASELINE_DOCS:
        ranked = sorted(candidates, key=lambda term: (-window_counts[term], -len(term), term))
        return [RankedTerm(term, window_counts[term], baseline_counts[term], 0.0) for term in ranked[:limit]]
    total = n_window + n_baseline
    scored = []
    for term in candidates:
        y_w, y_b = window_counts[term], baseline_counts[term]
        # A term in (nearly) every mention would leave the prior no room for "absent": cap its share.
        alpha = PRIOR_WEIGHT * min((y_w + y_b) / total, 0.99)
        z = _log_odds_z(y_w, n_window, y_b, n_baseline, alpha)
        if z >= MIN_Z:
            scored.append(RankedTerm(term, y_w, y_b, z))
    scored.sort(key=lambda item: (-item.z, -item.window, item.text))
    return scored[:limit]


def _log_odds_z(y_w: int, n_w: int, y_b: int, n_b: int, alpha: float) -> float:
    """Monroe et al. eq. 16 and 18 with documents as the unit: a term's presence against its absence (the prior
    is a Beta with alpha pseudo-documents holding the term and a0 - alpha without it)."""
    a0 = PRIOR_WEIGHT
    delta = (math.log((y_w + alpha) / (n_w + a0 - y_w - alpha))
             - math.log((y_b + alpha) / (n_b + a0 - y_b - alpha)))
    variance = 1.0 / (y_w + alpha) + 1.0 / (y_b + alpha)
    return delta / math.sqrt(variance)


def phrases(ranked: list[RankedTerm], *, limit: int = 5) -> list[str]:
    """What a person reads: a bigram replaces its own words when it carries most of them ("late delivery" rather
    than "late", "delivery" and "late delivery")."""
    chosen: list[RankedTerm] = []
    for term in ranked:
        if any(_inside(term.text, other.text) and other.window >= 0.8 * term.window for other in ranked
               if other is not term and len(other.text) > len(term.text)):
            continue
        chosen.append(term)
    return [term.text for term in chosen[:limit]]


def _inside(word: str, phrase: str) -> bool:
    """A word of the phrase: split on spaces, or for a Japanese bigram (written without one) a part of it."""
    if word == phrase:
        return False
    return word in phrase.split(" ") if " " in phrase else bool(CJK_RUN.fullmatch(phrase)) and word in phrase


def _document_counts(documents: Iterable[set[str]]) -> tuple[Counter[str], int]:
    counts: Counter[str] = Counter()
    total = 0
    for document in documents:
        counts.update(document)
        total += 1
    return counts, total
