"""The large training sets in ``../shared/data/training`` (each folder's PROVENANCE.md) and the recipe's sample of them.

What is read, and why:

- SemEval 2013-2016 Task 4A English tweets, 3-way: the pool TweetEval's training split came from.
- GoEmotions Reddit comments, only the rows whose emotions group into one sentiment (ambiguous and mixed are left
  out: they have no single label).
- NSMC's raw crawl, Korean movie reviews, negative vs positive.
- KOTE Korean online comments: the complaint flag only (its 44 emotions have no one sentiment).
- chABSA Japanese annual-report sentences with a polarity (the ``none`` rows carry no opinion and are left out).

CPU time is what limits training here, so the recipe draws a seeded sample of each (``Recipe``) and keeps a
calibration share of the large ones apart: it chooses the checkpoint and fits the temperatures, so the validation
sets (TweetEval validation, the NSMC share, the complaint set by cross-validation, the test-only sets) stay untouched.
"""

from __future__ import annotations

import csv
import random
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from sentiment.datasets import Example
from sentiment.scoring import LABELS

TRAINING = "training"
_SENTIMENT = {name: LABELS.index(name) for name in LABELS}
_FILES = {
    "semeval": ("en_semeval2013_2016_task4a", "semeval2013_2016_task4a_en.tsv"),
    "goemotions": ("en_goemotions_sentiment", "goemotions_sentiment_en.tsv"),
    "nsmc_raw": ("ko_nsmc_raw_binary", "nsmc_raw_binary_balanced.tsv"),
    "kote": ("ko_kote_emotion_complaint", "kote_val_test_ko.tsv"),
    "chabsa": ("ja_chabsa_sentence_polarity", "chabsa_sentences_ja.tsv"),
}


class MissingCorpus(RuntimeError):
    """A training set the recipe reads is not in the data folder."""


@dataclass(frozen=True)
class Recipe:
    """How many rows of each set go into training and into the calibration share (seeded draws)."""

    semeval: int = 20_000
    goemotions: int = 3_000
    nsmc_raw: int = 16_000
    kote: int = 6_000
    chabsa: int = 1_200
    calib_per_set: int = 1_000  # of semeval, nsmc_raw and kote: enough to tell a point apart when choosing
    seed: int = 13

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def path_of(data_dir: Path, name: str) -> Path:
    folder, filename = _FILES[name]
    path = data_dir / TRAINING / folder / filename
    if not path.is_file():
        raise MissingCorpus(f"training set {name!r} is missing: expected {path} (see ../shared/data/README.md)")
    return path


def _read(path: Path) -> list[dict[str, str]]:
    csv.field_size_limit(sys.maxsize)
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def _three_way(data_dir: Path, name: str) -> list[Example]:
    """A set whose ``label`` column names a sentiment; rows with another label (ambiguous, mixed, none) are left
    out."""
    return [Example(r["text"].strip(), name, _SENTIMENT[r["label"]], False, None)
            for r in _read(path_of(data_dir, name)) if r["label"] in _SENTIMENT and r["text"].strip()]


def semeval(data_dir: Path) -> list[Example]:
    return _three_way(data_dir, "semeval")


def goemotions(data_dir: Path) -> list[Example]:
    return _three_way(data_dir, "goemotions")


def nsmc_raw(data_dir: Path) -> list[Example]:
    return [Example(r["document"].strip(), "nsmc_raw", _SENTIMENT["positive" if r["label"] == "1" else "negative"],
                    True, None)
            for r in _read(path_of(data_dir, "nsmc_raw")) if (r["document"] or "").strip()]


def kote(data_dir: Path) -> list[Example]:
    return [Example(r["text"].strip(), "kote", None, False, int(r["complaint"]))
            for r in _read(path_of(data_dir, "kote")) if r["text"].strip()]


def chabsa(data_dir: Path) -> list[Example]:
    return _three_way(data_dir, "chabsa")


LOADERS = {"semeval": semeval, "goemotions": goemotions, "nsmc_raw": nsmc_raw, "kote": kote, "chabsa": chabsa}
CALIBRATED = ("semeval", "nsmc_raw", "kote")


def sample(data_dir: Path, recipe: Recipe) -> dict[str, list[Example]]:
    """``{"train": [...], "calib": [...]}``: each set's seeded draw; a text never lands in both shares."""
    out: dict[str, list[Example]] = {"train": [], "calib": []}
    for name in LOADERS:
        rows = shuffled(data_dir, name, recipe.seed)
        n_calib = recipe.calib_per_set if name in CALIBRATED else 0
        out["calib"] += rows[:n_calib]
        out["train"] += rows[n_calib: n_calib + getattr(recipe, name)]
    return out


def lexical_shares(data_dir: Path, recipe: Recipe, trained_on: tuple[str, ...], blended: tuple[str, ...],
                   extra: int) -> tuple[list[Example], list[Example]]:
    """(what the lexical head trains on, what its blend is fitted on), by the same seeded shuffle as ``sample``. The
    blend's rows are each blended set's calibration share plus ``extra`` rows past the encoder's draw; the head
    trains on every other row of its sets. Neither the encoder nor the head trains on a blend row."""
    train: list[Example] = []
    blend: list[Example] = []
    for name in trained_on:
        rows = shuffled(data_dir, name, recipe.seed)
        start = recipe.calib_per_set if name in CALIBRATED else 0
        if name in blended:
            beyond = start + getattr(recipe, name)
            blend += rows[:start] + rows[beyond:beyond + extra]
            train += rows[start:beyond] + rows[beyond + extra:]
        else:
            train += rows[start:]
    return train, blend


def shuffled(data_dir: Path, name: str, seed: int) -> list[Example]:
    """The set's rows, one per text, in the seeded order every share of it is cut from."""
    rows = _unique(LOADERS[name](data_dir))
    random.Random(f"{seed}:{name}").shuffle(rows)
    return rows


def _unique(rows: list[Example]) -> list[Example]:
    """One row per text (the first); sorted so the seeded shuffle does not depend on the file's order."""
    seen: dict[str, Example] = {}
    for row in rows:
        seen.setdefault(row.text, row)
    return sorted(seen.values(), key=lambda r: r.text)
