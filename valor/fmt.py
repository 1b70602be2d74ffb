"""Numbers as the prose shows them: pre-formatted strings for glue.

Every format the book uses lives here: numbers, signed numbers, whole numbers,
confidence intervals, percentages, P values (rounded, or at the source's own
precision), ratios to baseline read as changes, counts and dates.

Glue strings, never NumPy scalars (NumPy 2's repr breaks glue format specs).
Negative numbers use the typographic minus sign. Nothing here imports more than
the standard library.
"""

from __future__ import annotations

import calendar
import math

MINUS = "\u2212"
MONTHS = tuple(calendar.month_name)  # "", "January", ...
MONTH_ABBREVIATIONS = tuple(calendar.month_abbr)  # "", "Jan", ...


def missing(x) -> bool:
    """None, NaN or pandas' NA (without importing pandas)."""
    if x is None:
        return True
    try:
        return bool(x != x)
    except TypeError:  # pandas.NA refuses bool()
        return True


def _check(x) -> float:
    x = float(x)
    if math.isnan(x):
        raise ValueError("cannot format a missing value (NaN) for the prose")
    return x


def num(x, digits: int = 1) -> str:
    """``-1.234`` -> ``'−1.2'``."""
    x = _check(x)
    text = f"{x:.{digits}f}"
    if float(text) == 0:
        text = text.lstrip("-")
    return text.replace("-", MINUS)


def signed(x, digits: int = 1) -> str:
    """Always show the sign: ``1.2`` -> ``'+1.2'``."""
    text = num(x, digits)
    return text if text.startswith(MINUS) or float(text) == 0 else "+" + text  # zero as shown: no sign


def integer(x) -> str:
    """A whole number with thousands separators: ``1080.0`` -> ``'1,080'``."""
    x = _check(x)
    if x != int(x):
        raise ValueError(f"{x} is not a whole number")
    return f"{int(x):,}".replace("-", MINUS)


def ci(low, high, digits: int = 1) -> str:
    """A confidence interval: ``'−3.2 to 5.5'``."""
    return f"{num(low, digits)} to {num(high, digits)}"


def estimate_ci(estimate, low, high, digits: int = 1, estimate_digits: int | None = None) -> str:
    """An estimate with its interval: ``'2.1 (0.2 to 4.0)'``."""
    shown = num(estimate, digits if estimate_digits is None else estimate_digits)
    return f"{shown} ({ci(low, high, digits)})"


def percent(fraction, digits: int = 0) -> str:
    """``0.38`` -> ``'38%'``."""
    return num(100 * _check(fraction), digits) + "%"


def signed_percent(fraction, digits: int = 0) -> str:
    """``-0.29`` -> ``'−29%'``, ``0.16`` -> ``'+16%'``."""
    return signed(100 * _check(fraction), digits) + "%"


def fall(ratio, digits: int = 0) -> str:
    """A ratio (to baseline, or to placebo) read as a reduction: ``0.62`` -> ``'38%'``."""
    return percent(1 - _check(ratio), digits)


def change(ratio, digits: int = 0) -> str:
    """A ratio to baseline read as a signed change: ``1.16`` -> ``'+16%'``."""
    return signed_percent(_check(ratio) - 1, digits)


def ratio(a, b) -> str:
    """An allocation ratio: ``(2, 1)`` -> ``'2:1'``."""
    return f"{integer(a)}:{integer(b)}"


def p_value(p, digits: int = 2) -> str:
    """``0.97`` -> ``'P = 0.97'``; tiny values -> ``'P < 0.001'``."""
    p = _check(p)
    if not 0 <= p <= 1:
        raise ValueError(f"P = {p} is outside [0, 1]")
    if p < 0.001:
        return "P < 0.001"
    return f"P = {p:.{digits}f}" if p >= 0.01 else f"P = {p:.3f}"


def p_reported(p, relation: str | None = "=") -> str:
    """A P value as the source reports it, at the source's own precision:
    ``(0.0001, '<')`` -> ``'P < 0.0001'``, ``0.0007`` -> ``'P = 0.0007'``."""
    p = _check(p)
    if not 0 <= p <= 1:
        raise ValueError(f"P = {p} is outside [0, 1]")
    relation = "=" if missing(relation) else relation
    if relation not in ("=", "<"):
        raise ValueError(f"unknown relation {relation!r}")
    return f"P {relation} {p:g}"


def count_of(n, denominator=None) -> str:
    """``(4, 72)`` -> ``'4 of 72'``; without a denominator just the count."""
    if missing(denominator):
        return integer(n)
    return f"{integer(n)} of {integer(denominator)}"


def date(year, month, day=None) -> str:
    """``(2021, 10, 17)`` -> ``'17 Oct 2021'``; without a day ``'Oct 2021'``."""
    text = f"{MONTH_ABBREVIATIONS[int(month)]} {int(year)}"
    return text if missing(day) else f"{int(day)} {text}"


def month_year(year, month) -> str:
    """``(2019, 3)`` -> ``'March 2019'``."""
    return f"{MONTHS[int(month)]} {int(year)}"
