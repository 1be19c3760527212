"""The corpus of real wordings: each recognised with the expected code by the word patterns
(or left to the user when no code fits)."""

from __future__ import annotations

import pytest

from clauses_app.exchange.sheets.codes import (
    BUYER_TYPE_PATTERNS,
    COMPANY_KIND_PATTERNS,
    CONSIDERATION_PATTERNS,
    CONTRACT_TYPE_PATTERNS,
    EXCEPTION_PATTERNS,
    MODALITY_PATTERNS,
    NATURE_PATTERNS,
    OUTCOME_PATTERNS,
    QUALIFICATION_PATTERNS,
    SEX_PATTERNS,
    TRADE_PATTERNS,
    coded,
    criteria_codes,
    social_coded,
    social_labels,
)
from clauses_app.services.reference import DEFAULT_TRADES, DEFAULTS
from tests.exchange import wordings as w

KNOWN_CRITERIA = {code for code, _label in DEFAULTS["criterion"]}


def _labels(kind: str) -> dict[str, str]:
    if kind == "trade":
        return {code: label for code, label, _share in DEFAULT_TRADES}
    if kind == "sex":
        return {"M": "Homme", "F": "Femme"}
    return dict(DEFAULTS[kind])


def test_the_corpus_is_large_enough() -> None:
    assert len(w.CONTRACT_TYPES) >= 40 and len(w.CRITERIA) >= 40


CASES = [
    *[("contract_type", CONTRACT_TYPE_PATTERNS, t, c) for t, c in w.CONTRACT_TYPES],
    *[("modality", MODALITY_PATTERNS, t, c) for t, c in w.MODALITIES],
    *[("qualification", QUALIFICATION_PATTERNS, t, c) for t, c in w.QUALIFICATIONS],
    *[("sex", SEX_PATTERNS, t, c) for t, c in w.SEXES],
    *[("trade", TRADE_PATTERNS, t, c) for t, c in w.TRADES],
    *[("company_kind", COMPANY_KIND_PATTERNS, t, c) for t, c in w.COMPANY_KINDS],
    *[("outcome", OUTCOME_PATTERNS, t, c) for t, c in w.OUTCOMES],
]


@pytest.mark.parametrize(("kind", "patterns", "text", "code"), CASES,
                         ids=[f"{c[0]}:{c[2]}" for c in CASES])  # fmt: skip
def test_each_wording_gives_its_code(kind: str, patterns: object, text: str, code: str) -> None:
    assert coded(text, patterns, _labels(kind)) == code  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "codes"), w.CRITERIA, ids=[t for t, _c in w.CRITERIA])
def test_each_criterion_wording_gives_its_codes(text: str, codes: list[str]) -> None:
    assert criteria_codes(text, KNOWN_CRITERIA) == (codes, [])


@pytest.mark.parametrize("text", w.UNKNOWN_CRITERIA)
def test_criteria_no_pattern_knows_are_left_to_the_user(text: str) -> None:
    assert criteria_codes(text, KNOWN_CRITERIA) == ([], [text])


SOCIAL_CASES = [
    *[("nature", NATURE_PATTERNS, t, c) for t, c in w.NATURES],
    *[("social_consideration", CONSIDERATION_PATTERNS, t, c) for t, c in w.CONSIDERATIONS],
    *[("social_exception", EXCEPTION_PATTERNS, t, c) for t, c in w.EXCEPTIONS],
    *[("social_exception", EXCEPTION_PATTERNS, t, None) for t in w.NO_EXCEPTION],
    *[("buyer_type", BUYER_TYPE_PATTERNS, t, c) for t, c in w.BUYER_TYPES],
]


@pytest.mark.parametrize(("kind", "patterns", "text", "code"), SOCIAL_CASES,
                         ids=[f"{c[0]}:{c[2]}" for c in SOCIAL_CASES])  # fmt: skip
def test_each_2026_wording_gives_its_code(
    kind: str, patterns: object, text: str, code: str | None
) -> None:
    assert social_coded(text, patterns, social_labels()[kind]) == code  # type: ignore[arg-type]
