"""Alerts that can be worked through: the two new kinds on hand-built data, severities,
past-due wording, and « traitée » / « reportée » marks (stored, lifted by new facts,
undone, bad input refused)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from clauses_app.services.alerts import (
    AlertKind,
    AlertMarkError,
    AlertRecord,
    AlertStatus,
    collect_alerts,
    mark_alert,
    parse_alert_key,
    unmark_alert,
)
from clauses_app.services.periods import Period
from clauses_app.storage import Database
from tests import builders as b

YEAR = Period.year(2025)
NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.fixture
def site(database: Database) -> dict:  # type: ignore[type-arg]
    """Ville: contract 2025-001 performed 01/01–31/12/2025, lot 1 (600 h) awarded to SARL
    Bâti, lot 2 « Voirie » (1,400 h) awarded to nobody. Léa works from 03/02/2025 with a
    BRSA criterion imported without a date (to document); Ali from 01/03/2025 with DELD
    validated on 15/02/2025 (in time); Zoé from 01/04/2025 with QPV validated on
    10/04/2025 (late) and on a second contract from 01/06/2025."""
    with database.transaction() as s:
        town = b.authority(s, "Ville")
        con = b.contract(s, town, "2025-001", start_date=date(2025, 1, 1),
                         end_date=date(2025, 12, 31))  # fmt: skip
        aw = b.award(s, b.lot(s, con, "1", required_hours=Decimal(600)), b.company(s, "SARL Bâti"),
                     600)  # fmt: skip
        voirie = b.lot(s, con, "2", title="Voirie", required_hours=Decimal(1400))
        lea = b.participant(s, "Martin", "Léa")
        b.criterion(s, lea, "BRSA", None, status="TO_DOCUMENT")
        b.employment(s, aw, lea, date(2025, 2, 3), date(2025, 12, 31))
        ali = b.participant(s, "Benali", "Ali")
        b.criterion(s, ali, "DELD", date(2025, 2, 15))
        b.employment(s, aw, ali, date(2025, 3, 1), date(2025, 12, 31))
        zoe = b.participant(s, "Roux", "Zoé")
        b.criterion(s, zoe, "QPV", date(2025, 4, 10))
        b.employment(s, aw, zoe, date(2025, 4, 1), date(2025, 5, 31))
        b.employment(s, aw, zoe, date(2025, 6, 1), date(2025, 12, 31))
        return {"town": town.uuid, "con": con.uuid, "voirie": voirie.uuid, "lea": lea.uuid,
                "ali": ali.uuid, "zoe": zoe.uuid, "aw": aw.uuid}  # fmt: skip


def _alerts(database: Database, today: date, kind: str | None = None):  # type: ignore[no-untyped-def]
    with database.session() as s:
        return collect_alerts(s, today, YEAR)


def test_eligibility_unvalidated_for_people_at_work(database: Database, site: dict) -> None:  # type: ignore[type-arg]
    book = _alerts(database, date(2025, 6, 15))
    alerts = book.alerts(AlertKind.ELIGIBILITY_UNVALIDATED)
    # Léa (to document) and Zoé (validated 10/04 after her 01/04 start: late; her 01/06
    # contract is in time, the first is not); Ali validated in time raises nothing.
    assert [(a.record_kind, a.record_uuid) for a in alerts] == [
        (AlertRecord.PARTICIPANT, site["lea"]),
        (AlertRecord.PARTICIPANT, site["zoe"]),
    ]
    lea, zoe = alerts
    assert lea.message == (
        "MARTIN Léa : au travail depuis le 03/02/2025 (marché 2025-001) sans éligibilité "
        "validée : Éligibilité à documenter (BRSA)."
    )
    assert "Validée après le début (QPV)" in zoe.message and "autre" not in zoe.message
    assert (lea.due, lea.contract_uuid, lea.severity) == (date(2025, 2, 3), site["con"], "high")
    assert lea.action == "Validez un critère d'éligibilité sur la fiche du participant."
    # 132 days from 03/02 to 15/06
    assert lea.overdue == "en retard de 132 jours"
    # Limited to Ville, the same two; limited to another authority, none.
    with database.session() as s:
        other = b.authority(s, "Bourg")
        s.commit()
        in_town = collect_alerts(s, date(2025, 6, 15), YEAR, site["town"])
        elsewhere = collect_alerts(s, date(2025, 6, 15), YEAR, other.uuid)
    kind = AlertKind.ELIGIBILITY_UNVALIDATED
    assert [a.message for a in in_town.alerts(kind)] == [a.message for a in alerts]
    assert not elsewhere.count(kind)
    # Before anyone started, nobody is at work: no such alert.
    assert not _alerts(database, date(2025, 1, 31)).count(AlertKind.ELIGIBILITY_UNVALIDATED)


def test_lot_unawarded_once_the_contract_started(database: Database, site: dict) -> None:  # type: ignore[type-arg]
    assert not _alerts(database, date(2024, 12, 31)).count(AlertKind.LOT_UNAWARDED)
    [alert] = _alerts(database, date(2025, 1, 12)).alerts(AlertKind.LOT_UNAWARDED)
    assert (alert.record_kind, alert.record_uuid, alert.due) == (
        AlertRecord.LOT,
        site["voirie"],
        date(2025, 1, 1),
    )
    assert alert.message == (
        f"Marché 2025-001, lot 2 (Voirie) : 1{NNBSP}400{NBSP}h prévues et aucune entreprise "
        "attributaire, alors que le marché a commencé le 01/01/2025."
    )
    assert alert.severity == "high" and alert.overdue == "en retard de 11 jours"


def test_ended_award_says_how_many_hours_are_missing(database: Database, site: dict) -> None:  # type: ignore[type-arg]
    # 600 h required over 2025, nothing done; on 15/01/2026 the award ended on 31/12/2025.
    with database.session() as s:
        [alert] = collect_alerts(s, date(2026, 1, 15), YEAR).alerts(AlertKind.BEHIND_SCHEDULE)
    assert alert.message == (
        f"SARL Bâti — marché 2025-001, lot 1 : terminé le 31/12/2025, 600{NBSP}h manquantes "
        f"(0{NBSP}h réalisées sur 600{NBSP}h exigées)."
    )
    assert alert.overdue == "en retard de 15 jours" and alert.severity == "medium"


def _mark(database: Database, today: date, kind: str, record, status: str, **kw) -> None:  # type: ignore[no-untyped-def]
    with database.session() as s:
        item = collect_alerts(s, today, YEAR).find(kind, record)
    assert item is not None
    with database.transaction() as s:
        mark_alert(s, item, status, today, **kw)


def test_a_treated_alert_leaves_the_list_until_its_facts_change(database: Database, site) -> None:  # type: ignore[no-untyped-def]
    today = date(2025, 6, 15)
    kind = AlertKind.ELIGIBILITY_UNVALIDATED
    _mark(database, today, kind, site["lea"], AlertStatus.DONE, comment="Pièce demandée",
          who="clara")  # fmt: skip
    book = _alerts(database, today)
    assert [a.record_uuid for a in book.alerts(kind)] == [site["zoe"]]
    [worked] = book.worked(kind)
    assert (worked.record_uuid, worked.status) == (site["lea"], AlertStatus.DONE)
    assert worked.mark is not None
    assert (worked.mark.comment, worked.mark.marked_by, worked.mark.label) == (
        "Pièce demandée",
        "clara",
        "Traitée",
    )
    # Marked done twice for the same facts: refused.
    with pytest.raises(AlertMarkError, match="déjà marquée traitée"):
        _mark(database, today, kind, site["lea"], AlertStatus.DONE)
    # A new fact: Léa's criterion is now dated (validated after her start: late). Another
    # cause, so the alert is open again.
    with database.transaction() as s:
        from clauses_app.models import ParticipantCriterion

        criterion = s.query(ParticipantCriterion).filter_by(participant_uuid=site["lea"]).one()
        criterion.validated_on, criterion.status = date(2025, 3, 1), "VALIDATED"
    book = _alerts(database, today)
    assert site["lea"] in [a.record_uuid for a in book.alerts(kind)] and not book.worked()


def test_new_hours_reopen_a_treated_schedule_alert(database: Database, site: dict) -> None:  # type: ignore[type-arg]
    today = date(2025, 7, 1)  # 6 months over: 300 h expected, 0 done
    _mark(database, today, AlertKind.BEHIND_SCHEDULE, site["aw"], AlertStatus.DONE)
    assert not _alerts(database, today).count(AlertKind.BEHIND_SCHEDULE)
    # A month later more is expected but nothing new was done: still treated.
    assert not _alerts(database, date(2025, 8, 1)).count(AlertKind.BEHIND_SCHEDULE)
    with database.transaction() as s:
        from clauses_app.models import Employment

        lea = s.query(Employment).filter_by(participant_uuid=site["lea"]).one()
        b.month_hours(s, lea, 2025, 5, 20)
    assert _alerts(database, date(2025, 8, 1)).count(AlertKind.BEHIND_SCHEDULE) == 1


def test_a_postponed_alert_returns_on_its_date(database: Database, site: dict) -> None:  # type: ignore[type-arg]
    today = date(2025, 1, 12)
    kind = AlertKind.LOT_UNAWARDED
    _mark(database, today, kind, site["voirie"], AlertStatus.SNOOZED, until=date(2025, 2, 1))
    book = _alerts(database, date(2025, 1, 31))
    assert not book.count(kind)
    [worked] = book.worked(kind)
    assert worked.mark is not None and worked.mark.label == "Reportée au 01/02/2025"
    assert _alerts(database, date(2025, 2, 1)).count(kind) == 1  # the date reached: open


def test_bad_marks_are_refused_and_a_mark_can_be_undone(database: Database, site: dict) -> None:  # type: ignore[type-arg]
    today = date(2025, 1, 12)
    kind = AlertKind.LOT_UNAWARDED
    for until in (today, date(2025, 1, 1)):
        with pytest.raises(AlertMarkError, match="postérieure à aujourd'hui"):
            _mark(database, today, kind, site["voirie"], AlertStatus.SNOOZED, until=until)
    with pytest.raises(AlertMarkError, match="rien à annuler"), database.transaction() as s:
        unmark_alert(s, kind, site["voirie"])
    _mark(database, today, kind, site["voirie"], AlertStatus.DONE)
    assert not _alerts(database, today).count(kind)
    with database.transaction() as s:
        unmark_alert(s, kind, site["voirie"])
    assert _alerts(database, today).count(kind) == 1
    with pytest.raises(AlertMarkError, match="Clé d'alerte invalide"):
        parse_alert_key("lot_unawarded:pas-un-uuid")
    assert parse_alert_key(f"lot_unawarded:{site['voirie']}") == (kind, site["voirie"])


def test_cli_lists_marks_and_unmarks(database: Database, site: dict, capsys) -> None:  # type: ignore[no-untyped-def,type-arg]
    import json

    from clauses_app.cli import main

    url = str(database.engine.url)
    base = ["--db", url, "alerts", "--json", "--today", "2025-06-15", "--year", "2025"]
    assert main(base) == 0
    listed = json.loads(capsys.readouterr().out)
    lot = next(a for a in listed if a["kind"] == "lot_unawarded")
    assert lot == {
        "key": f"lot_unawarded:{site['voirie']}", "kind": "lot_unawarded",
        "title": "Lot sans attributaire", "severity": "high", "record_kind": "lot",
        "record_uuid": str(site["voirie"]), "contract_uuid": str(site["con"]),
        "message": lot["message"], "action": "Saisissez l'entreprise attributaire du lot.",
        "due": "2025-01-01", "overdue_days": 165,
        "status": "open", "until": None, "note": None, "marked_by": None, "marked_on": None,
    }  # fmt: skip
    mark = ["--db", url, "alerts", "mark", lot["key"], "--today", "2025-06-15"]
    assert main([*mark, "--snooze", "2025-07-01", "--note", "Relance du service"]) == 0
    assert capsys.readouterr().out == "Alerte reportée au 01/07/2025.\n"
    assert main(base) == 0
    assert lot["key"] not in [a["key"] for a in json.loads(capsys.readouterr().out)]
    assert main([*base, "--all", "--kind", "lot_unawarded"]) == 0
    [snoozed] = json.loads(capsys.readouterr().out)
    assert (snoozed["status"], snoozed["until"], snoozed["note"]) == (
        "snoozed",
        "2025-07-01",
        "Relance du service",
    )
    # A snooze date in the past is refused in French, with exit code 2.
    assert main([*mark, "--snooze", "2025-06-01"]) != 0
    assert "postérieure à aujourd'hui" in capsys.readouterr().err
    assert main(["--db", url, "alerts", "unmark", lot["key"]]) == 0
    assert "de nouveau ouverte" in capsys.readouterr().out
    assert main(["--db", url, "alerts", "unmark", lot["key"]]) != 0
    assert "rien à annuler" in capsys.readouterr().err


def test_anonymising_a_person_removes_the_marks_on_their_alerts(
    database: Database,
    site: dict,  # type: ignore[type-arg]
) -> None:
    from clauses_app.services import privacy

    today = date(2025, 6, 15)
    _mark(database, today, AlertKind.ELIGIBILITY_UNVALIDATED, site["lea"], AlertStatus.DONE,
          comment="Mme Martin a fourni son attestation RSA")  # fmt: skip
    _mark(database, today, AlertKind.LOT_UNAWARDED, site["voirie"], AlertStatus.DONE)
    with database.transaction() as s:
        assert privacy.anonymize(s, site["lea"], today)
    with database.session() as s:
        from clauses_app.models import AlertMark

        kept = s.query(AlertMark.kind).all()
    assert [k for (k,) in kept] == [AlertKind.LOT_UNAWARDED]  # the lot's mark names nobody


def test_every_kind_has_a_severity_and_says_what_to_do() -> None:
    from clauses_app.services.alerts.book import ACTIONS, SEVERITY

    assert set(SEVERITY) == set(ACTIONS) == set(AlertKind.ALL)
    assert all(text.endswith(".") and text[0].isupper() for text in ACTIONS.values())
