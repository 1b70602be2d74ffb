"""valor.fmt: every number format the prose uses."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from valor import fmt

MINUS = "\u2212"


@pytest.mark.parametrize(
    "value, digits, text",
    [(1.2, 1, "1.2"), (-6.98, 2, f"{MINUS}6.98"), (-0.04, 1, "0.0"), (1.25, 0, "1"), (0, 1, "0.0")],
)
def test_num(value, digits, text):
    assert fmt.num(value, digits) == text


def test_signed_ci_percent_integer():
    assert fmt.signed(1.2) == "+1.2"
    assert fmt.signed(-1.2) == f"{MINUS}1.2"
    assert fmt.ci(-3.2, 5.5) == f"{MINUS}3.2 to 5.5"
    assert fmt.percent(0.38) == "38%"
    assert fmt.percent(0.555, 1) == "55.5%"
    assert fmt.integer(1080.0) == "1,080"
    with pytest.raises(ValueError):
        fmt.integer(2.5)


def test_estimate_with_its_interval_uses_the_typographic_minus():
    # the primary result table once printed an ASCII "-3.2"; every interval goes through here
    assert fmt.estimate_ci(1.3, -4.1, 6.7) == f"1.3 ({MINUS}4.1 to 6.7)"
    assert fmt.estimate_ci(0.2, 0.13, 0.32, 2, estimate_digits=1) == "0.2 (0.13 to 0.32)"


def test_ratios_read_as_changes_and_falls():
    assert fmt.fall(0.62) == "38%"  # tofersen:placebo 0.62 -> "38% reduction"
    assert fmt.change(1.16) == "+16%"  # placebo rose 16%
    assert fmt.change(0.81) == f"{MINUS}19%"
    assert fmt.signed_percent(-0.29) == f"{MINUS}29%"
    assert fmt.ratio(2, 1) == "2:1"


@pytest.mark.parametrize(
    "p, text",
    [
        (0.97, "P = 0.97"),
        (0.0272, "P = 0.03"),
        (0.004, "P = 0.004"),
        (0.00001, "P < 0.001"),
        (1.0, "P = 1.00"),
    ],
)
def test_p_value(p, text):
    assert fmt.p_value(p) == text


def test_reported_p_keeps_the_source_precision():
    assert fmt.p_reported(0.0001, "<") == "P < 0.0001"
    assert fmt.p_reported(0.0007, "=") == "P = 0.0007"
    assert fmt.p_reported(0.0272) == "P = 0.0272"
    assert fmt.p_reported(0.0007, None) == fmt.p_reported(0.0007, float("nan")) == "P = 0.0007"
    with pytest.raises(ValueError):
        fmt.p_reported(float("nan"))
    with pytest.raises(ValueError):
        fmt.p_reported(0.5, ">")


def test_counts_and_dates():
    assert fmt.count_of(4, 72) == "4 of 72"
    assert fmt.count_of(4, pd.NA) == fmt.count_of(4) == "4"
    assert fmt.date(2021, 10, 17) == "17 Oct 2021"
    assert fmt.date(2022, 7, pd.NA) == fmt.date(2022, 7) == "Jul 2022"
    assert fmt.month_year(2019, 3) == "March 2019"


def test_missing_knows_none_nan_and_pandas_na():
    assert fmt.missing(None) and fmt.missing(math.nan) and fmt.missing(pd.NA)
    assert not fmt.missing(0) and not fmt.missing("x")


def test_formatting_refuses_missing_and_impossible_values():
    with pytest.raises(ValueError):
        fmt.num(math.nan)
    with pytest.raises(ValueError):
        fmt.p_value(1.5)


def test_numpy_scalars_format_like_floats():
    assert fmt.num(np.float64(9.634), 2) == "9.63"
