from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from listener.collectors.importer import ImportPathRefused
from listener.collectors.replay import DEMO_FILE, ReplayCollector, load_recording, shifted_time
from settings import Settings

ANCHOR = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
SPLIT = datetime(2026, 11, 5, 13, 0, tzinfo=timezone.utc)
CONFIG = {"anchor": ANCHOR.isoformat(), "split": SPLIT.isoformat(), "speed": 60}


def test_history_is_shifted_unscaled_and_the_future_is_sped_up() -> None:
    assert shifted_time(SPLIT - timedelta(days=1), split=SPLIT, anchor=ANCHOR, speed=60) == ANCHOR - timedelta(days=1)
    assert shifted_time(SPLIT + timedelta(hours=1), split=SPLIT, anchor=ANCHOR, speed=60) == ANCHOR + timedelta(
        minutes=1)


def test_the_demo_recording_is_clean_and_large_enough() -> None:
    mentions, errors = load_recording(DEMO_FILE, DEMO_FILE.stat().st_mtime)
    assert errors == ()
    assert len(mentions) >= 600
    assert mentions[0].created_at < SPLIT - timedelta(weeks=4)  # Reports compare with a previous period
    assert {m.language for m in mentions} >= {"en", "ja", "ko"}
    assert {m.network for m in mentions} >= {"x", "reddit", "appstore", "googleplay"}


def test_rows_are_released_as_their_time_comes_and_the_cursor_never_repeats_them(settings: Settings) -> None:
    clock = [ANCHOR]
    collector = ReplayCollector(settings, clock=lambda: clock[0])
    history = collector.fetch(CONFIG, None)
    assert history.more  # five weeks of history fill more than one page
    rest = collector.fetch(CONFIG, history.cursor)
    assert rest.mentions and not rest.more
    assert all(m.created_at <= ANCHOR for m in [*history.mentions, *rest.mentions])
    assert rest.cursor["index"] == len(history.mentions) + len(rest.mentions)
    history = rest
    assert collector.fetch(CONFIG, history.cursor).mentions == []
    clock[0] = ANCHOR + timedelta(minutes=2)  # two file-hours later at 60x: the complaint burst
    burst = collector.fetch(CONFIG, history.cursor)
    assert len(burst.mentions) >= 40
    assert burst.cursor["index"] == history.cursor["index"] + len(burst.mentions)
    everything = collector.fetch(CONFIG, None)
    ids = [m.external_id for m in everything.mentions]
    assert len(ids) == len(set(ids))


def test_a_recording_path_is_read_only_from_the_import_directory(tmp_path: Path, settings: Settings) -> None:
    inside = tmp_path / "import"
    inside.mkdir()
    (inside / "demo.jsonl").write_bytes(DEMO_FILE.read_bytes())
    collector = ReplayCollector(settings.model_copy(update={"import_dir": inside}), clock=lambda: ANCHOR)
    assert collector.fetch({**CONFIG, "path": "demo.jsonl"}, None).mentions
    for outside in (str(DEMO_FILE), "/etc/passwd", "../demo.jsonl"):
        with pytest.raises(ImportPathRefused, match="not found in the import directory"):
            collector.fetch({**CONFIG, "path": outside}, None)
