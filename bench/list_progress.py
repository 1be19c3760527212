"""Bench stage ``progress``: the lists' figures (services.list_progress, issue 16 item 4)
beside their baselines, measured in this process as the window's tasks run them.

- the first computation of the four lists' figures (all time, then the bench's year) beside
  the dashboard's figures of that year (their target: within the dashboard's, < 2 s);
- the employments list's first page and a search, without and with the figures filled in
  (targets: list < 0.5 s, search < 0.2 s), and a sort on hours done over the whole list;
- the figures read back from the result cache on the next run (data unchanged).

Medians of interleaved samples; CPU time beside wall time (the machine is shared).
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from typing import Any

from clauses_app.runtime import collector_paused

SAMPLES = 3


def _timed(work: Callable[[], Any]) -> tuple[float, float]:
    """(wall, CPU) seconds of ``work()``."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def progress(ctx: Any) -> None:
    from clauses_app.services.bootstrap import open_app_database
    from clauses_app.services.figures import compute_figures
    from clauses_app.services.list_progress import FigureOrder, list_figures, load_list_figures
    from clauses_app.services.periods import Period
    from clauses_app.services.records import Kind, ListQuery
    from clauses_app.services.records.lists import first_page

    os.environ["CLAUSES_HOME"] = str(ctx.workdir / "progress-home")  # the kept results' folder
    database = open_app_database(str(ctx.source_db))
    runs: dict[str, list[tuple[float, float]]] = {}
    figures: dict[str, Any] = {}

    def sample(name: str, work: Callable[[Any], Any]) -> None:
        with collector_paused(), database.session() as session:
            runs.setdefault(name, []).append(_timed(lambda: figures.update({name: work(session)})))

    for _ in range(SAMPLES):
        sample("dashboard", lambda s: compute_figures(s, Period.year(ctx.year), pending_hours=True))
        sample("all_years", lambda s: list_figures(s, None))
        sample("year", lambda s: list_figures(s, ctx.year))
    employments = figures["all_years"][Kind.EMPLOYMENT]
    plain, search = ListQuery(), ListQuery("Martin")
    by_hours = ListQuery(sort_key="hours_done", descending=True)

    def page(query: ListQuery, filled: bool) -> Callable[[Any], Any]:
        def work(session: Any) -> Any:
            _total, rows = first_page(session, Kind.EMPLOYMENT, query)
            return employments.fill(rows) if filled else rows

        return work

    def sorted_page(session: Any) -> Any:
        return FigureOrder(session, Kind.EMPLOYMENT, by_hours, employments).page(session, 0, 200)

    for _ in range(SAMPLES):
        sample("list", page(plain, False))
        sample("list_figures", page(plain, True))
        sample("search", page(search, False))
        sample("search_figures", page(search, True))
        sample("sort_hours", sorted_page)
    with collector_paused():
        load_list_figures(database, None)  # computes and keeps them
        runs["kept"] = [_timed(lambda: load_list_figures(database, None))]
    database.dispose()

    def median(name: str, index: int) -> float:
        return statistics.median(run[index] for run in runs[name])

    r = ctx.results
    rows = (
        ("dashboard", "baseline: the dashboard's figures of the year"),
        ("all_years", "within the dashboard's (< 2 s): lists' figures, all years"),
        ("year", "within the dashboard's (< 2 s): lists' figures, the year"),
        ("list", "baseline: employments list, first page"),
        ("list_figures", "< 0.5 s: the same with hours and last month"),
        ("search", "baseline: search « Martin »"),
        ("search_figures", "< 0.2 s: the same with hours and last month"),
        ("sort_hours", "< 0.5 s: sorted on hours done, whole list"),
        ("kept", "(no target) read back, data unchanged"),
    )
    for name, target in rows:
        r.add(f"progress_{name}_s", median(name, 0), target + " (median)", "s")
        r.add(f"progress_{name}_cpu_s", median(name, 1), "CPU time", "s")
    r.ratio("progress_all_years_ratio", median("all_years", 0), median("dashboard", 0), "≤ 1")
    r.ratio("progress_year_ratio", median("year", 0), median("dashboard", 0), "≤ 1")
