"""The collectors: one module per network (two for the App Store: its public feed and App Store Connect), the
file readers (import, replay) and the review sites' shared paging (reviews). Each reads; none stores. They are
registered in the network specs (listener.platforms) and loaded by name (listener.registry)."""
