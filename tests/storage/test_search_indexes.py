"""Migration 0015: on PostgreSQL the lists' word search is served by trigram indexes."""

from __future__ import annotations

from sqlalchemy import text

from clauses_app.services.records import lists
from clauses_app.services.records.kinds import Kind
from clauses_app.services.records.lists import ListQuery
from clauses_app.storage import Database
from tests import builders as b
from tests.conftest import requires_postgres

SEARCHED = {
    "ix_participant_last_name_trgm", "ix_participant_first_name_trgm", "ix_company_name_trgm",
    "ix_public_contract_reference_trgm", "ix_employment_job_title_trgm",
}  # fmt: skip


@requires_postgres
def test_searched_names_have_trigram_indexes_that_the_search_uses(
    pg_database: Database,
) -> None:
    with pg_database.transaction() as s:
        authority = b.authority(s, "Ville de Nantes")
        for n in range(300):
            b.participant(s, f"Nom{n:03d}", "Léa")
        b.participant(s, "Martinez", "Hugo")
    with pg_database.session() as s:
        names = set(
            s.scalars(text("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%_trgm'"))
        )
        assert names == SEARCHED
        s.execute(text("ANALYZE participant"))
        s.execute(text("SET LOCAL enable_seqscan = off"))  # a tiny table: make the choice visible
        plan = "\n".join(
            s.scalars(text("EXPLAIN SELECT uuid FROM participant WHERE last_name ILIKE '%artin%'"))
        )
        assert "ix_participant_last_name_trgm" in plan
        total, rows = lists.first_page(s, Kind.PARTICIPANT, ListQuery(search="artin"))
        assert total == 1 and rows[0].values["last_name"] == "MARTINEZ"
    assert authority is not None
