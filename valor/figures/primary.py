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

STRATA = ("faster", "slower")
ROW = {"faster": 1, "slower": 0}  # y position of each stratum


def _strata_axis(ax, title: str) -> None:
    ax.set_yticks([ROW[p] for p in STRATA], [f"{p.capitalize()}\nprogression" for p in STRATA])
    ax.set_ylim(-0.7, 1.7)
    ax.axvline(0, color=style.NEUTRAL, lw=1)
    ax.set_title(title, loc="left")


def primary_result(alsfrs):
    """Week-28 ALSFRS-R change per arm (top) and the difference with its CI (bottom), on
    one scale of ALSFRS-R points, so that the difference can be read against the decline."""
    style.apply()
    fig, (arms, diff) = plt.subplots(2, 1, figsize=(style.WIDTH, 5.4), sharex=True)
    offsets = {"tofersen": 0.17, "placebo": -0.17}
    for arm in ("tofersen", "placebo"):
        values = [float(data.value(alsfrs, "estimate", population=p, comparison=arm)) for p in STRATA]
        arms.plot(
            values,
            [ROW[p] + offsets[arm] for p in STRATA],
            ls="none",
            marker=style.ARM_MARKERS[arm],
            ms=9,
            color=style.ARM_COLOURS[arm],
            label=arm.capitalize(),
        )
        above = offsets[arm] > 0  # tofersen's label above its marker, placebo's below
        for value, p in zip(values, STRATA, strict=True):
            arms.annotate(
                fmt.num(value, 2),
                (value, ROW[p] + offsets[arm]),
                xytext=(0, 7 if above else -7),
                textcoords="offset points",
                ha="center",
                va="bottom" if above else "top",
            )
    _strata_axis(arms, "Change to week 28, per arm")
    arms.legend(loc="center right")
    for p in STRATA:
        where = dict(population=p, comparison="difference")
        est = float(data.value(alsfrs, "estimate", **where))
        low = data.value(alsfrs, "ci_low", **where)
        colour = style.POPULATION_COLOURS[p]
        if pd.isna(low):
            diff.plot(est, ROW[p], "D", ms=9, mfc="white", mew=2, color=colour)
            label = f"{fmt.num(est)} (CI not reported)"
        else:
            lo, hi = float(low), float(data.value(alsfrs, "ci_high", **where))
            diff.errorbar(est, ROW[p], xerr=[[est - lo], [hi - est]], fmt="D", ms=9, capsize=5, color=colour)
            label = f"{fmt.num(est)} ({fmt.ci(lo, hi)})"
        diff.annotate(
            label, (est, ROW[p]), xytext=(0, 9), textcoords="offset points", ha="center", bbox=style.LABEL_BOX
        )
    _strata_axis(diff, "Difference, tofersen − placebo (95% CI)")
    diff.annotate("favours\ntofersen →", (1, 0), xycoords="axes fraction", ha="right", va="bottom")
    diff.set_xlim(-10.5, 7.5)
    diff.set_xlabel("ALSFRS-R points (below 0: decline)")
    return fig


def compatibility_curve(primary: PrimaryResult, hypotheses=None):
    """P value for every hypothesised true difference, reconstructed from the interval,
    with the CI and the P the CI implies for 'no difference'. The P reported from the
    primary analysis's own test stands in a panel of its own beside the curve: it is a
    different analysis, not a point on this curve."""
    estimate, se = primary.difference, primary.se
    style.apply()
    if hypotheses is None:
        hypotheses = np.linspace(estimate - 4.5 * se, estimate + 4.5 * se, 401)
    p = stats.p_value_function(hypotheses, estimate, se)
    fig, (ax, reported) = plt.subplots(1, 2, figsize=(style.WIDTH, 4.0), sharey=True, width_ratios=[3.2, 1])
    ax.plot(hypotheses, p, color=style.OKABE_ITO["blue"], lw=2.5)
    low, high = estimate - stats.z_crit() * se, estimate + stats.z_crit() * se
    ax.hlines(0.05, low, high, color=style.OKABE_ITO["black"], lw=3)
    ax.annotate(
        "95% CI",
        ((low + high) / 2, 0.05),
        xytext=(0, 5),
        textcoords="offset points",
        ha="center",
        bbox=style.LABEL_BOX,
    )
    p0 = float(stats.p_value_function(0.0, estimate, se))
    ax.plot([0], [p0], "o", ms=9, color=style.OKABE_ITO["vermillion"])
    ax.annotate(
        f"no difference:\nP ≈ {fmt.num(p0, 2)}",
        (0, p0),
        xytext=(-8, 0),
        textcoords="offset points",
        ha="right",
        va="center",
    )
    ax.axvline(0, color=style.NEUTRAL, lw=1, ls="--")
    ax.set_xlabel("Hypothesised true difference\n(tofersen − placebo, points)")
    ax.set_ylabel("Two-sided P value")
    ax.set_ylim(0, 1.05)
    ax.set_title("Adjusted difference, from its CI", loc="left")
    reported.plot([0], [primary.p_reported], "D", ms=10, color=style.OKABE_ITO["green"])
    reported.annotate(
        f"{fmt.num(primary.p_reported, 2)},\n{primary.p_test.replace(' test', '')}\ntest",
        (0, primary.p_reported),
        xytext=(0, -10),
        textcoords="offset points",
        ha="center",
        va="top",
    )
    reported.set_xlim(-1, 1)
    reported.set_xticks([])
    reported.spines["bottom"].set_visible(False)
    reported.set_title("Reported", loc="center")
    return fig
