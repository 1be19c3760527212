"""Months in French sentences: « de » is elided before a vowel (« Heures d'octobre 2026 »)."""

from __future__ import annotations

from clauses_app.formatting import format_month, of_month


def test_de_is_elided_before_avril_aout_and_octobre() -> None:
    assert [of_month(2026, m) for m in range(1, 13)] == [
        "de janvier 2026", "de février 2026", "de mars 2026", "d'avril 2026", "de mai 2026",
        "de juin 2026", "de juillet 2026", "d'août 2026", "de septembre 2026",
        "d'octobre 2026", "de novembre 2026", "de décembre 2026",
    ]  # fmt: skip
    assert format_month(2026, 10) == "octobre 2026"
