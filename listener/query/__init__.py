"""The listening query: its language (parse, match; language) and its translation to each platform's own
search syntax (native)."""
