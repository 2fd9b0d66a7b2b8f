"""A reply's life after drafting: people's actions on it (service), conditional state moves (states), second
approvals, posting exactly once (posting) and the reconciler's sweep (reconcile)."""
