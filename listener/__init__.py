"""Collectors that hear mentions on each network, and the ingestion that stores them exactly once."""
