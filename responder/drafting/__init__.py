"""Drafts: which mentions get one and from which saved reply (rules), the saved-reply library and its
variables, filling and picking by hand, the optional model's rewrite, similar past replies, and the
drafting step after scoring (pending)."""
