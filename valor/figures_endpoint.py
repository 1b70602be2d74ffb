"""Figures for the primary-endpoint chapters, drawn from data or from
``valor.stats`` / ``valor.simulate`` results passed in by the chapter.

Every function returns a matplotlib Figure; nothing here holds a trial value.
Lines differ by style and marker as well as colour (valor.style).
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from valor import endpoint, fmt, stats, style

POPULATION_LABELS = {"faster": "faster stratum", "slower": "slower stratum", "all": "whole cohort"}

LINESTYLES = ["-", "--", ":", "-."]
MARKERS = ["o", "s", "^", "D"]
CYCLE = [style.OKABE_ITO[k] for k in ("blue", "vermillion", "green", "purple")]


def primary_result(alsfrs):
    """Week-28 ALSFRS-R change per arm (left) and the difference with its CI (right)."""
    style.apply()
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.4, 3.2), width_ratios=[1.1, 1])
    strata = ["faster", "slower"]
    y = {"faster": 1, "slower": 0}
    offsets = {"tofersen": 0.12, "placebo": -0.12}
    for arm in ("tofersen", "placebo"):
        values = [float(endpoint.value(alsfrs, "estimate", population=p, comparison=arm)) for p in strata]
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
        est = float(endpoint.value(alsfrs, "estimate", **where))
        low = endpoint.value(alsfrs, "ci_low", **where)
        if not pd.isna(low):
            lo, hi = float(low), float(endpoint.value(alsfrs, "ci_high", **where))
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


def compatibility_curve(estimate: float, se: float, reported_p: float, hypotheses=None):
    """P value for every hypothesised true difference, with the CI, the P the CI
    implies for 'no difference' and the P reported from the joint rank test."""
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
        label=f"implied P for no difference ≈ {p0:.2f}",
    )
    ax.axhline(
        reported_p,
        color=style.OKABE_ITO["green"],
        ls=":",
        lw=2,
        label=f"reported P = {reported_p:.2f} (joint rank test)",
    )
    ax.axvline(0, color=style.NEUTRAL, lw=1, ls="--")
    ax.set_xlabel("Hypothesised true difference, tofersen − placebo (ALSFRS-R points)")
    ax.set_ylabel("Two-sided P value")
    ax.set_ylim(0, 1.05)
    ax.legend(loc="upper center", fontsize=8.5, bbox_to_anchor=(0.5, -0.2), ncols=2)
    return fig


def hazard_ratio_forest(hazard_ratios):
    """Hazard ratios with 95% CIs (log scale), one row per data cut, population and endpoint."""
    style.apply()
    rows = hazard_ratios.reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(7.4, 0.55 * len(rows) + 1.2))
    colours = {"July 2021": style.OKABE_ITO["orange"], "January 2022": style.OKABE_ITO["blue"]}
    markers = {"July 2021": "s", "January 2022": "o"}
    labels = []
    for i, row in rows.iterrows():
        yy = len(rows) - 1 - i
        who = POPULATION_LABELS[row["population"]]
        labels.append(f"{row['data_cut']}, {who}:\n" + textwrap.fill(row["endpoint"], 34))
        if row["estimable"] == "yes":
            est, lo, hi = float(row["estimate"]), float(row["ci_low"]), float(row["ci_high"])
            ax.errorbar(
                est,
                yy,
                xerr=[[est - lo], [hi - est]],
                fmt=markers[row["data_cut"]],
                color=colours[row["data_cut"]],
                capsize=4,
                ms=7,
                lw=1.8,
            )
            ax.annotate(
                f"{est:.2f} ({lo:.2f}–{hi:.2f})",
                (hi, yy),
                xytext=(6, 0),
                textcoords="offset points",
                va="center",
                fontsize=8.5,
            )
        else:
            ax.annotate(
                "not estimable",
                (1, yy),
                ha="center",
                va="center",
                fontsize=9,
                color=style.NEUTRAL,
                bbox=dict(fc="white", ec="none", pad=1),
            )
    ax.set_xscale("log")
    ax.axvline(1, color=style.NEUTRAL, ls="--", lw=1)
    ax.set_yticks(range(len(rows))[::-1], labels, fontsize=8)
    ax.set_xlim(0.05, 12)
    ax.set_xticks([0.1, 0.25, 0.5, 1, 2, 4], ["0.1", "0.25", "0.5", "1", "2", "4"])
    ax.set_xlabel("Hazard ratio, early against delayed start\n(log scale; left of 1 favours early start)")
    return fig


def power_curve(deltas, analytic, simulated, simulated_se, observed: float, marks=(0.8, 0.9)):
    """Analytic power (line) and simulated power (points with ±2 MC SE) against
    the true difference, with the observed difference marked."""
    style.apply()
    fig, ax = plt.subplots(figsize=(7.0, 3.6))
    ax.plot(deltas, analytic, color=style.OKABE_ITO["blue"], lw=2, label="analytic (t test)")
    ax.errorbar(
        deltas,
        simulated,
        yerr=2 * np.asarray(simulated_se),
        fmt="s",
        ms=5,
        color=style.OKABE_ITO["vermillion"],
        capsize=2,
        label="simulated, 10,000 trials each (±2 MC SE)",
    )
    for level, ls in zip(marks, (":", "-."), strict=True):
        ax.axhline(level, color=style.NEUTRAL, ls=ls, lw=1)
        ax.annotate(
            f"{level:.0%} power",
            (deltas[0], level),
            xytext=(2, 3),
            textcoords="offset points",
            fontsize=8.5,
            color=style.NEUTRAL,
        )
    ax.axvline(
        observed,
        color=style.OKABE_ITO["green"],
        ls="--",
        lw=1.5,
        label=f"observed difference ({observed:.1f})",
    )
    ax.set_xlabel("True difference at week 28, tofersen − placebo (ALSFRS-R points)")
    ax.set_ylabel("Power (two-sided α = 0.05)")
    ax.set_ylim(0, 1.02)
    ax.legend(loc="lower right", fontsize=9)
    return fig


def sample_size_curve(deltas, totals: dict, actual_total: int, observed: float):
    """Total participants (2:1) needed for each power level against the true difference."""
    style.apply()
    fig, ax = plt.subplots(figsize=(7.0, 3.6))
    for i, (label, n) in enumerate(totals.items()):
        ax.plot(deltas, n, color=CYCLE[i], ls=LINESTYLES[i], lw=2, label=label)
    ax.axhline(
        actual_total,
        color=style.OKABE_ITO["black"],
        ls=":",
        lw=1.5,
        label=f"VALOR's faster stratum ({actual_total})",
    )
    ax.axvline(
        observed,
        color=style.OKABE_ITO["green"],
        ls="--",
        lw=1.2,
        label=f"observed difference ({observed:.1f})",
    )
    ax.set_yscale("log")
    ax.set_xlabel("True difference at week 28 (ALSFRS-R points)")
    ax.set_ylabel("Participants needed, 2:1 (log scale)")
    ax.legend(fontsize=9)
    return fig


def power_lines(x, curves: dict, *, xlabel: str, vline=None, vline_label=None, ylabel="Power"):
    """Several power curves against one x-axis, each with its own line style and marker."""
    style.apply()
    fig, ax = plt.subplots(figsize=(7.0, 3.6))
    every = max(1, len(x) // 8)
    for i, (label, y) in enumerate(curves.items()):
        ax.plot(
            x,
            y,
            color=CYCLE[i % len(CYCLE)],
            ls=LINESTYLES[i % 4],
            marker=MARKERS[i % 4],
            markevery=every,
            ms=6,
            lw=2,
            label=label,
        )
    if vline is not None:
        ax.axvline(vline, color=style.NEUTRAL, ls="--", lw=1)
        if vline_label:
            ax.annotate(
                vline_label,
                (vline, 0.02),
                xytext=(4, 0),
                textcoords="offset points",
                fontsize=8.5,
                color=style.NEUTRAL,
            )
    ax.axhline(0.8, color=style.NEUTRAL, ls=":", lw=1)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8.5, loc="upper left")
    return fig
