"""Responsiveness: of the mentions that needed a reply, how many got one posted, how long the first posted reply
took in business minutes (median, p90), and how many were answered within the SLA; overall, per network and per
agent, for both periods.

Needed a reply: status needs_reply or replied, or any mention with a posted reply. First response: the earliest
posted_at of its posted replies; its agent: who approved that reply (else who last edited it). Within the SLA:
answered within SLA business minutes; the share's denominator also counts the unanswered ones already past it
(those still inside it are undecided and left out)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from models import Mention, MentionStatus, User
from models.base import UTCDateTime
from models.mention import sql_constant
from models.report_first_response import ReportFirstResponse
from reports.context import CURRENT, PREVIOUS, ReportContext, count_where
from reports.percentiles import QUANTILES, interpolate, low_rank
from reports.report import Comparison, ResponseFigures, ResponseGroup, Responsiveness

NEEDS_ANSWER = (MentionStatus.needs_reply.value, MentionStatus.replied.value)
EMPTY = ResponseFigures(0, 0, None, None, 0, 0)


def needed_a_reply(first_posted_at: sa.ColumnElement[Any]) -> sa.ColumnElement[bool]:
    """A mention needed a reply when it waits for one or was answered (statuses needs_reply, replied), or when it
    got a posted reply anyway."""
    return sa.or_(col(Mention.status).in_([sql_constant(status) for status in NEEDS_ANSWER]),
                  first_posted_at.is_not(None))


def response_rows(context: ReportContext) -> sa.CTE:
    """One row per mention that needed a reply: period, network, agent, answered, business minutes, SLA flags.
    The mentions that needed a reply are found first, so only they are placed on the business calendar."""
    first = ReportFirstResponse  # each mention's first posted reply, kept by triggers (models.report_first_response)
    needed = (sa.select(context.period().label("period"), col(Mention.network).label("network"),
                        col(Mention.created_at).label("created_at"), col(first.posted_at).label("posted_at"),
                        col(first.agent_id).label("agent_id"))
              .select_from(Mention).outerjoin(first, col(first.mention_id) == col(Mention.id))
              .where(*context.both_periods(), needed_a_reply(sa.type_coerce(col(first.posted_at), UTCDateTime())))
              .cte("needed"))
    if context.dialect.name == "postgresql":
        # Filtered before it meets the calendar: left to itself, the planner (expecting a few hundred answers)
        # puts every mention of the range on the calendar first, sorting them all for a merge join.
        needed = needed.prefix_with("MATERIALIZED")
    days = context.business.cte("business_days")
    at_created, at_posted = days.alias("at_created"), days.alias("at_posted")
    business_clock = context.business.clock
    created, posted = needed.c.created_at, needed.c.posted_at
    waited = context.business.seconds_up_to(at_posted, posted) - context.business.seconds_up_to(at_created, created)
    waiting_now = (sa.literal(context.business.seconds_up_to_moment(context.now))
                   - context.business.seconds_up_to(at_created, created))
    answered = posted.is_not(None)
    sla = sa.literal(context.sla_seconds)
    statement = (sa.select(needed.c.period, needed.c.network, needed.c.agent_id,
                           sa.case((answered, 1), else_=0).label("answered"),
                           sa.case((answered, waited / 60.0), else_=sa.null()).label("minutes"),
                           sa.case((sa.and_(answered, waited <= sla), 1), else_=0).label("within_sla"),
                           sa.case((answered, 1), (waiting_now >= sla, 1), else_=0).label("sla_decided"))
                 .select_from(needed)
                 .join(at_created, at_created.c.day == business_clock.local_day(created))
                 .outerjoin(at_posted, at_posted.c.day == business_clock.local_day(posted)))
    return statement.cte("responses")  # read by both statements below: computed once in each


def responsiveness(context: ReportContext) -> Responsiveness:
    rows = response_rows(context)
    found = _figures_pg(context, rows) if context.dialect.name == "postgresql" else _figures(context, _grouped(rows))
    current, previous = found.get((OVERALL, ""), (EMPTY, EMPTY))
    by_network = {key: pair for (grouping, key), pair in found.items() if grouping == BY_NETWORK}
    by_agent = {key: pair for (grouping, key), pair in found.items() if grouping == BY_AGENT and key}
    emails = _agent_emails(context, [int(key) for key in by_agent])
    networks = tuple(ResponseGroup(key, None, *pair) for key, pair
                     in sorted(by_network.items(), key=lambda item: (-item[1][0].needed, item[0])))
    agents = tuple(ResponseGroup(emails.get(int(key), f"user {key}"), int(key), *pair) for key, pair
                   in sorted(by_agent.items(), key=lambda item: (-item[1][0].answered, item[0])))
    return Responsiveness(
        sla_minutes=round(context.sla_seconds / 60), current=current, previous=previous,
        response_rate=Comparison(current.response_rate, previous.response_rate),
        median_minutes=Comparison(current.median_minutes, previous.median_minutes),
        p90_minutes=Comparison(current.p90_minutes, previous.p90_minutes),
        sla_share=Comparison(current.sla_share, previous.sla_share),
        by_network=networks, by_agent=agents)


OVERALL, BY_NETWORK, BY_AGENT = "all", "network", "agent"


def _grouped(rows: sa.CTE) -> sa.Subquery:
    """The rows once per grouping (all, by network, by agent of the answered ones): one scan feeds all three."""
    def part(grouping: str, key: sa.ColumnElement[str]) -> sa.Select[Any]:
        return sa.select(sa.cast(sql_constant(grouping), sa.String).label("grouping"), rows.c.period,
                         key.label("key"), rows.c.answered, rows.c.minutes, rows.c.within_sla, rows.c.sla_decided)

    return sa.union_all(
        part(OVERALL, sa.cast(sql_constant(""), sa.String)),
        part(BY_NETWORK, sa.cast(rows.c.network, sa.String)),
        part(BY_AGENT, sa.cast(rows.c.agent_id, sa.String)).where(rows.c.answered == 1, rows.c.agent_id.is_not(None)),
    ).subquery("grouped")


def _figures(context: ReportContext, grouped: sa.Subquery
             ) -> dict[tuple[str, str], tuple[ResponseFigures, ResponseFigures]]:
    """Counts and percentiles per (grouping, period, key) in one statement: each group's rows ranked by minutes
    (unanswered last, on both databases), with the group's totals as window aggregates; only the first row and the
    rows at the percentiles' positions come back."""
    group = (grouped.c.grouping, grouped.c.period, grouped.c.key)
    minutes = grouped.c.minutes
    order = (minutes.is_(None), minutes)
    ranked = sa.select(*group, minutes,
                       sa.func.row_number().over(partition_by=group, order_by=order).label("rank"),
                       sa.func.count().over(partition_by=group).label("needed"),
                       sa.func.count(minutes).over(partition_by=group).label("timed"),
                       sa.func.sum(grouped.c.answered).over(partition_by=group).label("answered"),
                       sa.func.sum(grouped.c.within_sla).over(partition_by=group).label("within_sla"),
                       sa.func.sum(grouped.c.sla_decided).over(partition_by=group).label("sla_decided")
                       ).subquery("ranked")
    positions = [ranked.c.rank == 1]
    for quantile in QUANTILES:
        low = low_rank(ranked.c.timed, quantile)
        positions += [ranked.c.rank == low, ranked.c.rank == low + 1]
    rows = context.session.execute(sa.select(ranked).where(sa.or_(*positions))).all()
    found: dict[tuple[str, str, int], list[Any]] = {}
    for row in rows:  # a handful per group
        found.setdefault((str(row.grouping), str(row.key), int(row.period)), []).append(row)
    figures: dict[tuple[str, str], dict[int, ResponseFigures]] = {}
    for (grouping, key, period), group_rows in found.items():
        first = group_rows[0]
        timed = int(first.timed)
        values = {int(row.rank): float(row.minutes) for row in group_rows if row.minutes is not None}
        median, p90 = ((interpolate(values, timed, quantile) for quantile in QUANTILES) if timed
                       else (None, None))
        figures.setdefault((grouping, key), {})[period] = ResponseFigures(
            int(first.needed), int(first.answered or 0), median, p90, int(first.within_sla or 0),
            int(first.sla_decided or 0))
    return {group_key: (periods.get(CURRENT, EMPTY), periods.get(PREVIOUS, EMPTY))
            for group_key, periods in figures.items()}


def _figures_pg(context: ReportContext, rows: sa.CTE) -> dict[tuple[str, str], tuple[ResponseFigures, ResponseFigures]]:
    """The same figures as _figures, on PostgreSQL in one pass: GROUPING SETS and percentile_cont (the same linear
    interpolation), which sorts each group's minutes alone instead of ranking every row three times over."""
    by_network, by_agent = sa.func.grouping(rows.c.network), sa.func.grouping(rows.c.agent_id)
    answered = rows.c.answered == 1
    statement = (sa.select(
        by_network.label("g_network"), by_agent.label("g_agent"), rows.c.period, rows.c.network, rows.c.agent_id,
        sa.func.count().label("needed"), count_where(answered).label("answered"),
        sa.func.coalesce(sa.func.sum(rows.c.within_sla), 0).label("within_sla"),
        sa.func.coalesce(sa.func.sum(rows.c.sla_decided), 0).label("sla_decided"),
        *(sa.func.percentile_cont(quantile).within_group(rows.c.minutes).label(f"q{index}")
          for index, quantile in enumerate(QUANTILES)))
        .group_by(sa.func.grouping_sets(sa.tuple_(rows.c.period), sa.tuple_(rows.c.period, rows.c.network),
                                        sa.tuple_(rows.c.period, rows.c.agent_id))))
    figures: dict[tuple[str, str], dict[int, ResponseFigures]] = {}
    for row in context.session.execute(statement):
        if row.g_network == 0:
            group = (BY_NETWORK, str(row.network))
        elif row.g_agent == 0:
            if row.agent_id is None:
                continue  # unanswered, or answered with no approver or editor on record
            group = (BY_AGENT, str(row.agent_id))
        else:
            group = (OVERALL, "")
        # A mention has an agent only once answered, so an agent's group holds answered mentions alone.
        figures.setdefault(group, {})[int(row.period)] = ResponseFigures(
            int(row.needed), int(row.answered), _float(row.q0), _float(row.q1), int(row.within_sla),
            int(row.sla_decided))
    return {group_key: (periods.get(CURRENT, EMPTY), periods.get(PREVIOUS, EMPTY))
            for group_key, periods in figures.items()}


def _float(value: object) -> float | None:
    return None if value is None else float(str(value))


def _agent_emails(context: ReportContext, user_ids: list[Any]) -> dict[int, str]:
    if not user_ids:
        return {}
    statement = sa.select(col(User.id), col(User.email)).where(col(User.id).in_([int(i) for i in user_ids]))
    return {int(user_id): email for user_id, email in context.session.execute(statement)}

