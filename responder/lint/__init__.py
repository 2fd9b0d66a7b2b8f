"""Checking a reply before approval: the checks (checks), the rules as data with their admin edits (rules,
rules.json), and the findings for a reply that block or warn (findings)."""
