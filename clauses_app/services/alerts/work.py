"""The work contracts that three kinds of alert look at, read once. Qt-free.

Missing statements, unvalidated eligibility and missing six-month outcomes each go over the
work contracts (62,000 at national volume). They share one raw read, with named positions
(like the figures' rows): each kind keeps the rows in its scope (their award among the
alert labels, which the figures scoped to the authority) and applies its own dates.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from clauses_app.models import Employment, Participant
from clauses_app.services.figures.awards import as_date, driver_rows, employments_in_scope, raw

# Positions in a row of :func:`work_contracts` (ids as stored: figures.awards.raw; START and
# END as dates).
KEY, AWARD, PERSON, LAST_NAME, FIRST_NAME, START, END, INELIGIBLE, OUTCOME_6M, ARCHIVED = range(10)


def work_contracts(session: Session, authority_uuid: uuid.UUID | None) -> list[Sequence[Any]]:
    """Every work contract with its participant's name, or, for one authority, every work
    contract of the people who have one there (a six-month outcome waits for a person's last
    contract, wherever it is). Start and end dates are made once per distinct stored value
    (work contracts share few dates), for the three kinds that compare them.

    The work contracts and the people are read apart and matched here by key: cheaper than
    the database's join, which looks each person up in an index once per work contract. As
    with the join, a work contract whose person the connected role may not read (a team
    database's row-level security) is left out: every member reads the work contracts."""
    statement = select(
        raw(Employment.uuid), raw(Employment.award_uuid), raw(Employment.participant_uuid),
        raw(Employment.start_date), raw(Employment.end_date), Employment.ineligible,
        Employment.outcome_6m_code,
    )  # fmt: skip
    people = select(raw(Participant.uuid), Participant.last_name, Participant.first_name,
                    Participant.archived)  # fmt: skip
    if authority_uuid is not None:
        in_scope = employments_in_scope(select(Employment.participant_uuid), authority_uuid)
        statement = statement.where(Employment.participant_uuid.in_(in_scope))
        people = people.where(Participant.uuid.in_(in_scope))
    person_of = {row[0]: row[1:] for rows in driver_rows(session, people) for row in rows}
    dates: dict[Any, date | None] = {None: None}
    contracts: list[Sequence[Any]] = []
    for rows in driver_rows(session, statement):
        for key, award, person, start, end, ineligible, outcome in rows:
            begins = dates.get(start)
            if begins is None:
                begins = dates[start] = as_date(start)
            ends = dates.get(end) if end is not None else None
            if ends is None and end is not None:
                ends = dates[end] = as_date(end)
            found = person_of.get(person)
            if found is None:  # a person out of sight (a team database's portfolios)
                continue
            last_name, first_name, archived = found
            contracts.append((key, award, person, last_name, first_name, begins, ends,
                              ineligible, outcome, archived))  # fmt: skip
    return contracts
