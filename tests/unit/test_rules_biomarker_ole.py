"""Table rules added for the biomarker and open-label-extension tables."""

from __future__ import annotations

import pandas as pd

from valor import rules


def keeps(rule: str, frame: pd.DataFrame) -> list[bool]:
    return rules.RULES[rule].keeps(frame).tolist()


def test_ratio_matches_arms_accepts_rounded_values_and_flags_a_wrong_ratio():
    # 0.71 / 1.16 = 0.612: a published 0.62 is within the rounding of three values
    frame = pd.DataFrame(
        {
            "biomarker": ["b"] * 6,
            "population": ["faster"] * 3 + ["slower"] * 3,
            "comparison": ["tofersen", "placebo", "tofersen:placebo"] * 2,
            "estimate": [0.71, 1.16, 0.62, 0.60, 0.81, 0.50],  # 0.60/0.81 = 0.74, not 0.50
        }
    )
    assert keeps("ratio_matches_arms", frame) == [True, True, True, True, True, False]


def test_ratio_matches_arms_for_early_and_delayed_start_and_groups_by_week():
    frame = pd.DataFrame(
        {
            "endpoint": ["nfl"] * 6,
            "population": ["faster"] * 6,
            "week": [40] * 3 + [76] * 3,
            "comparison": ["early start", "delayed start", "early:delayed"] * 2,
            "estimate": [0.54, 0.44, 1.21, 0.45, 0.80, 0.80],
        }
    )
    assert keeps("ratio_matches_arms", frame) == [True] * 5 + [False]


def test_ratio_rule_ignores_groups_without_all_three_values():
    frame = pd.DataFrame(
        {
            "biomarker": ["b", "b"],
            "population": ["all", "all"],
            "comparison": ["reduction vs placebo", "tofersen"],
            "estimate": [0.34, 0.9],
        }
    )
    assert keeps("ratio_matches_arms", frame) == [True, True]


def test_early_minus_delayed_matches_arms():
    frame = pd.DataFrame(
        {
            "endpoint": ["a"] * 3 + ["b"] * 3,
            "comparison": ["early start", "delayed start", "difference"] * 2,
            "estimate": [-6.0, -9.5, 3.5, -6.0, -9.5, -3.5],  # the sign is wrong in b
        }
    )
    assert keeps("early_minus_delayed_matches_arms", frame) == [True] * 5 + [False]


def test_unverified_rows_must_be_low_confidence_and_say_so():
    frame = pd.DataFrame(
        {
            "verified": ["yes", "no", "no", "no"],
            "confidence": ["high", "low", "medium", "low"],
            "source_location": ["Table 2", "NOT VERIFIED: a claim", "NOT VERIFIED: a claim", "Table S5"],
        }
    )
    assert keeps("unverified_is_low", frame) == [True, True, False, False]


def test_new_rules_are_described():
    for name in ("ratio_matches_arms", "early_minus_delayed_matches_arms", "unverified_is_low"):
        assert rules.describe(name) != name
        assert rules.columns(name)
