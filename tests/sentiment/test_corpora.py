"""The large training sets: what each loader keeps, the seeded draw, and a clear error when a set is missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from sentiment import corpora
from sentiment.evaluation import validation_rows
from sentiment.scoring import LABELS
from sentiment.train import DEFAULT_DATA_DIR

NEG, NEU, POS = (LABELS.index(x) for x in ("negative", "neutral", "positive"))
FILES = {
    "semeval": ["id\tlabel\ttext\tsource_file", "1\tpositive\tGreat game tonight :)\ta", "2\tneutral\tOn my way\ta",
                "3\tnegative\t\"Worst \"\"service\"\" ever\"\ta", "4\tpositive\t   \ta"],
    "goemotions": ["id\tlabel\ttext\temotions\tupstream_split\tsource_file", "a\tambiguous\tHuh?\tconfusion\ttrain\tx",
                   "b\tmixed\tLove it, hate it\tlove|anger\ttrain\tx", "c\tnegative\tThis sucks\tanger\ttrain\tx"],
    "nsmc_raw": ["id\tdocument\tlabel\trating\tmovie_id\tdate", "1\t최고의 영화\t1\t10\t9\td",
                 "2\t지루하다\t0\t2\t9\td", "3\t\t0\t1\t9\td"],
    "kote": ["id\ttext\tcomplaint\tlabels\tlabel_ids\tsource_file", "1\t배송이 너무 늦어요\t1\t불평/불만\t0\tval.tsv",
             "2\t감사합니다\t0\t환영/호의\t1\tval.tsv"],
    "chabsa": ["id\tlabel\ttext\tn_positive\tn_negative\tn_neutral\tindustry17\tsource_file",
               "E1-0\tpositive\t売上高は増加しました\t1\t0\t0\t食品\tx",
               "E1-1\tnone\t当社は東京にあります\t0\t0\t0\t食品\tx"],
}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    for name, lines in FILES.items():
        folder, filename = corpora._FILES[name]
        (tmp_path / "training" / folder).mkdir(parents=True)
        (tmp_path / "training" / folder / filename).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path


def test_each_loader_keeps_single_label_rows_with_text(data_dir: Path) -> None:
    assert [(r.text, r.sentiment, r.binary) for r in corpora.semeval(data_dir)] == [
        ("Great game tonight :)", POS, False), ("On my way", NEU, False), ('Worst "service" ever', NEG, False)]
    assert [(r.text, r.sentiment) for r in corpora.goemotions(data_dir)] == [("This sucks", NEG)]
    assert [(r.text, r.sentiment, r.binary) for r in corpora.nsmc_raw(data_dir)] == [
        ("최고의 영화", POS, True), ("지루하다", NEG, True)]
    assert [(r.text, r.sentiment, r.complaint) for r in corpora.kote(data_dir)] == [
        ("배송이 너무 늦어요", None, 1), ("감사합니다", None, 0)]
    assert [(r.text, r.sentiment) for r in corpora.chabsa(data_dir)] == [("売上高は増加しました", POS)]


def test_the_draw_is_seeded_and_keeps_the_calibration_share_apart(data_dir: Path) -> None:
    recipe = corpora.Recipe(semeval=2, goemotions=5, nsmc_raw=1, kote=1, chabsa=5, calib_per_set=1)
    first, again = corpora.sample(data_dir, recipe), corpora.sample(data_dir, recipe)
    assert first == again
    assert {r.dataset for r in first["calib"]} == {"semeval", "nsmc_raw", "kote"} and len(first["calib"]) == 3
    assert sorted(r.dataset for r in first["train"]) == ["chabsa", "goemotions", "kote", "nsmc_raw", "semeval",
                                                         "semeval"]
    assert not {r.text for r in first["train"]} & {r.text for r in first["calib"]}
    other = corpora.sample(data_dir, corpora.Recipe(semeval=2, goemotions=5, nsmc_raw=1, kote=1, chabsa=5,
                                                    calib_per_set=1, seed=14))
    assert other != first or len(corpora.semeval(data_dir)) < 2  # another seed draws other rows


def test_a_missing_set_names_the_file(data_dir: Path) -> None:
    (data_dir / "training" / corpora._FILES["kote"][0] / corpora._FILES["kote"][1]).unlink()
    with pytest.raises(corpora.MissingCorpus, match=r"training set 'kote' is missing: expected .*kote_val_test_ko"):
        corpora.sample(data_dir, corpora.Recipe())


@pytest.mark.skipif(not (DEFAULT_DATA_DIR / "training").is_dir(), reason="shared training data is not present")
def test_the_shared_sets_load_with_their_documented_sizes() -> None:
    sizes = {name: len(load(DEFAULT_DATA_DIR)) for name, load in corpora.LOADERS.items()}
    assert sizes["semeval"] >= 47_000 and sizes["nsmc_raw"] >= 225_000 and sizes["kote"] == 9_999
    assert sizes["goemotions"] == 20_364 + 11_268 + 15_899 and sizes["chabsa"] == 1_666 + 1_141 + 401
    recipe = corpora.Recipe()
    drawn = corpora.sample(DEFAULT_DATA_DIR, recipe)
    assert len(drawn["calib"]) == 3 * recipe.calib_per_set
    validation = {r.text for r in validation_rows(DEFAULT_DATA_DIR)}
    assert not validation & {r.text for r in drawn["train"] + drawn["calib"]}


def test_the_lexical_blend_share_is_held_out_of_both_models(data_dir: Path) -> None:
    recipe = corpora.Recipe(semeval=1, goemotions=5, nsmc_raw=0, kote=1, chabsa=5, calib_per_set=1)
    trained, blend = corpora.lexical_shares(data_dir, recipe, ("semeval", "nsmc_raw", "goemotions"),
                                            ("semeval", "nsmc_raw"), extra=1)
    drawn = corpora.sample(data_dir, recipe)
    # each blended set gives its calibration row and one row past the encoder's draw (semeval: 1 + 1 drawn + 1)
    assert sorted(r.dataset for r in blend) == ["nsmc_raw", "nsmc_raw", "semeval", "semeval"]
    assert {r.text for r in drawn["calib"] if r.dataset != "kote"} <= {r.text for r in blend}
    assert not {r.text for r in blend} & ({r.text for r in trained} | {r.text for r in drawn["train"]})
    assert {r.dataset for r in trained} == {"semeval", "goemotions"}  # NSMC's two rows both went to the blend
    assert len(trained) + len(blend) == len(corpora.semeval(data_dir)) + len(corpora.nsmc_raw(data_dir)) + len(
        corpora.goemotions(data_dir))
