"""train() end to end on a small data folder of the shared layout: the real encoder, a few hundred rows, one short
epoch and the complaint stage. It writes a model that loads and scores, with the validation figures, the complaint
stage's out-of-fold figures, Korean's own adapter and a topic head; the language stage alone retrains that adapter;
--resume after the run finished retrains nothing; a saved model is
where --from-model starts."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from sentiment import corpora
from sentiment.complaint_tuning import TuningConfig
from sentiment.corpora import Recipe
from sentiment.finetune import FineTuneConfig
from sentiment.train import fit_language_only, fit_lexical_only, train
from tests.sentiment.test_corpora import FILES

POSITIVE = ["Loved it", "Great service, thanks!", "Best app ever", "So happy with my order", "Works perfectly"]
NEGATIVE = ["Terrible service", "My order never arrived", "Worst app ever", "I want my money back", "It broke"]
NEUTRAL = ["On my way to work", "The store opens at nine", "New update today", "Reading the news", "It is Monday"]


TUNING = TuningConfig(epochs=1, replay=20, other_complaints=20, batch_size=64)
EVERY = 6  # the written sets' share the test trains on: every topic keeps rows, and the run takes a minute or two


def every_nth(read: Callable[..., list[Any]]) -> Callable[..., list[Any]]:
    return lambda *args, **kwargs: read(*args, **kwargs)[::EVERY]


@pytest.fixture()
def small_written_sets(monkeypatch: pytest.MonkeyPatch) -> None:
    """A sixth of the project's written sets, read through the same functions by every step that uses them (the
    training rows, the topic head, the Japanese holdout through ja_polarity): fine-tuning and embedding all of them
    took nine minutes."""
    from sentiment import datasets, written_sets

    for module, name in ((written_sets, "customer_messages"), (written_sets, "topic_set"), (datasets, "ja_polarity")):
        monkeypatch.setattr(module, name, every_nth(getattr(module, name)))


def write_data(root: Path) -> Path:
    for name, lines in FILES.items():
        folder, filename = corpora._FILES[name]
        (root / "training" / folder).mkdir(parents=True)
        (root / "training" / folder / filename).write_text("\n".join(lines) + "\n", encoding="utf-8")
    tweets = [(t, 2) for t in POSITIVE] + [(t, 0) for t in NEGATIVE] + [(t, 1) for t in NEUTRAL]
    (root / "tweeteval_sentiment").mkdir()
    (root / "tweeteval_sentiment" / "val_text.txt").write_text("\n".join(t for t, _ in tweets) + "\n")
    (root / "tweeteval_sentiment" / "val_labels.txt").write_text("\n".join(str(y) for _, y in tweets) + "\n")
    (root / "nsmc").mkdir()
    reviews = ["1\t정말 재밌어요\t1", "2\t최악이다\t0", "3\t감동적인 영화\t1", "4\t돈 아깝다\t0"]
    lines = ["id\tdocument\tlabel", *reviews]
    (root / "nsmc" / "nsmc_binary.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "complaints").mkdir()
    with open(root / "complaints" / "complaints.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["tweet_id", "text", "label", "domain"])
        for i, text in enumerate(NEGATIVE + POSITIVE + NEUTRAL):
            writer.writerow([i, f"@brand {text}", int(text in NEGATIVE), "retail"])
    return root


def private_cache(tmp_path: Path, encoder_dir: Path) -> Path:
    """A cache folder of the test's own (the run writes its checkpoint and token states there) sharing the built
    encoder."""
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / encoder_dir.name).symlink_to(encoder_dir, target_is_directory=True)
    return cache


@pytest.mark.usefixtures("small_written_sets")
def test_train_writes_a_model_that_loads_and_scores(tmp_path: Path, encoder_dir: Path) -> None:
    from sentiment.model import E5HeadsModel

    data, out, cache = write_data(tmp_path / "data"), tmp_path / "out", private_cache(tmp_path, encoder_dir)
    recipe = Recipe(semeval=2, goemotions=1, nsmc_raw=1, kote=1, chabsa=1, calib_per_set=1)
    config = replace(FineTuneConfig(), batch_size=64, evaluations_per_epoch=1)
    lines: list[str] = []
    metrics = train(out, data, cache, config, rt_limit=20, log=lines.append, recipe=recipe, tuning=TUNING)
    assert metrics["headline"]["tweeteval_macro_recall"] is not None and metrics["sentiment"]["tweeteval"]["n"] == 15
    assert metrics["complaint"]["complaints"]["n"] == 15 and metrics["sentiment"]["nsmc"]["n"] == 4
    assert json.loads((out / "metrics.json").read_text())["meta"]["recipe"] == recipe.as_dict()
    assert any(line.startswith("fine-tuning on ") for line in lines)
    assert sum(line.startswith("complaint tuning: fold ") and "macro F1" in line for line in lines) == 5
    written = json.loads((out / "metrics.json").read_text())["meta"]["complaint_tuning"]
    assert written["out_of_fold"] == "15 logits, stored in heads.pt" and len(written["fold_macro_f1"]) == 5
    model = E5HeadsModel(cache, out / "heads.pt")
    assert model.topic_head is not None and len(model.topic_head.names) == 8
    assert set(model.embedder.routes) == {"ko"} and "+ko-" in model.version  # Korean's own adapter
    assert model.meta["language_adapters"]["rows"] > 0 and any(line.startswith("ko adapter: ") for line in lines)
    assert len(model.meta["complaint_tuning"]["out_of_fold"]) == 15  # what earful eval reports for the set
    [prediction] = model.predict(["My parcel never arrived"])
    assert abs(sum(prediction.probs) - 1.0) < 1e-5 and 0.0 <= prediction.complaint <= 1.0
    lexical = json.loads((out / "metrics.json").read_text())["meta"]["lexical_head"]
    assert (out / "lexical.pt").is_file() and model.version.endswith(f"+lex-{lexical['digest']}")
    assert any(line.startswith("lexical head: epoch 3/3") for line in lines)

    refit: list[str] = []
    again = fit_lexical_only(out, data, cache, log=refit.append)  # the same rows and seed: the same head
    assert again["meta"]["lexical_head"]["digest"] == lexical["digest"]
    assert again["headline"]["nsmc_accuracy"] is not None
    assert json.loads((out / "metrics.json").read_text())["meta"]["recipe"] == recipe.as_dict()

    language: list[str] = []
    relearned = fit_language_only(out, data, cache, log=language.append)  # from the saved shared adapter
    shared = model.meta["shared_model_version"]
    assert relearned["meta"]["model_version"].startswith(f"{shared}+ko-") and relearned["meta"]["language_adapters"]
    assert E5HeadsModel(cache, out / "heads.pt").version.startswith(relearned["meta"]["model_version"] + "+lex-")
    assert any(line.startswith("ko adapter: ") for line in language)

    resumed: list[str] = []
    train(tmp_path / "again", data, cache, config, rt_limit=20, log=resumed.append, recipe=recipe,
          resume=True, tuning=TUNING)
    assert any(line.startswith("resuming at epoch 2, batch 0") for line in resumed)  # the finished run's checkpoint
    assert sum(line.endswith("from its checkpoint") for line in resumed) == 5
    assert not any(line.startswith("complaint tuning: every fold") for line in resumed)



def test_a_saved_model_is_where_the_complaint_stage_starts(encoder_dir: Path) -> None:
    """train(start_from=...) trains further from a saved heads.pt: its adapter on fresh LoRA layers embeds as the
    merged model does, with its heads, settings and recipe (the committed model is the example)."""
    import numpy as np
    from transformers import AutoTokenizer, BertModel

    from sentiment.encoder import QUERY_PREFIX
    from sentiment.finetune import embed_rows, lower_states
    from sentiment.heads import load_language_adapters, read_heads_file
    from sentiment.model import HEADS_PATH, E5HeadsModel
    from sentiment.train import _saved_settings, saved_top

    saved = read_heads_file(HEADS_PATH)
    config, recipe = _saved_settings(saved["meta"])
    assert config.as_dict() == saved["meta"]["fine_tune"]["config"] and recipe.as_dict() == saved["meta"]["recipe"]
    encoder = BertModel.from_pretrained(encoder_dir, add_pooling_layer=False).eval()  # type: ignore[no-untyped-call]
    top, info, _ = saved_top(encoder, 0, saved, config)
    assert info == saved["meta"]["fine_tune"]
    texts = ["My parcel never arrived", "配達が遅い", "정말 좋아요"]
    states = lower_states(encoder, AutoTokenizer.from_pretrained(encoder_dir), texts, 0, QUERY_PREFIX, 128)
    trained = embed_rows(top, states)
    embedder = E5HeadsModel(encoder_dir.parent, HEADS_PATH, precision="fp32").embedder
    merged = embedder.embed(texts, languages=["und"] * len(texts)).vectors  # the shared layers for all three
    assert np.all(np.sum(trained * merged, axis=1) > 0.999)
    korean = saved_top(encoder, 0, {**saved, "adapter": load_language_adapters(saved)["ko"]}, config)[0]
    routed = embedder.embed(texts[2:]).vectors  # detected as Korean: Korean's own layers
    assert float(embed_rows(korean, states[2:])[0] @ routed[0]) > 0.999
    assert any(p.requires_grad for name, p in top.named_parameters() if "lora_" in name)  # ready to train further
