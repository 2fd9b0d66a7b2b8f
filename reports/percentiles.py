"""Percentiles (linear interpolation, numpy's default) of a value per group, by window functions: the database
ranks the values within each group and returns only the two rows around each percentile's position."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

QUANTILES = (0.5, 0.9)


def grouped_percentiles(session: Session, values: sa.Subquery, groups: Sequence[str], value: str,
                        quantiles: Sequence[float] = QUANTILES) -> dict[tuple[Hashable, ...], list[float]]:
    """{group key tuple: [percentile per quantile]} over `values` (a subquery with the group columns and the value
    column; NULL values are left out)."""
    keys = [values.c[name] for name in groups]
    measured = values.c[value]
    ranked = (sa.select(*keys, measured.label("v"),
                        sa.func.row_number().over(partition_by=keys or None, order_by=measured).label("rank"),
                        sa.func.count().over(partition_by=keys or None).label("n"))
              .where(measured.is_not(None)).subquery("ranked"))
    wanted = sa.or_(*(sa.or_(ranked.c.rank == low_rank(ranked.c.n, q), ranked.c.rank == low_rank(ranked.c.n, q) + 1)
                      for q in quantiles))
    rows = session.execute(sa.select(*(ranked.c[name] for name in groups), ranked.c.v, ranked.c.rank, ranked.c.n)
                           .where(wanted)).all()
    picked: dict[tuple[Hashable, ...], dict[int, float]] = {}
    sizes: dict[tuple[Hashable, ...], int] = {}
    for row in rows:  # at most four rows per group
        group = tuple(row[: len(groups)])
        picked.setdefault(group, {})[int(row.rank)] = float(row.v)
        sizes[group] = int(row.n)
    return {group: [interpolate(picked[group], sizes[group], q) for q in quantiles] for group in picked}


def low_rank(n: Any, q: float) -> sa.ColumnElement[int]:
    """1-based rank of the value at or below position q * (n - 1), in integer arithmetic (q in hundredths) so that
    no float rounding decides a rank; integer division truncates on both databases."""
    return ((n - 1) * round(q * 100)) // 100 + 1


def interpolate(picked: dict[int, float], n: int, q: float) -> float:
    hundredths = round(q * 100)
    low = (n - 1) * hundredths // 100 + 1
    fraction = ((n - 1) * hundredths % 100) / 100.0
    low_value = picked[low]
    high_value = picked.get(low + 1, low_value)
    return low_value + (high_value - low_value) * fraction
