"""Complaint topics from an editable taxonomy (data/topics.json), en/ja/ko: keywords plus embedding similarity.

Keywords catch the explicit cases ("refund", "배송"); the topic's example sentences, embedded once per process by
the scoring model, catch paraphrases with no keyword ("my order is two weeks late" -> delivery). Only the single
closest topic is added, and only when it stands out from the rest, so similarity never floods a mention with topics.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

TAXONOMY_PATH = Path(__file__).parent / "data" / "topics.json"
FALLBACK = "other"
# e5 cosines sit in a narrow band (0.85-0.94), so both limits matter. Set conservatively for the committed
# encoder (re-check them when the encoder or its adapter changes) on hand-written probes: paraphrased delivery,
# billing and refund complaints in; "worst company ever", a film review, praise out. A wrong topic picks the
# wrong saved reply; a missing one only leaves "other".
SIMILARITY_MIN = 0.91  # cosine to the closest topic prototype
SIMILARITY_MARGIN = 0.029  # ... minus the mean cosine to the other prototypes
_SUFFIXES = "(?:s|es|ed|d|ing|er|ers)?"
Taxonomy = dict[str, list[re.Pattern[str]]]


@dataclass(frozen=True)
class Prototypes:
    names: tuple[str, ...]
    vectors: np.ndarray  # (topics, dim), L2-normalised mean of each topic's embedded examples


def load_taxonomy(path: Path = TAXONOMY_PATH) -> Taxonomy:
    """Topic -> compiled keyword patterns; Latin keywords match whole words (plus inflections), CJK anywhere."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {topic: [_pattern(k) for words in spec.get("keywords", {}).values() for k in words]
            for topic, spec in data.items()}


def _pattern(keyword: str) -> re.Pattern[str]:
    escaped = re.escape(keyword.casefold())
    return re.compile(rf"(?<![a-z0-9]){escaped}{_SUFFIXES}(?![a-z0-9])" if keyword.isascii() else escaped)


@lru_cache(maxsize=1)
def default_taxonomy() -> Taxonomy:
    return load_taxonomy()


def topic_examples(path: Path = TAXONOMY_PATH) -> dict[str, list[str]]:
    """Each topic's example sentences (all languages) and its description; topics without examples are left out."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {topic: [spec["description"], *(s for sentences in spec["examples"].values() for s in sentences)]
            for topic, spec in data.items() if spec.get("examples")}


def build_prototypes(embed: Callable[[list[str]], np.ndarray], path: Path = TAXONOMY_PATH) -> Prototypes:
    examples = topic_examples(path)
    names = tuple(examples)
    vectors = [embed(examples[name]).mean(axis=0) for name in names]
    stacked = np.stack(vectors) if vectors else np.zeros((0, 1), dtype=np.float32)
    return Prototypes(names, stacked / np.maximum(np.linalg.norm(stacked, axis=1, keepdims=True), 1e-12))


def similar_topics(vectors: np.ndarray, prototypes: Prototypes, minimum: float = SIMILARITY_MIN,
                   margin: float = SIMILARITY_MARGIN) -> list[tuple[str, ...]]:
    """Per text vector, the closest topic when it clears ``minimum`` and stands ``margin`` above the others."""
    if len(prototypes.names) < 2 or not len(vectors):
        return [() for _ in range(len(vectors))]
    sims = vectors @ prototypes.vectors.T
    best = sims.argmax(axis=1)
    top = sims[np.arange(len(sims)), best]
    rest = (sims.sum(axis=1) - top) / (sims.shape[1] - 1)
    return [(prototypes.names[b],) if t >= minimum and t - r >= margin else ()
            for b, t, r in zip(best, top, rest, strict=True)]


def detect_topics(text: str, taxonomy: Taxonomy | None = None, similar: Sequence[str] = ()) -> list[str]:
    """Topics whose keywords occur in the text or that the embedding found, in taxonomy order; ["other"] if none."""
    lowered = text.casefold()
    found = [topic for topic, patterns in (taxonomy or default_taxonomy()).items()
             if topic in similar or any(p.search(lowered) for p in patterns)]
    return found or [FALLBACK]
