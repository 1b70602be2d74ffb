"""Each table rule just inside and just outside its tolerance (issue 17).

The tolerances come from how the sources round: a difference of two values reported to
one decimal is within 0.06 of the printed difference; a whole-number percentage within
0.5 of 100 x count / denominator, a one-decimal one within 0.05; a ratio of values
reported to two decimals within the sum of their half-units on the log scale. A rule
loosened or tightened by a step these tests take (0.01 on the difference, 0.01 points on
a percentage, 10 % of the log tolerance) is caught.
"""

from __future__ import annotations

import math

import pandas as pd
import pandera.pandas as pa
import pytest

from valor import rules


def keeps(rule: str, frame: pd.DataFrame) -> list[bool]:
    return rules.RULES[rule].keeps(frame).tolist()


# -- ci_order -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "low, est, high, ok",
    [
        (1.0, 1.0, 1.0, True),  # equal ends hold the estimate
        (1.0, 2.0, 3.0, True),
        (1.0 + 1e-9, 1.0, 3.0, False),  # estimate just below the interval
        (1.0, 3.0 + 1e-9, 3.0, False),  # just above
        (3.0, None, 1.0, False),  # ends in the wrong order, even without an estimate
        (None, 2.0, 1.0, False),
        (3.0, 2.0, None, False),
        (None, 2.0, None, True),
        (3.0, None, None, True),
    ],
)
def test_ci_order_at_its_edges(low, est, high, ok):
    frame = pd.DataFrame({"ci_low": [low], "estimate": [est], "ci_high": [high]}, dtype=float)
    assert keeps("ci_order", frame) == [ok]


# -- group_totals -------------------------------------------------------------------


def totals(all_n: int, both_n: int) -> pd.DataFrame:
    rows = [
        ("faster", "tofersen", 40),
        ("faster", "placebo", 20),
        ("slower", "tofersen", 30),
        ("slower", "placebo", 18),
        ("all", "tofersen", all_n),  # 40 + 30
        ("faster", "both", both_n),  # 40 + 20
    ]
    return pd.DataFrame(rows, columns=["population", "arm", "n"])


@pytest.mark.parametrize(
    "all_n, both_n, ok",
    [
        (70, 60, [True] * 6),
        (71, 60, [True] * 4 + [False, True]),  # 'all' population off by one
        (69, 60, [True] * 4 + [False, True]),
        (70, 61, [True] * 5 + [False]),  # 'both' arms off by one
        (70, 59, [True] * 5 + [False]),
    ],
)
def test_group_totals_checks_both_kinds_of_total_to_the_unit(all_n, both_n, ok):
    assert keeps("group_totals", totals(all_n, both_n)) == ok


def test_group_totals_without_all_parts_is_not_judged():
    frame = pd.DataFrame(
        [("faster", "tofersen", 40), ("all", "tofersen", 99), ("slower", "both", 5)],
        columns=["population", "arm", "n"],
    )
    assert keeps("group_totals", frame) == [True, True, True]


# -- difference_matches_arms and early_minus_delayed --------------------------------

ARMS = {
    "difference_matches_arms": ("tofersen", "placebo"),
    "early_minus_delayed_matches_arms": ("early start", "delayed start"),
}


@pytest.mark.parametrize("rule", list(ARMS))
@pytest.mark.parametrize(
    "offset, ok",
    [(0.0, True), (0.059, True), (-0.059, True), (0.061, False), (-0.061, False), (0.12, False)],
)
def test_difference_rule_tolerance_is_006(rule, offset, ok):
    active, control = ARMS[rule]
    frame = pd.DataFrame(
        {
            "population": ["faster"] * 3,
            "comparison": [active, control, "difference"],
            "estimate": [-1.2, -2.35, -1.2 + 2.35 + offset],
        }
    )
    assert keeps(rule, frame) == [True, True, ok]


def test_difference_rule_groups_by_population_week_and_cut_and_judges_every_difference_row():
    frame = pd.DataFrame(
        {
            "population": ["faster"] * 4 + ["slower"] * 3,
            "week": [28] * 7,
            "comparison": [
                "tofersen",
                "placebo",
                "difference",
                "difference",
                "tofersen",
                "placebo",
                "difference",
            ],
            "estimate": [-6.98, -8.14, 1.16, 1.3, -2.0, -2.5, 0.5],
        }
    )
    assert keeps("difference_matches_arms", frame) == [True, True, True, False, True, True, True]


def test_difference_rule_needs_both_arms():
    frame = pd.DataFrame(
        {"population": ["all", "all"], "comparison": ["tofersen", "difference"], "estimate": [1.0, 9.0]}
    )
    assert keeps("difference_matches_arms", frame) == [True, True]


# -- percent_matches_counts ----------------------------------------------------------


@pytest.mark.parametrize(
    "count, denominator, percent, ok",
    [
        (1, 8, 12.0, True),  # 12.5 printed as 12 (whole number): 0.5 off
        (1, 8, 13.0, True),
        (1, 8, 11.99, False),  # a one-decimal print: must be within 0.05
        (1, 8, 12.45, True),
        (1, 8, 12.55, True),
        (1, 8, 12.44, False),
        (1, 8, 12.56, False),
        (3, 8, 37.0, True),  # 37.5
        (3, 8, 36.0, False),  # 1.5 off
        (1, 3, 33.0, True),  # 33.33
        (1, 3, 34.0, False),  # 0.67 off
        (None, 8, 50.0, True),  # nothing to compare
        (1, None, 50.0, True),
        (1, 8, None, True),
    ],
)
def test_percent_rule_tolerance_follows_the_printed_precision(count, denominator, percent, ok):
    for names in (("n_events", "n_arm", "percent"), ("n", "denominator", "percent_reported")):
        frame = pd.DataFrame({names[0]: [count], names[1]: [denominator], names[2]: [percent]}, dtype=float)
        assert keeps("percent_matches_counts", frame) == [ok], names


# -- ratio_matches_arms -----------------------------------------------------------


@pytest.mark.parametrize(
    "share, ok",
    [(0.0, True), (0.97, True), (-0.97, True), (1.03, False), (-1.03, False), (1.5, False), (-1.5, False)],
)
def test_ratio_rule_tolerance_is_the_sum_of_half_units_on_the_log_scale(share, ok):
    a, c = 0.71, 1.16
    exact = a / c
    tolerance = rules.REPORTED_HALF_UNIT * (1 / a + 1 / c + 1 / exact)
    # a ratio off by `share` of the tolerance (its own 1/r term moves little at this step)
    r = exact * math.exp(share * tolerance)
    tolerance_at_r = rules.REPORTED_HALF_UNIT * (1 / a + 1 / c + 1 / r)
    assert (abs(math.log(r / exact)) <= tolerance_at_r) == ok  # the test's own arithmetic
    frame = pd.DataFrame(
        {
            "biomarker": ["nfl"] * 3,
            "comparison": ["tofersen", "placebo", "tofersen:placebo"],
            "estimate": [a, c, r],
        }
    )
    assert keeps("ratio_matches_arms", frame) == [True, True, ok]


@pytest.mark.parametrize("bad", [0.0, -0.5, None])
def test_ratio_rule_does_not_judge_non_positive_or_missing_values(bad):
    for position in range(3):
        values = [0.71, 1.16, 9.0]
        values[position] = bad
        frame = pd.DataFrame(
            {"biomarker": ["nfl"] * 3, "comparison": ["tofersen", "placebo", "tofersen:placebo"]}
        ).assign(estimate=pd.array(values, dtype=float))
        assert keeps("ratio_matches_arms", frame) == [True, True, True]


DIFFERENCE_ROWS = (["tofersen", "placebo", "difference"], [-1.0, -3.0, 2.0])
RATIO_ROWS = (["tofersen", "placebo", "tofersen:placebo"], [0.71, 1.16, 0.61])


@pytest.mark.parametrize(
    "rule, rows, keys",
    [
        ("difference_matches_arms", DIFFERENCE_ROWS, ["endpoint", "population", "week", "data_cut"]),
        ("ratio_matches_arms", RATIO_ROWS, ["biomarker", "endpoint", "population", "week", "data_cut"]),
    ],
)
def test_arm_rules_judge_each_group_of_every_key_apart(rule, rows, keys):
    """Two groups that differ only in one key: the second one's summary row is wrong
    (it would be right for the first group's arms), and only it is flagged; a group
    whose key is missing is judged too."""
    comparisons, estimates = rows
    for key in keys:
        for second in ("b", None):
            frame = pd.DataFrame(
                {
                    **{k: ["a"] * 6 for k in keys if k != key},
                    key: ["a"] * 3 + [second] * 3,
                    "comparison": comparisons * 2,
                    "estimate": estimates + [estimates[0] * 2, estimates[1], estimates[2]],
                }
            )
            assert keeps(rule, frame) == [True] * 5 + [False], (key, second)


def test_ratio_rule_checks_both_ratios_of_a_group():
    # the tofersen:placebo ratio cannot be judged (a zero arm); early:delayed still is
    frame = pd.DataFrame(
        {
            "biomarker": ["nfl"] * 6,
            "comparison": [
                "tofersen",
                "placebo",
                "tofersen:placebo",
                "early start",
                "delayed start",
                "early:delayed",
            ],
            "estimate": [0.0, 1.16, 0.62, 0.54, 0.44, 0.90],
        }
    )
    assert keeps("ratio_matches_arms", frame) == [True] * 5 + [False]


# -- unverified_is_low ----------------------------------------------------------------


@pytest.mark.parametrize(
    "verified, confidence, location, ok",
    [
        ("no", "low", "NOT VERIFIED: read from a slide", True),
        ("no", "medium", "NOT VERIFIED: read from a slide", False),
        ("no", "low", "Table 2", False),
        ("no", "low", "not verified", False),  # the marker is in capitals, at the start
        ("no", "low", "Table 2; NOT VERIFIED", False),
        ("yes", "high", "Table 2", True),
        ("yes", "low", "NOT VERIFIED", True),
        ("no", "low", None, False),
    ],
)
def test_unverified_rows_edges(verified, confidence, location, ok):
    frame = pd.DataFrame({"verified": [verified], "confidence": [confidence], "source_location": [location]})
    assert keeps("unverified_is_low", frame) == [ok]


# -- the registry ------------------------------------------------------------------


def test_unknown_rule_names_the_known_ones():
    with pytest.raises(KeyError, match="unknown rule 'nope'.*ci_order, group_totals"):
        rules.get("nope")
    assert rules.describe("nope") == "nope"
    assert rules.columns("nope") == ()
    assert rules.columns("group_totals") == ("population", "arm", "n")
    assert rules.describe("ci_order").startswith("the 95% CI must hold the estimate")


def test_check_wraps_the_rule_for_pandera():
    check = rules.check("ci_order")
    assert check.name == check.error == "ci_order"
    good = pd.DataFrame({"ci_low": [1.0], "estimate": [2.0], "ci_high": [3.0]})
    pa.DataFrameSchema(checks=[check]).validate(good)
    with pytest.raises(pa.errors.SchemaError, match="ci_order"):
        pa.DataFrameSchema(checks=[check]).validate(
            pd.concat([good, good.iloc[:, ::-1].set_axis(good.columns, axis=1)])
        )


def test_difference_rule_goes_on_after_a_group_it_cannot_judge():
    frame = pd.DataFrame(
        {
            "population": ["faster", "faster", "slower", "slower", "slower"],
            "comparison": ["tofersen", "difference", "tofersen", "placebo", "difference"],
            "estimate": [1.0, 9.0, -1.0, -3.0, 5.0],  # faster lacks placebo; slower is wrong
        }
    )
    assert keeps("difference_matches_arms", frame) == [True, True, True, True, False]
