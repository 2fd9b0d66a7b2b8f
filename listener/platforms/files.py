"""Not a network: the collectors that read a file whose rows each name their network (an export, the demo
recording). A source of one may be labelled "mixed"."""

from __future__ import annotations

from listener.platforms.spec import CollectorSpec

MIXED = "mixed"
MIXED_LABEL = "Mixed (each row names its network)"
COLLECTORS = (
    CollectorSpec("import", "listener.collectors.importer:ImportCollector", "everything in the file",
                  reads_files=True),
    CollectorSpec("replay", "listener.collectors.replay:ReplayCollector",
                  "the bundled recording, released as its time comes", reads_files=True),
)
