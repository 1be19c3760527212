"""The figures against hand-computed values and the reference rules, on SQLite and
PostgreSQL, by each of their paths: sums made by the database (on a worker thread's own
connection, or on the session's), every record streamed (months per award), and every
employment through counting.counted_hours. The scenario mixes plain employments with every
case that leaves the plain path (caps, undivided totals, exclusions, overrides, hours
outside the performance period)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from clauses_app.models import Employment, HoursRecord
from clauses_app.services.figures import Figures, compute_figures
from clauses_app.services.figures import awards as figures_load
from clauses_app.services.figures import summed as figures_sums
from clauses_app.services.figures.awards import UuidCache, to_decimal
from clauses_app.services.periods import Period, month_from_index
from clauses_app.storage import Database
from tests import builders as b

Y2025 = Period.year(2025)
Q2_FROM_MID_APRIL = Period(date(2025, 4, 15), date(2025, 6, 30))


def _scenario(s: Session) -> tuple[uuid.UUID, uuid.UUID]:
    """Authority A with two awards and nine situations, authority B with one award."""
    auth = b.authority(s)
    c1 = b.contract(s, auth, start_date=date(2025, 2, 1), end_date=date(2025, 11, 30))
    w1 = b.award(s, b.lot(s, c1), b.company(s), "1000")
    people = iter(b.participant(s, f"P{i}", "X") for i in range(20))

    def hire(award, start, end=None, **kw):  # type: ignore[no-untyped-def]
        return b.employment(s, award, next(people), start, end, **kw)

    e1 = hire(w1, date(2025, 1, 1))  # plain; January and December are outside the window
    for month, worked, training in ((1, 100, 0), (3, 100, 10), (12, 50, 0)):
        b.month_hours(s, e1, 2025, month, worked, training)
    e2 = hire(w1, date(2024, 1, 1), date(2024, 12, 31))  # dates outside 2025, hours inside
    b.month_hours(s, e2, 2025, 4, 80)
    e3 = hire(w1, date(2025, 5, 1), ineligible=True)
    b.month_hours(s, e3, 2025, 5, 70)
    e4 = hire(w1, date(2025, 4, 1))  # an undivided total, spread over April and May
    b.total_hours(s, e4, date(2025, 4, 1), date(2025, 5, 31), 200)
    e5 = hire(w1, date(2025, 6, 1), date(2026, 1, 31))  # total replaced by a 2026 month
    b.total_hours(s, e5, date(2025, 6, 1), date(2025, 7, 31), 300)
    b.month_hours(s, e5, 2026, 1, 90)
    e6 = hire(w1, date(2025, 8, 1))  # total replaced by a month of the same year
    b.total_hours(s, e6, date(2025, 8, 1), date(2025, 8, 31), 40)
    b.month_hours(s, e6, 2025, 9, 60)
    e7 = hire(w1, date(2025, 3, 1), transferred_staff=True)  # not counted by default
    b.month_hours(s, e7, 2025, 3, 55)

    op = b.operation(s, auth, rules_override={"cdi_cap_months": 1})
    c2 = b.contract(s, auth, "2025-002", operation_uuid=op.uuid,
                    notification_date=date(2025, 3, 1),
                    rules_override={"training_counted": False})  # fmt: skip
    w2 = b.award(s, b.lot(s, c2), b.company(s, "SAS Deux"), "500")  # no dates: year 2025
    e8 = hire(w2, date(2025, 3, 1), modality_code="MAD", contract_type_code="MISSION_ETTI")
    b.month_hours(s, e8, 2025, 3, 100, 20)  # training not counted here
    e9 = hire(w2, date(2025, 3, 1), contract_type_code="CDI")  # capped to its first month
    b.month_hours(s, e9, 2025, 3, 150)
    b.month_hours(s, e9, 2025, 4, 150)

    other = b.authority(s, "Autre ville")
    c3 = b.contract(s, other, "X-1", notification_date=date(2025, 1, 1))
    w3 = b.award(s, b.lot(s, c3), b.company(s, "Autre"), "100")
    b.month_hours(s, hire(w3, date(2025, 1, 1)), 2025, 1, 10)
    return auth.uuid, other.uuid


def _check(figures: Figures, **expected: object) -> None:
    totals = figures.total()
    assert (totals.hours_required, totals.hours_done) == expected["totals"]
    assert figures.monthly() == expected["monthly"]


def test_figures_by_hand_fast_and_reference_paths_agree(any_database: Database) -> None:
    with any_database.transaction() as s:
        a, other = _scenario(s)
    with any_database.session() as s:
        year = compute_figures(s, Y2025, a)
        # W1: e1 110 (March with training) + e2 80 + e4 200 (spread) + e6 60 = 450;
        # W2: e8 100 (no training) + e9 150 (March only) = 250.
        _check(year, totals=(D("1500"), D("700.00")), monthly={
            (2025, 3): D("360.00"), (2025, 4): D("180.00"), (2025, 5): D("100.00"),
            (2025, 9): D("60.00"),
        })  # fmt: skip
        assert year.by_modality() == {"EMBAUCHE": D("600.00"), "MAD": D("100.00")}
        assert year.by_contract_type() == {
            "CDD": D("450.00"), "CDI": D("150.00"), "MISSION_ETTI": D("100.00")
        }  # fmt: skip
        counts = sorted(award.employment_count for award in year.awards)
        assert counts == [2, 7]  # W1: all seven (e2 by its hours); W2: both
        # From mid-April: e2's and e4's April, e4's May; e9's April is past its cap.
        quarter = compute_figures(s, Q2_FROM_MID_APRIL, a)
        assert quarter.total().hours_done == D("280.00")
        assert quarter.monthly() == {(2025, 4): D("180.00"), (2025, 5): D("100.00")}
        assert compute_figures(s, None, a).total().hours_done == D("700.00")
        for period in (Y2025, Q2_FROM_MID_APRIL, None):
            _assert_paths_agree(s, period, a)
        everyone = compute_figures(s, Y2025)
        assert everyone.by_authority()[a] == year.total()
        assert everyone.by_authority()[other].hours_done == D("10.00")


def _assert_paths_agree(s: Session, period: Period | None, a: uuid.UUID | None) -> None:
    threaded = compute_figures(s, period, a)
    streamed = compute_figures(s, period, a, award_months=True)
    slow = compute_figures(s, period, a, fast_path=False)
    for other in (streamed, slow):
        assert threaded.total() == other.total()
        assert threaded.monthly() == other.monthly()
        assert threaded.by_modality() == other.by_modality()
        assert threaded.by_contract_type() == other.by_contract_type()
        assert threaded.by_authority() == other.by_authority()
        assert [(x.award_uuid, x.hours_done, x.employment_count) for x in threaded.awards] == [
            (x.award_uuid, x.hours_done, x.employment_count) for x in other.awards
        ]


@pytest.mark.parametrize("by_key_limit", [0, 3000])
def test_sums_on_the_sessions_connection_and_by_scanning_agree(
    database: Database, monkeypatch: pytest.MonkeyPatch, by_key_limit: int
) -> None:
    """The sums asked on the session's own connection (no second reader) and the records of
    employments off the plain path read by one scan instead of by key give the same."""
    with database.transaction() as s:
        _scenario(s)
    with database.session() as s:
        expected = compute_figures(s, Y2025, fast_path=False)
    monkeypatch.setattr(figures_sums, "uses_worker", lambda session: False)
    monkeypatch.setattr(figures_load, "BY_KEY_LIMIT", by_key_limit)
    with database.session() as s:
        inline = compute_figures(s, Y2025)
    assert inline.by_authority() == expected.by_authority()
    assert inline.monthly() == expected.monthly()


def test_sums_are_asked_on_a_worker_thread_only_when_it_reads_the_same(
    any_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Figures computed inside a transaction that wrote count what it wrote (a second
    connection would not see it yet); in a clean session the sums come from a worker."""
    threads: list[bool] = []
    original = figures_sums.PeriodSums.__init__

    def spy(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        original(self, *args, **kwargs)
        threads.append(self.on_worker)

    monkeypatch.setattr(figures_sums.PeriodSums, "__init__", spy)
    with any_database.transaction() as s:
        a, _ = _scenario(s)
        s.flush()
        assert compute_figures(s, Y2025, a).total().hours_done == D("700.00")
    with any_database.session() as s:
        assert compute_figures(s, Y2025, a).total().hours_done == D("700.00")
    with any_database.reading_session() as s:
        assert compute_figures(s, Y2025, a).total().hours_done == D("700.00")
    # PostgreSQL: a READ COMMITTED session's connection does it all (storage.connections).
    assert threads == [False, any_database.engine.dialect.name == "sqlite", True]


def test_the_workers_connections_read_the_reading_sessions_snapshot(
    pg_database: Database,
) -> None:
    """On PostgreSQL, hours committed by someone else after a reading session began are
    counted neither by the session's own reads nor by the sums the worker asks for on
    connections of its own; a new session counts them."""
    with pg_database.transaction() as s:
        a, _ = _scenario(s)
        # The plain employment of the first award: 100 h and 10 h of training in March.
        plain = s.scalars(
            select(HoursRecord.employment_uuid).where(HoursRecord.training_hours == 10)
        ).one()
    with pg_database.reading_session() as reading:
        before = compute_figures(reading, Y2025, a)
        with pg_database.transaction() as s:
            b.month_hours(s, s.get_one(Employment, plain), 2025, 7, 123)
        again = compute_figures(reading, Y2025, a)
        assert again.total().hours_done == before.total().hours_done == D("700.00")
        assert again.monthly() == before.monthly()
    with pg_database.reading_session() as fresh:
        assert compute_figures(fresh, Y2025, a).total().hours_done == D("823.00")


@pytest.mark.parametrize("failing", [1, 2])
def test_a_failure_on_the_worker_reaches_the_figures_thread(
    database: Database, monkeypatch: pytest.MonkeyPatch, failing: int
) -> None:
    """The worker asks for the employments on one connection, then for the months on a
    second: whichever fails, the figures' thread gets the error instead of waiting forever."""
    with database.transaction() as s:
        a, _ = _scenario(s)
    opened: list[int] = []
    own = figures_sums.own_connection

    def failing_connection(*args, **kwargs):  # type: ignore[no-untyped-def]
        opened.append(1)
        if len(opened) == failing:
            raise RuntimeError("connexion refusée")
        return own(*args, **kwargs)

    monkeypatch.setattr(figures_sums, "own_connection", failing_connection)
    with database.session() as s, pytest.raises(RuntimeError, match="connexion refusée"):
        compute_figures(s, Y2025, a)
    assert len(opened) == failing


def test_months_per_award_add_up_to_the_months_of_the_scope(database: Database) -> None:
    with database.transaction() as s:
        a, _ = _scenario(s)
    with database.session() as s:
        figures = compute_figures(s, Y2025, a, award_months=True)
        assert compute_figures(s, Y2025, a).awards[0].monthly is None  # only when asked
    summed: dict[int, float] = {}
    for award in figures.awards:
        for month, hours in (award.monthly or {}).items():
            summed[month] = summed.get(month, 0.0) + hours
        assert to_decimal(sum((award.monthly or {}).values())) == award.hours_done
    assert {month_from_index(m): to_decimal(v) for m, v in summed.items()} == figures.monthly()


def test_hours_to_date_by_hand_and_from_the_months_per_award(any_database: Database) -> None:
    """The schedule alert's hours to date, counted in the figures' one pass: by hand, and as
    the straightforward sum of each award's months (streamed path) up to the month."""
    with any_database.transaction() as s:
        a, _ = _scenario(s)
    up_to = date(2025, 4, 10)  # up to the end of April 2025
    with any_database.session() as s:
        paths = [
            compute_figures(s, None, a, done_up_to=up_to),
            compute_figures(s, None, a, done_up_to=up_to, award_months=True),
            compute_figures(s, None, a, done_up_to=up_to, fast_path=False),
        ]
        months = compute_figures(s, None, a, award_months=True)
        assert all(x.hours_done_to_date == 0 for x in months.awards)  # only when asked
    # W1: e1's March 110 (January is outside the window) + e2's April 80 + e4's April half
    # of its spread total 100 = 290; W2: e8's March 100 + e9's March 150 (capped after it).
    by_hand = {D("1000"): D("290.00"), D("500"): D("250.00")}
    last = 2025 * 12 + 3
    reference = {
        award.hours_required: sum(
            (to_decimal(h) for m, h in (award.monthly or {}).items() if m <= last), D(0)
        )
        for award in months.awards
    }
    assert reference == by_hand
    for figures in paths:
        assert {x.hours_required: x.hours_done_to_date for x in figures.awards} == by_hand
        assert [x.hours_done for x in figures.awards] == [x.hours_done for x in months.awards]


@pytest.mark.parametrize("value", [uuid.uuid4(), uuid.UUID(int=0), uuid.UUID(int=2**128 - 1)])
def test_uuid_cache_builds_the_same_uuid_as_the_uuid_module(value: uuid.UUID) -> None:
    cache = UuidCache()
    for stored in (value.hex, str(value), value):
        found = cache[stored]
        assert found == value and hash(found) == hash(value) and str(found) == str(value)
        assert found.version == value.version and found.is_safe == value.is_safe
    assert cache[None] is None


def test_raw_ids_are_text_and_select_their_rows(any_database: Database) -> None:
    """The figures read ids as text on both databases (no uuid.UUID made per row), find rows
    again by those texts, and turn them into the stored UUIDs."""
    from clauses_app.services.figures.awards import raw, raw_in

    with any_database.transaction() as s:
        award = b.award(s, b.lot(s, b.contract(s, b.authority(s))), b.company(s), "100")
        hired = [b.employment(s, award, b.participant(s, f"P{i}"), date(2025, 1, 1))
                 for i in range(3)]  # fmt: skip
        stored = {e.uuid for e in hired}
    with any_database.session() as s:
        keys = s.execute(select(raw(Employment.uuid))).scalars().all()
        assert all(isinstance(k, str) for k in keys)
        assert {UuidCache()[k] for k in keys} == stored
        chosen = select(raw(Employment.uuid)).where(raw_in(Employment.uuid, keys[:2]))
        assert sorted(s.execute(chosen).scalars()) == sorted(keys[:2])


@pytest.mark.parametrize("award_months", [False, True])
@pytest.mark.parametrize("cancel_at", [0, 1, 2, 3])
def test_the_figures_stop_when_cancelled_and_leave_no_connection_open(
    database: Database, monkeypatch: pytest.MonkeyPatch, cancel_at: int, award_months: bool
) -> None:
    """compute_figures reports its steps to the usual progress callback; Cancelled raised
    there stops it once the worker's part is over, with every connection it opened closed."""
    from contextlib import contextmanager

    from clauses_app.services.progress import Cancelled

    with database.transaction() as s:
        a, _ = _scenario(s)
    open_connections: list[int] = []
    own = figures_sums.own_connection

    @contextmanager
    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        with own(*args, **kwargs) as connection:
            open_connections.append(1)
            try:
                yield connection
            finally:
                open_connections.pop()

    monkeypatch.setattr(figures_sums, "own_connection", counted)
    steps: list[int] = []

    def progress(done: int, total: int, message: str = "") -> None:
        steps.append(done)
        assert total == 4 and message.startswith("Calcul des chiffres")
        if done == cancel_at:
            raise Cancelled()

    with database.session() as s:
        with pytest.raises(Cancelled):
            compute_figures(s, Y2025, a, award_months=award_months, progress=progress)
        assert open_connections == []
        assert compute_figures(s, Y2025, a).total().hours_done == D("700.00")
    assert steps == list(range(cancel_at + 1))


def test_a_cancelled_flag_stops_the_figures(database: Database) -> None:
    from clauses_app.services.progress import CancelFlag, Cancelled

    flag = CancelFlag()
    flag.cancel()
    with database.session() as s, pytest.raises(Cancelled):
        compute_figures(s, Y2025, progress=flag)
