"""« Mon portefeuille »: what a facilitator is in charge of, and territory counts that stay
whole when row-level security hides other portfolios' people (docs/team.md). Qt-free.

A facilitator's portfolio is the contracting authorities they are in charge of
(``authority_facilitator``), everything under them (operations, contracts, awards, their
companies and employments), the participants who work there and the participants they
follow. The window's lists and dashboard start on it; the command line works on everything
the connected role may read.

On SQLite there is one user and no assignment: the portfolio is the whole database and the
window shows no switch (:func:`portfolio_offered`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select, text
from sqlalchemy.orm import Session

from clauses_app.models import (
    AuthorityFacilitator,
    Award,
    Employment,
    Lot,
    Participant,
    PublicContract,
)
from clauses_app.models.base import local_user_name
from clauses_app.services.team import TERRITORY_FUNCTION, function_exists

MY_PORTFOLIO, WHOLE_TERRITORY = "Mon portefeuille", "Tout le territoire"


def connected_user(session: Session) -> str:
    """Who works: the PostgreSQL role (what the policies compare), or the local user name."""
    if session.get_bind().dialect.name == "postgresql":
        return str(session.execute(text("SELECT current_user")).scalar())
    return local_user_name()


def portfolio_offered(session: Session) -> bool:
    """Whether the window offers « Mon portefeuille » / « Tout le territoire »: on a team's
    PostgreSQL database only (on SQLite everything is the user's portfolio)."""
    return session.get_bind().dialect.name == "postgresql"


def authorities_of(user: str) -> Select[Any]:
    return select(AuthorityFacilitator.authority_uuid).where(
        AuthorityFacilitator.facilitator == user
    )


def awards_of(user: str) -> Select[Any]:
    contracts = select(PublicContract.uuid).where(
        PublicContract.authority_uuid.in_(authorities_of(user))
    )
    lots = select(Lot.uuid).where(Lot.contract_uuid.in_(contracts))
    return select(Award.uuid).where(Award.lot_uuid.in_(lots))


def participant_in_portfolio(user: str) -> ColumnElement[bool]:
    """Followed by ``user``, or working on an award of one of their authorities."""
    working = select(Employment.participant_uuid).where(Employment.award_uuid.in_(awards_of(user)))
    return or_(Participant.follower == user, Participant.uuid.in_(working))


def employment_in_portfolio(user: str) -> ColumnElement[bool]:
    followed = select(Participant.uuid).where(Participant.follower == user)
    return or_(
        Employment.award_uuid.in_(awards_of(user)), Employment.participant_uuid.in_(followed)
    )


def territory_participants(session: Session) -> int:
    """Every participant of the database, counted whatever the connected role may read: on a
    team's PostgreSQL database through :data:`TERRITORY_FUNCTION` (counts only), so that a
    facilitator's territory total is the coordinator's."""
    if function_exists(session, f"{TERRITORY_FUNCTION}()"):
        counted = session.execute(text(f"SELECT participants FROM {TERRITORY_FUNCTION}()"))
        return int(counted.scalar() or 0)
    return int(session.scalar(select(func.count()).select_from(Participant)) or 0)
