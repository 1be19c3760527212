"""Deterministic synthetic demo data in French: from one facilitator's year to the national
consolidation (``clauses demo``).

Same size and seed, same rows (UUIDs and timestamps included). Rows are produced as a stream of
batches (:mod:`.generator`) and inserted with SQLAlchemy Core in one transaction; the stream can
also be counted without a database (:func:`count_demo`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy import exists, insert, select
from sqlalchemy.orm import Session

from clauses_app.models import Base, Company, ContractingAuthority, Participant
from clauses_app.services.databases import first_run_state
from clauses_app.services.demo.generator import DemoGenerator
from clauses_app.services.demo.plan import PLANS, SIZES, SizePlan
from clauses_app.services.progress import Progress, report
from clauses_app.services.settings import load_settings, save_settings
from clauses_app.storage import Database
from clauses_app.storage.connections import BULK_INSERT_CACHE_KIB, sqlite_page_cache

# Tables a forced demo keeps: the reference lists and the settings (overwritten anyway).
KEPT_TABLES = frozenset({"reference_item", "setting"})


class DemoError(Exception):
    """The demo cannot be generated; the message is one French sentence."""


@dataclass(frozen=True)
class DemoSummary:
    """What a demo generation made."""

    size: str
    seed: int
    authorities: int
    contacts: int
    operations: int
    contracts: int
    lots: int
    awards: int
    companies: int
    participants: int
    criteria: int
    employments: int
    hours_records: int
    hours_recorded: Decimal  # worked plus training hours of every statement


def plan_for(size: str) -> SizePlan:
    try:
        return PLANS[size]
    except KeyError:
        choices = ", ".join(SIZES)
        raise DemoError(f"Taille inconnue : « {size} » (choix : {choices}).") from None


def _summary(generator: DemoGenerator, seed: int) -> DemoSummary:
    counts = generator.counts
    return DemoSummary(
        size=generator.plan.size,
        seed=seed,
        authorities=counts["contracting_authority"],
        contacts=counts["contact"],
        operations=counts["operation"],
        contracts=counts["public_contract"],
        lots=counts["lot"],
        awards=counts["award"],
        companies=counts["company"],
        participants=counts["participant"],
        criteria=counts["participant_criterion"],
        employments=counts["employment"],
        hours_records=counts["hours_record"],
        hours_recorded=Decimal(generator.hours_recorded_cents).scaleb(-2),
    )


def count_demo(size: str = "facilitator", seed: int = 1) -> DemoSummary:
    """Generate the rows of a demo without a database and count them."""
    generator = DemoGenerator(plan_for(size), seed)
    for _ in generator.batches():
        pass
    return _summary(generator, seed)


def has_user_data(session: Session) -> bool:
    """Whether the database holds any authority, company or participant."""
    return any(
        session.scalar(select(exists().select_from(model)))
        for model in (ContractingAuthority, Company, Participant)
    )


def clear_user_data(session: Session) -> None:
    """Delete every record except the reference lists and settings, children first."""
    for table in reversed(Base.metadata.sorted_tables):
        if table.name not in KEPT_TABLES:
            session.execute(table.delete())


def generate_demo(
    database: Database,
    size: str = "facilitator",
    seed: int = 1,
    progress: Progress | None = None,
    force: bool = False,
) -> DemoSummary:
    """Fill ``database`` with demo data of ``size``, in one transaction.

    Refuses a database that already holds authorities, companies or participants unless
    ``force`` (which deletes them first, in the same transaction). A structure the user
    already named (the window's first run, ``clauses organisation``) is kept; an unnamed one
    takes the demo's invented name and address. ``progress`` is called
    between batches; raising :class:`~clauses_app.services.progress.Cancelled` from it rolls
    everything back.
    """
    generator = DemoGenerator(plan_for(size), seed)
    with database.transaction() as session:
        if has_user_data(session):
            if not force:
                raise DemoError(
                    "La base contient déjà des données : utilisez --force pour les remplacer "
                    "par les données de démonstration."
                )
            clear_user_data(session)
        report(progress, 0, generator.steps, "Préparation")
        settings = generator.settings
        if first_run_state(session).organisation_named:  # the user's structure stays theirs
            settings = replace(settings, organisation=load_settings(session).organisation)
        save_settings(session, settings)
        session.flush()
        with sqlite_page_cache(session, BULK_INSERT_CACHE_KIB):
            for batch in generator.batches():
                session.execute(insert(batch.table), batch.rows)
                report(progress, batch.done, batch.total, batch.message)
    return _summary(generator, seed)


__all__ = [
    "SIZES",
    "DemoError",
    "DemoSummary",
    "count_demo",
    "generate_demo",
    "has_user_data",
]
