"""The networks Earful knows, one spec each (listener/platforms/<network>.py), and what is derived from them:
the collector registry, the network names, which networks keep one reply per review, and the posters.

Adding a network is one platform module (its SPEC, client, auth and error mapping) listed in NETWORKS below,
its collector and poster, and their tests. Nothing here imports a platform client library.
"""

from __future__ import annotations

from listener.platforms import appstore, files, gbp, googleplay, hackernews, mastodon, reddit, rss, trustpilot, x
from listener.platforms.spec import CollectorSpec, NetworkSpec

NETWORKS: dict[str, NetworkSpec] = {spec.key: spec for spec in (
    x.SPEC, reddit.SPEC, mastodon.SPEC, hackernews.SPEC, rss.SPEC, appstore.SPEC, googleplay.SPEC, gbp.SPEC,
    trustpilot.SPEC,
)}
# The name stored on mentions and sources -> what people read.
NETWORK_NAMES: dict[str, str] = {key: spec.display_name for key, spec in NETWORKS.items()}
# Not a network: the label of a source whose rows each name their own (import, replay), such as the demo replay.
MIXED, MIXED_LABEL = files.MIXED, files.MIXED_LABEL
# Source.collector -> its spec; the file readers (import, replay) first, as they belong to no network.
COLLECTORS: dict[str, CollectorSpec] = {collector.name: collector for collector in (
    *files.COLLECTORS, *(collector for spec in NETWORKS.values() for collector in spec.collectors))}
COLLECTOR_NETWORKS: dict[str, str] = {collector.name: spec.key for spec in NETWORKS.values()
                                      for collector in spec.collectors}
# Networks where a review holds one reply from the business and posting again overwrites it.
UPSERT_NETWORKS = frozenset(key for key, spec in NETWORKS.items() if spec.upsert)
REVISABLE_NETWORKS = frozenset(key for key, spec in NETWORKS.items() if spec.revisable)
# Review sites without DMs (NetworkSpec.channel "store"): replies there never ask for a private message.
STORE_NETWORKS = frozenset(key for key, spec in NETWORKS.items() if spec.channel == "store")

__all__ = ["COLLECTORS", "COLLECTOR_NETWORKS", "MIXED", "MIXED_LABEL", "NETWORKS", "NETWORK_NAMES",
           "REVISABLE_NETWORKS", "STORE_NETWORKS", "UPSERT_NETWORKS", "CollectorSpec", "NetworkSpec"]
