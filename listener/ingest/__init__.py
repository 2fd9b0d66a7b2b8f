"""Storing what collectors fetched: rows from exports (rows), each page stored once and linked to its source
(store, with PostgreSQL fast paths in pg_bulk), near-duplicates grouped (duplicates), edited reviews kept as
versions (revisions), and the rows a source had to skip (bad_rows)."""
