"""Drafting public replies from saved replies, and the approve -> post state machine."""
