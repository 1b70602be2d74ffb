"""Numbers as the prose shows them: pre-formatted strings for glue.

Glue strings, never NumPy scalars (NumPy 2's repr breaks glue format specs).
Negative numbers use the typographic minus sign.
"""

from __future__ import annotations

import math

MINUS = "\u2212"


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
    return text if text.startswith(MINUS) or float(x) == 0 else "+" + text


def integer(x) -> str:
    x = _check(x)
    if x != int(x):
        raise ValueError(f"{x} is not a whole number")
    return f"{int(x):,}"


def ci(low, high, digits: int = 1) -> str:
    """A confidence interval: ``'−3.2 to 5.5'``."""
    return f"{num(low, digits)} to {num(high, digits)}"


def percent(fraction, digits: int = 0) -> str:
    """``0.38`` -> ``'38%'``."""
    return num(100 * _check(fraction), digits) + "%"


def p_value(p, digits: int = 2) -> str:
    """``0.97`` -> ``'P = 0.97'``; tiny values -> ``'P < 0.001'``."""
    p = _check(p)
    if not 0 <= p <= 1:
        raise ValueError(f"P = {p} is outside [0, 1]")
    if p < 0.001:
        return "P < 0.001"
    return f"P = {p:.{digits}f}" if p >= 0.01 else f"P = {p:.3f}"
