"""Spike alerts on negative talk: detection (pure statistics), later channels and delivery."""
