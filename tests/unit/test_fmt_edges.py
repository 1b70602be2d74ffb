"""valor.fmt at its boundaries: zero and negative zero, rounding halves, the P-value
cut-offs, the ends of [0, 1], missing values and signs (issue 17)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from valor import fmt

MINUS = "\u2212"


@pytest.mark.parametrize(
    "value, digits, text",
    [
        (0, 1, "0.0"),
        (-0.0, 1, "0.0"),  # negative zero prints no sign
        (-0.04, 1, "0.0"),  # nor does a negative number that rounds to zero
        (-0.0004, 3, "0.000"),
        (-0.06, 1, f"{MINUS}0.1"),
        (0.06, 1, "0.1"),
        (2.675, 2, "2.67"),  # binary 2.67499..: Python's rounding, not a biased one
        (0.125, 2, "0.12"),  # an exact half rounds to even
        (0.375, 2, "0.38"),
        (-0.125, 2, f"{MINUS}0.12"),
        (1234.5, 0, "1234"),
        (-12.0, 0, f"{MINUS}12"),
        (np.float64(-1.25), 1, f"{MINUS}1.2"),
    ],
)
def test_num_at_zero_and_halves(value, digits, text):
    assert fmt.num(value, digits) == text
    assert "-" not in fmt.num(value, digits)  # never an ASCII hyphen


@pytest.mark.parametrize(
    "value, text",
    [
        (0, "0.0"),  # zero has no sign: not "+0.0"
        (-0.0, "0.0"),
        (-0.04, "0.0"),
        (0.1, "+0.1"),
        (1, "+1.0"),
        (-1, f"{MINUS}1.0"),
        (-0.06, f"{MINUS}0.1"),
    ],
)
def test_signed_at_zero(value, text):
    assert fmt.signed(value) == text


def test_signed_digits():
    assert fmt.signed(1.234, 2) == "+1.23"
    assert fmt.signed(-1.235, 0) == f"{MINUS}1"


@pytest.mark.parametrize(
    "p, text",
    [
        (0.0, "P < 0.001"),
        (0.000999, "P < 0.001"),
        (0.001, "P = 0.001"),  # the cut-off itself is printed
        (0.0049, "P = 0.005"),
        (0.0099, "P = 0.010"),  # below 0.01: three decimals
        (0.01, "P = 0.01"),
        (0.0149, "P = 0.01"),
        (0.055, "P = 0.06"),
        (0.999, "P = 1.00"),
        (1.0, "P = 1.00"),
    ],
)
def test_p_value_cut_offs(p, text):
    assert fmt.p_value(p) == text


def test_p_value_digits_apply_at_and_above_001():
    assert fmt.p_value(0.0272, 3) == "P = 0.027"
    assert fmt.p_value(0.5, 1) == "P = 0.5"
    assert fmt.p_value(0.004, 1) == "P = 0.004"


@pytest.mark.parametrize("p", [-0.001, 1.001, float("nan"), None])
def test_p_value_outside_0_1_is_refused(p):
    message = "outside" if p is not None and p == p else None  # NaN, None: other messages
    for formatter in (fmt.p_value, fmt.p_reported):
        with pytest.raises((ValueError, TypeError), match=message):
            formatter(p)


def test_p_reported_at_the_ends():
    assert fmt.p_reported(0) == "P = 0"
    assert fmt.p_reported(1) == "P = 1"
    assert fmt.p_reported(0.05, "<") == "P < 0.05"
    with pytest.raises(ValueError, match="outside"):
        fmt.p_reported(1.5, "<")
    with pytest.raises(ValueError, match="unknown relation"):
        fmt.p_reported(0.5, "<=")


@pytest.mark.parametrize(
    "fraction, digits, text",
    [
        (0, 0, "0%"),
        (-0.001, 0, "0%"),
        (0.005, 0, "0%"),  # 0.5 rounds to even
        (0.015, 0, "2%"),
        (1, 0, "100%"),
        (0.1234, 1, "12.3%"),
        (-0.38, 0, f"{MINUS}38%"),
    ],
)
def test_percent_edges(fraction, digits, text):
    assert fmt.percent(fraction, digits) == text


@pytest.mark.parametrize(
    "fraction, text",
    [(0, "0%"), (-0.001, "0%"), (0.004, "0%"), (0.16, "+16%"), (0.9, "+90%"), (-0.29, f"{MINUS}29%")],
)
def test_signed_percent_edges(fraction, text):
    assert fmt.signed_percent(fraction) == text


def test_fall_and_change_at_no_change():
    assert fmt.fall(1) == "0%"
    assert fmt.change(1) == "0%"
    assert fmt.fall(0) == "100%"
    assert fmt.fall(1.1) == f"{MINUS}10%"
    assert fmt.change(0.5, 1) == f"{MINUS}50.0%"
    assert fmt.fall(0.62, 1) == "38.0%"


@pytest.mark.parametrize(
    "value, text",
    [(0, "0"), (-0.0, "0"), (1080.0, "1,080"), (1_000_000, "1,000,000"), (-1080, f"{MINUS}1,080")],
)
def test_integer_edges(value, text):
    assert fmt.integer(value) == text


@pytest.mark.parametrize("value", [0.5, 1e-9 + 1, float("nan")])
def test_integer_refuses_fractions_and_missing(value):
    with pytest.raises(ValueError):
        fmt.integer(value)


def test_missing_values():
    assert fmt.missing(None) and fmt.missing(float("nan")) and fmt.missing(pd.NA) and fmt.missing(np.nan)
    assert not fmt.missing(0) and not fmt.missing("") and not fmt.missing(-0.0)
    with pytest.raises(ValueError, match="missing value"):
        fmt.num(math.nan)


def test_intervals_and_ratios():
    assert fmt.ci(-0.04, 0.04) == "0.0 to 0.0"
    assert fmt.ci(-3.25, 5.55, 2) == f"{MINUS}3.25 to 5.55"
    assert fmt.estimate_ci(-0.0, -1, 1, 0) == f"0 ({MINUS}1 to 1)"
    assert fmt.ratio(1000, 1) == "1,000:1"
    assert fmt.count_of(0, 0) == "0 of 0"
    assert fmt.count_of(1500, None) == "1,500"


@pytest.mark.parametrize(
    "year, month, day, text",
    [(2021, 1, 1, "1 Jan 2021"), (2021, 12, 31, "31 Dec 2021"), (2021.0, 12.0, None, "Dec 2021")],
)
def test_dates_at_the_ends_of_the_year(year, month, day, text):
    assert fmt.date(year, month, day) == text


def test_month_year_at_the_ends():
    assert fmt.month_year(2019, 1) == "January 2019"
    assert fmt.month_year(2019.0, 12) == "December 2019"


def test_messages_name_the_problem():
    with pytest.raises(ValueError, match=r"^cannot format a missing value \(NaN\) for the prose$"):
        fmt.percent(float("nan"))
    with pytest.raises(ValueError, match=r"^2.5 is not a whole number$"):
        fmt.integer(2.5)
