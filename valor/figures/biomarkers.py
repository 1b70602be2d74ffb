"""Figures of the biomarker chapter: within-arm against placebo-relative changes, the
time courses, and the lagged-effect model's courses and power.

Chapter: *The biomarker discrepancy*. Arms differ by colour *and* line style or
marker (:mod:`valor.style`); values read by eye are drawn hollow, tabulated values
filled, and nothing else is encoded by fill. CSF SOD1 comes before plasma NfL in every
figure.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.ticker import MultipleLocator

from valor import fmt, labels, style
from valor.analysis.biomarkers import LagPower

BIOMARKERS = ("csf_sod1", "plasma_nfl")  # one order for every biomarker figure: target, then injury
STRATA = ("faster", "slower")
RELATIVE_GREY = "#BBBBBB"  # light enough for the dotted hatch (drawn in style.NEUTRAL) to show


def within_vs_relative(summary: pd.DataFrame):
    """One panel per biomarker (on one scale), per stratum: the change within the placebo
    arm, within the tofersen arm, and tofersen relative to placebo (ratio − 1)."""
    style.apply()
    fig, axes = plt.subplots(len(BIOMARKERS), 1, figsize=(style.WIDTH, 6.6), sharex=True, sharey=True)
    bars = [
        ("placebo_change", "Placebo arm: change from baseline", style.ARM_COLOURS["placebo"], "//"),
        ("tofersen_change", "Tofersen arm: change from baseline", style.ARM_COLOURS["tofersen"], ""),
        ("relative_change", "Tofersen relative to placebo\n(ratio − 1)", RELATIVE_GREY, ".."),
    ]
    width = 0.28
    for ax, biomarker in zip(axes, BIOMARKERS, strict=True):
        part = summary[summary["biomarker"] == biomarker].set_index("population")
        part = part.assign(relative_change=part["reported_ratio"] - 1)
        populations = [p for p in STRATA if p in part.index]
        x = np.arange(len(populations))
        for k, (column, label, colour, hatch) in enumerate(bars):
            values = part.loc[populations, column].to_numpy(float)
            pos = x + (k - 1) * width
            ax.bar(
                pos,
                100 * values,
                width,
                color=colour if hatch != "//" else "white",
                edgecolor=colour if hatch != ".." else style.NEUTRAL,
                hatch=hatch,
                lw=1.4,
                label=label,
            )
            for xi, v in zip(pos, values, strict=True):
                ax.annotate(
                    fmt.signed_percent(v),
                    (xi, 100 * v),
                    ha="center",
                    va="bottom" if v >= 0 else "top",
                    xytext=(0, 2 if v >= 0 else -2),
                    textcoords="offset points",
                )
        ax.axhline(0, color="black", lw=0.8)
        ax.set_xticks(x, [labels.POPULATIONS[p].capitalize() for p in populations])
        ax.set_title(labels.ENDPOINTS[biomarker] + " at week 28", loc="left")
        ax.set_ylim(-85, 40)
        ax.set_ylabel("Change (%)")
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="outside lower center")
    return fig


def biomarker_time_course(timecourse: pd.DataFrame, week28: pd.DataFrame):
    """Ratio to baseline over the 28 weeks, one panel per biomarker (rows) and stratum
    (columns), on shared scales. Colour, line style and marker shape say the arm; the
    fill says the source: points read by eye from the slides are hollow, the tabulated
    week-28 values filled. Baseline is 1 by definition."""
    style.apply()
    fig, axes = plt.subplots(
        len(BIOMARKERS), len(STRATA), figsize=(style.WIDTH, 6.0), sharex=True, sharey=True, squeeze=False
    )
    end = week28.set_index(["biomarker", "population", "comparison"])["estimate"]
    end_week = 28
    for row, biomarker in enumerate(BIOMARKERS):
        for col, population in enumerate(STRATA):
            ax = axes[row, col]
            for arm in ("tofersen", "placebo"):
                colour, marker = style.ARM_COLOURS[arm], style.ARM_MARKERS[arm]
                read = timecourse[
                    (timecourse["biomarker"] == biomarker)
                    & (timecourse["population"] == population)
                    & (timecourse["arm"] == arm)
                ].sort_values("week")
                final = end.get((biomarker, population, arm))
                weeks = [0, *read["week"].astype(float)]
                values = [1.0, *read["ratio_to_baseline"].astype(float)]
                if final is not None:
                    weeks.append(end_week)
                    values.append(float(final))
                ax.plot(weeks, values, color=colour, ls=style.ARM_LINESTYLES[arm], lw=1.6)
                ax.plot(
                    read["week"],
                    read["ratio_to_baseline"],
                    ls="none",
                    marker=marker,
                    ms=7,
                    mfc="white",
                    mec=colour,
                    mew=1.5,
                )
                if final is not None:
                    ax.plot([end_week], [final], ls="none", marker=marker, ms=7, color=colour)
            ax.axhline(1.0, color=style.NEUTRAL, lw=0.8, ls=":")
            ax.set_title(f"{labels.ENDPOINTS[biomarker]}, {population}", loc="left")
        axes[row, 0].set_ylabel("Ratio to baseline")
    for ax in axes[-1]:
        ax.set_xticks([0, 14, 28])
        ax.set_xlabel("Study week")
    axes[0, 0].set_ylim(0.3, 1.3)
    handles = [
        Line2D([], [], color=style.ARM_COLOURS["tofersen"], ls="-", marker="o", label="tofersen"),
        Line2D([], [], color=style.ARM_COLOURS["placebo"], ls="--", marker="s", label="placebo"),
        Line2D([], [], color="black", marker="o", mfc="white", ls="none", label="read by eye (approximate)"),
        Line2D([], [], color="black", marker="o", ls="none", label="tabulated (week 28)"),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=2)
    return fig


def lag_courses(lag: LagPower):
    """Expected mean ALSFRS-R change under the lagged-effect model for placebo and for
    tofersen with each example delay; the primary endpoint's week is marked."""
    model, delays = lag.model, lag.examples
    end_week, endpoint_week = lag.lengths[-1], lag.primary_week
    style.apply()
    fig, ax = plt.subplots(figsize=(style.WIDTH, 4.8))
    weeks = np.linspace(0, end_week, 200)
    ax.plot(
        weeks,
        model.expected_change(weeks, start=None),
        color=style.ARM_COLOURS["placebo"],
        ls="--",
        lw=2,
        label="placebo",
    )
    shades = [style.OKABE_ITO["blue"], style.OKABE_ITO["sky_blue"], style.OKABE_ITO["green"]]
    styles = ["-", "-.", ":"]
    for k, delay in enumerate(delays):
        ax.plot(
            weeks,
            model.with_(delay=float(delay)).expected_change(weeks),
            color=shades[k % 3],
            ls=styles[k % 3],
            lw=2.2,
            label=f"tofersen, slowing after {delay:g} weeks",
        )
    ax.axvline(endpoint_week, color="black", lw=1)
    ax.annotate(
        f"week {endpoint_week:g}", (endpoint_week, 0), xytext=(4, -4), textcoords="offset points", va="top"
    )
    ax.set_xlabel("Study week")
    ax.set_ylabel("Mean change in ALSFRS-R\n(points)")
    ax.yaxis.set_major_locator(MultipleLocator(5))
    handles, names = ax.get_legend_handles_labels()
    fig.legend(handles, names, loc="outside lower center")
    return fig


def power_vs_delay(lag: LagPower):
    """Power of Welch's test against the delay before the drug slows decline, one line
    per trial length (the week the endpoint is read). Simulated points, analytic lines."""
    grid, target = lag.grid, lag.target_power
    style.apply()
    fig, ax = plt.subplots(figsize=(style.WIDTH, 4.6))
    colours = [
        style.OKABE_ITO["vermillion"],
        style.OKABE_ITO["blue"],
        style.OKABE_ITO["green"],
        style.OKABE_ITO["purple"],
    ]
    markers, lines = ["s", "o", "^", "D"], ["--", "-", "-.", ":"]
    handles = []
    for k, (week, part) in enumerate(grid.groupby("week", sort=True)):
        part = part.sort_values("delay")
        c, m, ls = colours[k % 4], markers[k % 4], lines[k % 4]
        ax.plot(part["delay"], part["analytic_power"], color=c, ls=ls, lw=1.8)
        ax.plot(part["delay"], part["power"], color=c, marker=m, ls="none", ms=7)
        handles.append(Line2D([], [], color=c, marker=m, ls=ls, label=f"week {week:g}"))
    ax.axhline(target, color=style.NEUTRAL, lw=0.8, ls=":")
    ax.annotate(
        f"{fmt.percent(target)} power",
        (1, target),
        xycoords=("axes fraction", "data"),
        xytext=(0, 3),
        textcoords="offset points",
        ha="right",
        color=style.NEUTRAL,
    )
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(lambda y, _: f"{y:.0%}")
    ax.set_xlabel("Delay before the drug slows decline\n(weeks)")
    ax.set_ylabel("Power of Welch's test\n(two-sided)")
    fig.legend(
        handles=handles, loc="outside lower center", ncols=min(len(handles), 3), title="Endpoint read at:"
    )
    return fig
