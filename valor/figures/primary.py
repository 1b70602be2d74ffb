"""Figures of the primary endpoint: the result by stratum and the compatibility curve.

Chapter: *The primary endpoint*. Drawn from ``data/alsfrs_week28.csv`` or from a
:class:`~valor.analysis.primary.PrimaryResult`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from valor import data, fmt, stats, style
from valor.analysis.primary import PrimaryResult


def primary_result(alsfrs):
    """Week-28 ALSFRS-R change per arm (left) and the difference with its CI (right)."""
    style.apply()
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.4, 3.2), width_ratios=[1.1, 1])
    strata = ["faster", "slower"]
    y = {"faster": 1, "slower": 0}
    offsets = {"tofersen": 0.12, "placebo": -0.12}
    for arm in ("tofersen", "placebo"):
        values = [float(data.value(alsfrs, "estimate", population=p, comparison=arm)) for p in strata]
        left.plot(
            values,
            [y[p] + offsets[arm] for p in strata],
            ls="none",
            marker=style.ARM_MARKERS[arm],
            ms=9,
            color=style.ARM_COLOURS[arm],
            label=arm.capitalize(),
        )
        for value, p in zip(values, strata, strict=True):
            left.annotate(
                fmt.num(value, 2),
                (value, y[p] + offsets[arm]),
                xytext=(0, 7),
                textcoords="offset points",
                ha="center",
                fontsize=9,
            )
    left.axvline(0, color=style.NEUTRAL, lw=1)
    left.set_yticks([y[p] for p in strata], [f"{p.capitalize()}\nprogression" for p in strata])
    left.set_ylim(-0.6, 1.6)
    left.set_xlabel("Adjusted mean change to week 28\n(ALSFRS-R points; lower is worse)")
    left.legend(loc="lower left", fontsize=9)
    for p in strata:
        where = dict(population=p, comparison="difference")
        est = float(data.value(alsfrs, "estimate", **where))
        low = data.value(alsfrs, "ci_low", **where)
        if not pd.isna(low):
            lo, hi = float(low), float(data.value(alsfrs, "ci_high", **where))
            right.errorbar(
                est,
                y[p],
                xerr=[[est - lo], [hi - est]],
                fmt="D",
                ms=8,
                capsize=5,
                color=style.POPULATION_COLOURS[p],
                lw=2,
            )
            right.annotate(
                f"{fmt.num(est)} ({fmt.ci(lo, hi)})",
                (est, y[p]),
                xytext=(0, 9),
                textcoords="offset points",
                ha="center",
                fontsize=9,
            )
        else:
            right.plot(est, y[p], "D", ms=8, mfc="white", mew=2, color=style.POPULATION_COLOURS[p])
            right.annotate(
                f"{fmt.num(est)} (CI not reported)",
                (est, y[p]),
                xytext=(0, 9),
                textcoords="offset points",
                ha="center",
                fontsize=9,
            )
    right.axvline(0, color=style.NEUTRAL, lw=1, ls="--")
    right.set_yticks([y[p] for p in strata], ["", ""])
    right.set_ylim(-0.6, 1.6)
    right.set_xlabel("Difference, tofersen − placebo\n(points; right favours tofersen)")
    return fig


def compatibility_curve(primary: PrimaryResult, hypotheses=None):
    """P value for every hypothesised true difference, reconstructed from the interval,
    with the CI, the P the CI implies for 'no difference' and the P reported from the
    primary analysis's own test."""
    estimate, se, reported_p = primary.difference, primary.se, primary.p_reported
    style.apply()
    if hypotheses is None:
        hypotheses = np.linspace(estimate - 4.5 * se, estimate + 4.5 * se, 401)
    p = stats.p_value_function(hypotheses, estimate, se)
    fig, ax = plt.subplots(figsize=(7.0, 3.6))
    ax.plot(
        hypotheses,
        p,
        color=style.OKABE_ITO["blue"],
        lw=2,
        label="P value of the adjusted difference\n(normal approximation from the CI)",
    )
    low, high = estimate - stats.z_crit() * se, estimate + stats.z_crit() * se
    ax.hlines(0.05, low, high, color=style.OKABE_ITO["black"], lw=3)
    ax.annotate(
        "95% CI", ((low + high) / 2, 0.05), xytext=(0, 5), textcoords="offset points", ha="center", fontsize=9
    )
    p0 = float(stats.p_value_function(0.0, estimate, se))
    ax.plot(
        [0],
        [p0],
        "o",
        ms=8,
        color=style.OKABE_ITO["vermillion"],
        label=f"implied P for no difference ≈ {fmt.num(p0, 2)}",
    )
    ax.axhline(
        reported_p,
        color=style.OKABE_ITO["green"],
        ls=":",
        lw=2,
        label=f"reported {fmt.p_value(reported_p)} ({primary.p_test})",
    )
    ax.axvline(0, color=style.NEUTRAL, lw=1, ls="--")
    ax.set_xlabel("Hypothesised true difference, tofersen − placebo (ALSFRS-R points)")
    ax.set_ylabel("Two-sided P value")
    ax.set_ylim(0, 1.05)
    ax.legend(loc="upper center", fontsize=8.5, bbox_to_anchor=(0.5, -0.2), ncols=2)
    return fig
