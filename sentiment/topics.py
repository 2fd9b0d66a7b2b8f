"""Complaint topics from an editable taxonomy, en/ja/ko: keywords plus embedding similarity.

The taxonomy ships as data/topics.json; the workspace's edited copy is the Topic table, whose active rows
models.topic_store.taxonomy_spec returns in the same shape (a "spec"). Every function here takes either.

Keywords catch the explicit cases ("refund", "배송"); the topic's example sentences, embedded once per process by
the scoring model, catch paraphrases with no keyword ("my order is two weeks late" -> delivery). Only the single
closest topic is added, and only when it stands out from the rest, so similarity never floods a mention with topics.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from models import topic_store

TAXONOMY_PATH = topic_store.SHIPPED_PATH  # the shipped taxonomy; the workspace's copy is the Topic table
FALLBACK = topic_store.FALLBACK
# e5 cosines sit in a narrow band (0.89-0.98), so both limits matter and they move with the encoder: training
# chooses them for the adapter it trains (choose_similarity, stored in the model's meta) as the pair that finds the
# most topics on the written topic set's training share at a precision of at least PROTOTYPE_PRECISION. These are
# the fallback for a model saved without them. A wrong topic picks the wrong saved reply; a missing one only leaves
# "other". The topic head finds most shipped topics; the prototypes add a few and cover the topics a workspace adds.
SIMILARITY_MIN = 0.95  # cosine to the closest topic prototype
SIMILARITY_MARGIN = 0.016  # ... minus the mean cosine to the other prototypes
PROTOTYPE_PRECISION = 0.9
_MINIMUM_GRID = np.round(np.arange(0.85, 0.99, 0.0025), 4)
_MARGIN_GRID = np.round(np.arange(0.0, 0.05, 0.001), 3)
_SUFFIXES = "(?:s|es|ed|d|ing|er|ers)?"
Taxonomy = dict[str, list[re.Pattern[str]]]
Spec = topic_store.Spec


@dataclass(frozen=True)
class Prototypes:
    names: tuple[str, ...]
    vectors: np.ndarray  # (topics, dim), L2-normalised mean of each topic's embedded examples


def read_spec(source: Path | Spec = TAXONOMY_PATH) -> Spec:
    """A spec as given, or read from a topics.json file."""
    if isinstance(source, Path):
        data: Spec = json.loads(source.read_text(encoding="utf-8"))
        return data
    return source


def spec_key(spec: Spec) -> str:
    """A digest that changes whenever any topic's text does: what per-spec caches are keyed by."""
    return hashlib.sha256(json.dumps(spec, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def taxonomy_from_spec(spec: Spec) -> Taxonomy:
    """Topic -> compiled keyword patterns; Latin keywords match whole words (plus inflections), CJK anywhere."""
    return {topic: [_pattern(k) for words in (entry.get("keywords") or {}).values() for k in words]
            for topic, entry in spec.items()}


def load_taxonomy(path: Path = TAXONOMY_PATH) -> Taxonomy:
    return taxonomy_from_spec(read_spec(path))


def _pattern(keyword: str) -> re.Pattern[str]:
    escaped = re.escape(keyword.casefold())
    return re.compile(rf"(?<![a-z0-9]){escaped}{_SUFFIXES}(?![a-z0-9])" if keyword.isascii() else escaped)


@lru_cache(maxsize=1)
def default_taxonomy() -> Taxonomy:
    return load_taxonomy()


def topic_examples(source: Path | Spec = TAXONOMY_PATH) -> dict[str, list[str]]:
    """Each topic's example sentences (all languages) and its description; topics without examples are left out."""
    return {topic: [entry["description"], *(s for sentences in entry["examples"].values() for s in sentences)]
            for topic, entry in read_spec(source).items() if any((entry.get("examples") or {}).values())}


def build_prototypes(embed: Callable[[list[str]], np.ndarray], source: Path | Spec = TAXONOMY_PATH) -> Prototypes:
    examples = topic_examples(source)
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


@dataclass(frozen=True)
class Similarity:
    """The limits similar_topics applies, and what they found on the set they were chosen on."""

    minimum: float = SIMILARITY_MIN
    margin: float = SIMILARITY_MARGIN
    found: int = 0
    precision: float = 0.0


def choose_similarity(vectors: np.ndarray, y: np.ndarray, names: Sequence[str], prototypes: Prototypes,
                      precision: float = PROTOTYPE_PRECISION) -> Similarity | None:
    """The (minimum, margin) pair that finds the most right topics at ``precision`` or better on labelled rows
    (``y``: 0/1 per row and topic in ``names``); None when no pair reaches it, so the prototypes stay silent."""
    if len(prototypes.names) < 2 or not len(vectors):
        return None
    sims = vectors @ prototypes.vectors.T
    best = sims.argmax(axis=1)
    top = sims[np.arange(len(sims)), best]
    rest = (sims.sum(axis=1) - top) / (sims.shape[1] - 1)
    column = {name: j for j, name in enumerate(names)}
    right = np.array([column.get(prototypes.names[b]) is not None and y[i, column[prototypes.names[b]]] > 0
                      for i, b in enumerate(best)])
    chosen: Similarity | None = None
    for minimum in _MINIMUM_GRID:
        for margin in _MARGIN_GRID:
            hit = (top >= minimum) & (top - rest >= margin)
            found = int((hit & right).sum())
            share = found / max(1, int(hit.sum()))
            if found and share >= precision and (chosen is None or (found, share) > (chosen.found, chosen.precision)):
                chosen = Similarity(float(minimum), float(margin), found, round(share, 4))
    return chosen


def detect_topics(text: str, taxonomy: Taxonomy | None = None, similar: Sequence[str] = ()) -> list[str]:
    """Topics whose keywords occur in the text or that the embedding found, in taxonomy order; ["other"] if none."""
    lowered = text.casefold()
    found = [topic for topic, patterns in (default_taxonomy() if taxonomy is None else taxonomy).items()
             if topic in similar or any(p.search(lowered) for p in patterns)]
    return found or [FALLBACK]
