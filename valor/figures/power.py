"""Figures of the statistics of the miss and of the design choices: power and sample
size against the true difference, power against trial length and against the slowing
of decline, and simulated individual courses under the linear-decline model.

Chapters: *The statistics of a miss* and *Length, events and variety*. Drawn from the
results of :mod:`valor.analysis.power`; each axis says which test it computes.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FixedLocator, MultipleLocator, NullLocator

from valor import assumptions, fmt, style
from valor.analysis.power import (
    ENRICHMENT_DESIGNS,
    Enrichment,
    PowerCheck,
    SampleSizes,
    Trajectories,
    TrialLength,
)
from valor.analysis.primary import PrimaryResult

LINESTYLES = ["-", "--", ":", "-."]
MARKERS = ["o", "s", "^", "D"]
CYCLE = [style.OKABE_ITO[k] for k in ("blue", "vermillion", "green", "purple")]
SIZE_TICKS = [20, 50, 100, 200, 500, 1000, 2000, 5000]  # participants, log axis


def _power_axis(ax, label: str) -> None:
    """A power axis from 0 to 1 in percent, with the target power marked."""
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_locator(MultipleLocator(0.2))
    ax.yaxis.set_major_formatter(lambda y, _: f"{y:.0%}")
    ax.set_ylabel(label)


def _legend_below(fig, ax, **kwargs) -> None:
    handles, names = ax.get_legend_handles_labels()
    fig.legend(handles, names, loc="outside lower center", **kwargs)


def power_curve(check: PowerCheck, primary: PrimaryResult):
    """Power of the pooled t test against the true difference: analytic (line) and
    simulated (points with ±2 MC SE), with the observed difference and the target and
    high power marked."""
    deltas, analytic = check.table["delta"].to_numpy(), check.table["analytic"]
    simulated, simulated_se = check.table["simulated"], check.table["mc_se"]
    observed, alpha = primary.difference, assumptions.ALPHA
    style.apply()
    fig, ax = plt.subplots(figsize=(style.WIDTH, 4.6))
    ax.plot(deltas, analytic, color=style.OKABE_ITO["blue"], lw=2, label="analytic (pooled t test)")
    ax.errorbar(
        deltas,
        simulated,
        yerr=2 * np.asarray(simulated_se),
        fmt="s",
        ms=6,
        color=style.OKABE_ITO["vermillion"],
        capsize=2,
        label=f"simulated, {fmt.integer(check.n_trials)} trials\neach (±2 MC SE)",
    )
    marks = (assumptions.TARGET_POWER, assumptions.HIGH_POWER)
    for level, ls in zip(marks, (":", "-."), strict=True):
        ax.axhline(level, color=style.NEUTRAL, ls=ls, lw=1)
        ax.annotate(
            f"{level:.0%} power",
            (deltas[0], level),
            xytext=(2, 3),
            textcoords="offset points",
            color=style.NEUTRAL,
            bbox=style.LABEL_BOX,
        )
    ax.axvline(observed, color=style.OKABE_ITO["green"], ls="--", lw=1.5, label=f"observed ({observed:.1f})")
    ax.set_xlabel(f"True difference at week {primary.week}\n(tofersen − placebo, ALSFRS-R points)")
    _power_axis(ax, f"Power (two-sided α = {alpha:g})")
    _legend_below(fig, ax)
    return fig


def sample_size_curve(curve, primary: PrimaryResult, sizes: SampleSizes | None = None):
    """Total participants needed (exact t-test power, VALOR's allocation) for each power
    level against the true difference; ``curve`` is
    :func:`valor.analysis.power.sample_size_curve`. With ``sizes``
    (:func:`~valor.analysis.power.sample_sizes`) the sizes the prose quotes are marked
    and labelled, so they can be read off the log axis."""
    deltas = curve["delta"]
    totals = {column: curve[column] for column in curve.columns if column != "delta"}
    actual_total, observed = primary.n, primary.difference
    style.apply()
    fig, ax = plt.subplots(figsize=(style.WIDTH, 4.8))
    for i, (label, n) in enumerate(totals.items()):
        ax.plot(deltas, n, color=CYCLE[i], ls=LINESTYLES[i], lw=2, label=label)
    ax.axhline(actual_total, color=style.OKABE_ITO["black"], ls=":", lw=1.5)
    ax.annotate(
        f"VALOR's faster stratum ({actual_total})",
        (deltas.iloc[0], actual_total),
        xytext=(0, -4),
        textcoords="offset points",
        va="top",
        bbox=style.LABEL_BOX,
    )
    ax.axvline(observed, color=style.OKABE_ITO["green"], ls="--", lw=1.2)
    if sizes is not None:
        benchmark = assumptions.BENCHMARK_SLOWING * primary.placebo_decline
        marks = [  # x, participants, colour, marker, label offset (points)
            (observed, sizes.observed_high.total, CYCLE[1], "s", (45, 6)),
            (observed, sizes.observed_target.total, CYCLE[0], "o", (45, -14)),
            (benchmark, sizes.benchmark.total, CYCLE[0], "o", (10, 4)),
        ]
        for x, n, colour, marker, offset in marks:
            ax.plot([x], [n], marker=marker, ms=8, color=colour, ls="none")
            ax.annotate(
                fmt.integer(n),
                (x, n),
                xytext=offset,
                textcoords="offset points",
                va="center",
                bbox=style.LABEL_BOX,
                arrowprops=dict(arrowstyle="-", color=colour, lw=1, shrinkA=0, shrinkB=5),
            )
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(FixedLocator(SIZE_TICKS))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_major_formatter(lambda y, _: fmt.integer(y))
    top = max(float(np.max(n)) for n in totals.values())
    ax.set_ylim(SIZE_TICKS[0], max(top * 1.3, SIZE_TICKS[-1]))
    ratio = fmt.num(primary.allocation_ratio, 0) + ":1"
    ax.set_xlabel(
        f"True difference at week {primary.week} (points);\ndashed line: the observed {observed:.1f}"
    )

    ax.set_ylabel(f"Participants needed, {ratio}\n(log scale)")
    _legend_below(fig, ax, ncols=2)
    return fig


def power_lines(
    x,
    curves: dict,
    *,
    xlabel: str,
    vline=None,
    vline_label=None,
    ylabel="Power",
    title=None,
    target_label="right",
):
    """Several power curves against one x-axis, each with its own line style and marker;
    the legend (titled ``title``) goes below the axes, clear of the curves and of the
    target-power line, whose label sits at the ``target_label`` end, away from the curves."""
    style.apply()
    fig, ax = plt.subplots(figsize=(style.WIDTH, 3.2 + 0.35 * len(curves)))
    every = max(1, len(x) // 8)
    for i, (label, y) in enumerate(curves.items()):
        ax.plot(
            x,
            y,
            color=CYCLE[i % len(CYCLE)],
            ls=LINESTYLES[i % 4],
            marker=MARKERS[i % 4],
            markevery=every,
            ms=7,
            lw=2,
            label=label,
        )
    if vline is not None:
        ax.axvline(vline, color=style.NEUTRAL, ls="--", lw=1)
        if vline_label:
            ax.annotate(vline_label, (vline, 0.98), xytext=(4, 0), textcoords="offset points", va="top")
    target = assumptions.TARGET_POWER
    ax.axhline(target, color=style.NEUTRAL, ls=":", lw=1)
    ax.annotate(
        f"{target:.0%} power",
        (1 if target_label == "right" else 0, target),
        xycoords=("axes fraction", "data"),
        xytext=(0, 3),
        textcoords="offset points",
        ha=target_label,
        color=style.NEUTRAL,
    )
    ax.set_xlabel(xlabel)
    _power_axis(ax, ylabel)
    handles, names = ax.get_legend_handles_labels()
    fig.legend(handles, names, loc="outside lower center", ncols=1, title=title, alignment="left")
    return fig


def trial_length_curves(length: TrialLength, primary: PrimaryResult):
    """Power of the t test against trial length under linear decline, one line per
    share of the week-28 variance from differing rates of decline."""
    week = primary.week
    shares = [share for share in length.curves.columns if share != "week"]
    curves = {f"{fmt.percent(share)} from differing rates": length.curves[share] for share in shares}
    return power_lines(
        length.curves["week"],
        curves,
        xlabel=f"Trial length (weeks); tofersen slows\ndecline by {fmt.percent(length.slowing)} from day one",
        vline=week,
        vline_label=f"VALOR\n(week {week})",
        title=f"Week-{week} variance of the change:",
    )


def enrichment_curves(enrichment: Enrichment):
    """Power against the true proportional slowing for the faster stratum alone and for
    both strata combined (inverse-variance weighted t test)."""
    curves = {label: enrichment.curves[design] for design, label in ENRICHMENT_DESIGNS.items()}
    return power_lines(
        100 * enrichment.curves["slowing"],
        curves,
        xlabel="True slowing of decline by tofersen\n(% of the placebo decline)",
        title="Analysed:",
        target_label="left",
    )


def trajectories(courses: Trajectories, primary: PrimaryResult):
    """Simulated placebo courses, one panel per split of the variance, on shared axes:
    differing rates fan out in proportion to time; visit-to-visit noise does not grow."""
    style.apply()
    panels = len(courses.shares)
    fig, axes = plt.subplots(panels, 1, figsize=(style.WIDTH, 2.6 * panels + 0.9), sharex=True, sharey=True)
    frame = courses.courses
    for ax, share in zip(axes, courses.shares, strict=True):
        part = frame[frame["share"] == share]
        for _, person in part.groupby("person"):
            ax.plot(person["week"], person["change"], color=style.OKABE_ITO["blue"], lw=1, alpha=0.6)
        weeks = np.array([0, part["week"].max()])
        ax.plot(weeks, courses.mean_slope * weeks, color="black", ls="--", lw=2, label="mean decline")
        ax.axvline(primary.week, color=style.NEUTRAL, lw=1)
        ax.set_title(f"{fmt.percent(share)} of the week-{primary.week} variance from rates", loc="left")
        ax.set_ylabel("Change (points)")
    axes[0].annotate(
        f"week {primary.week}",
        (primary.week, 1),
        xycoords=("data", "axes fraction"),
        xytext=(4, -2),
        textcoords="offset points",
        va="top",
        color=style.NEUTRAL,
    )
    axes[-1].set_xlabel("Study week")
    axes[-1].set_xticks(range(0, int(frame["week"].max()) + 1, 12))
    fig.legend(
        [
            plt.Line2D([], [], color=style.OKABE_ITO["blue"], lw=1),
            plt.Line2D([], [], color="black", ls="--", lw=2),
        ],
        [
            f"one simulated participant ({courses.courses['person'].nunique()} per panel)",
            "mean placebo decline",
        ],
        loc="outside lower center",
    )
    return fig
