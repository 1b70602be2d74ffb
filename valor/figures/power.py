"""Figures of the statistics of the miss: power and sample size against the true
difference, power against trial length and against the slowing of decline.

Chapter: *The statistics of a miss*. Drawn from the results of
:mod:`valor.analysis.power`; each axis says which test it computes.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from valor import assumptions, fmt, style
from valor.analysis.power import ENRICHMENT_DESIGNS, Enrichment, PowerCheck, TrialLength
from valor.analysis.primary import PrimaryResult

LINESTYLES = ["-", "--", ":", "-."]
MARKERS = ["o", "s", "^", "D"]
CYCLE = [style.OKABE_ITO[k] for k in ("blue", "vermillion", "green", "purple")]


def power_curve(check: PowerCheck, primary: PrimaryResult):
    """Power of the pooled t test against the true difference: analytic (line) and
    simulated (points with ±2 MC SE), with the observed difference and the target and
    high power marked."""
    deltas, analytic = check.table["delta"].to_numpy(), check.table["analytic"]
    simulated, simulated_se = check.table["simulated"], check.table["mc_se"]
    observed, alpha = primary.difference, assumptions.ALPHA
    style.apply()
    fig, ax = plt.subplots(figsize=(7.0, 3.6))
    ax.plot(deltas, analytic, color=style.OKABE_ITO["blue"], lw=2, label="analytic (pooled t test)")
    ax.errorbar(
        deltas,
        simulated,
        yerr=2 * np.asarray(simulated_se),
        fmt="s",
        ms=5,
        color=style.OKABE_ITO["vermillion"],
        capsize=2,
        label=f"simulated, {fmt.integer(check.n_trials)} trials each (±2 MC SE)",
    )
    marks = (assumptions.TARGET_POWER, assumptions.HIGH_POWER)
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
    ax.set_xlabel(f"True difference at week {primary.week}, tofersen − placebo (ALSFRS-R points)")
    ax.set_ylabel(f"Power (two-sided α = {alpha:g})")
    ax.set_ylim(0, 1.02)
    ax.legend(loc="lower right", fontsize=9)
    return fig


def sample_size_curve(curve, primary: PrimaryResult):
    """Total participants needed (exact t-test power, VALOR's allocation) for each power
    level against the true difference; ``curve`` is
    :func:`valor.analysis.power.sample_size_curve`."""
    deltas = curve["delta"]
    totals = {column: curve[column] for column in curve.columns if column != "delta"}
    actual_total, observed = primary.n, primary.difference
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
    ratio = fmt.num(primary.allocation_ratio, 0) + ":1"
    ax.set_xlabel(f"True difference at week {primary.week} (ALSFRS-R points)")
    ax.set_ylabel(f"Participants needed, {ratio} (log scale)")
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
    ax.axhline(assumptions.TARGET_POWER, color=style.NEUTRAL, ls=":", lw=1)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8.5, loc="upper left")
    return fig


def trial_length_curves(length: TrialLength, primary: PrimaryResult):
    """Power of the t test against trial length under linear decline, one line per
    share of the week-28 variance from differing rates of decline."""
    week = primary.week
    curves = {
        f"{fmt.percent(share)} of the week-{week} variance from differing rates": length.curves[share]
        for share in length.curves.columns
        if share != "week"
    }
    return power_lines(
        length.curves["week"],
        curves,
        xlabel=f"Trial length (weeks); tofersen slows decline by {fmt.percent(length.slowing)} from day one",
        vline=week,
        vline_label=f"VALOR (week {week})",
    )


def enrichment_curves(enrichment: Enrichment):
    """Power against the true proportional slowing for the faster stratum alone and for
    both strata combined (inverse-variance weighted t test)."""
    curves = {label: enrichment.curves[design] for design, label in ENRICHMENT_DESIGNS.items()}
    return power_lines(
        100 * enrichment.curves["slowing"],
        curves,
        xlabel="True slowing of decline by tofersen (% of the placebo decline)",
    )
