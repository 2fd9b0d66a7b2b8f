"""Reputation reports: KPI queries as SQL aggregates, later rendered as pages, CSV and PDF."""
