"""Figures of the biomarker chapter: within-arm against placebo-relative changes, the
time courses, and the lagged-effect model's courses and power.

Chapter: *The biomarker discrepancy*. Arms differ by colour *and* line style or
marker (:mod:`valor.style`); values read by eye are drawn hollow, tabulated values filled.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from valor import fmt, labels, style
from valor.analysis.biomarkers import LagPower

POPULATION_MARKERS = {"faster": "o", "slower": "^"}


def within_vs_relative(summary: pd.DataFrame):
    """Side by side, per biomarker and stratum: the change within the placebo arm,
    within the tofersen arm, and tofersen relative to placebo (ratio − 1)."""
    style.apply()
    biomarkers = ["csf_sod1", "plasma_nfl"]
    fig, axes = plt.subplots(1, 2, figsize=(7.4, 3.9), sharey=True)
    bars = [
        ("placebo_change", "Placebo arm, change from baseline", style.ARM_COLOURS["placebo"], "//"),
        ("tofersen_change", "Tofersen arm, change from baseline", style.ARM_COLOURS["tofersen"], ""),
        ("relative_change", "Tofersen relative to placebo (ratio − 1)", style.NEUTRAL, ".."),
    ]
    width = 0.26
    for ax, biomarker in zip(axes, biomarkers, strict=True):
        part = summary[summary["biomarker"] == biomarker].set_index("population")
        part = part.assign(relative_change=part["reported_ratio"] - 1)
        populations = [p for p in ("faster", "slower") if p in part.index]
        x = np.arange(len(populations))
        for k, (column, label, colour, hatch) in enumerate(bars):
            values = part.loc[populations, column].to_numpy(float)
            pos = x + (k - 1) * width
            ax.bar(
                pos,
                100 * values,
                width,
                color=colour if hatch != "//" else "white",
                edgecolor=colour,
                hatch=hatch,
                lw=1.4,
                label=label,
            )
            for xi, v in zip(pos, values, strict=True):
                ax.annotate(
                    fmt.signed_percent(v),
                    (xi, 100 * v),
                    ha="center",
                    fontsize=8.5,
                    va="bottom" if v >= 0 else "top",
                    xytext=(0, 2 if v >= 0 else -2),
                    textcoords="offset points",
                )
        ax.axhline(0, color="black", lw=0.8)
        ax.set_xticks(x, [labels.POPULATIONS[p].capitalize().replace(" ", "\n") for p in populations])
        ax.set_title(labels.ENDPOINTS[biomarker] + " at week 28")
        ax.set_ylim(-85, 35)
    axes[0].set_ylabel("Change (%)")
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="outside lower center", ncols=2, fontsize=9)
    return fig


def biomarker_time_course(timecourse: pd.DataFrame, week28: pd.DataFrame):
    """Ratio to baseline over the 28 weeks: baseline is 1 by definition; points read
    by eye from the slides are hollow; the tabulated week-28 values are filled."""
    style.apply()
    fig, axes = plt.subplots(1, 2, figsize=(7.4, 3.8), sharey=True)
    end = week28.set_index(["biomarker", "population", "comparison"])["estimate"]
    end_week = 28
    for ax, biomarker in zip(axes, ["plasma_nfl", "csf_sod1"], strict=True):
        for population in ("faster", "slower"):
            marker = POPULATION_MARKERS[population]
            for arm in ("tofersen", "placebo"):
                colour, ls = style.ARM_COLOURS[arm], style.ARM_LINESTYLES[arm]
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
                ax.plot(
                    weeks, values, color=colour, ls=ls, lw=1.4, alpha=1.0 if population == "faster" else 0.65
                )
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
        ax.set_xticks(range(0, end_week + 1, 4))
        ax.set_xlabel("Study week")
        ax.set_title(labels.ENDPOINTS[biomarker])
        ax.set_ylim(0.3, 1.3)
    axes[0].set_ylabel("Ratio to baseline")
    handles = [
        Line2D([], [], color=style.ARM_COLOURS["tofersen"], ls="-", label="tofersen"),
        Line2D([], [], color=style.ARM_COLOURS["placebo"], ls="--", label="placebo"),
        Line2D([], [], color="black", marker="o", ls="none", label="faster progression"),
        Line2D([], [], color="black", marker="^", ls="none", label="slower progression"),
        Line2D([], [], color="black", marker="o", mfc="white", ls="none", label="read by eye (approximate)"),
        Line2D([], [], color="black", marker="o", ls="none", label="tabulated (week 28)"),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=3, fontsize=9)
    return fig


def lag_courses(lag: LagPower):
    """Expected mean ALSFRS-R change under the lagged-effect model for placebo and for
    tofersen with each example delay; the primary endpoint's week is marked."""
    model, delays = lag.model, lag.examples
    end_week, endpoint_week = lag.lengths[-1], lag.primary_week
    style.apply()
    fig, ax = plt.subplots(figsize=(7.0, 3.6))
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
            lw=2,
            label=f"tofersen, slowing after {delay:g} weeks",
        )
    ax.axvline(endpoint_week, color="black", lw=1)
    ax.annotate(
        f"week {endpoint_week:g}",
        (endpoint_week, 0),
        xytext=(3, -4),
        textcoords="offset points",
        va="top",
        fontsize=9,
    )
    ax.set_xlabel("Study week")
    ax.set_ylabel("Mean change in ALSFRS-R (points)")
    ax.legend(fontsize=9, loc="lower left")
    return fig


def power_vs_delay(lag: LagPower):
    """Power of Welch's test against the delay before the drug slows decline, one line
    per trial length (the week the endpoint is read). Simulated points, analytic lines."""
    grid, target = lag.grid, lag.target_power
    style.apply()
    fig, ax = plt.subplots(figsize=(7.0, 3.8))
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
        ax.plot(part["delay"], part["analytic_power"], color=c, ls=ls, lw=1.6)
        ax.plot(part["delay"], part["power"], color=c, marker=m, ls="none", ms=7)
        handles.append(Line2D([], [], color=c, marker=m, ls=ls, label=f"endpoint at week {week:g}"))
    ax.axhline(target, color=style.NEUTRAL, lw=0.8, ls=":")
    ax.annotate(
        f"{fmt.percent(target)} power",
        (grid["delay"].min(), target),
        ha="left",
        va="bottom",
        fontsize=9,
        color=style.NEUTRAL,
    )
    ax.set_ylim(0, 1)
    ax.set_xlabel("Delay before the drug slows decline (weeks)")
    ax.set_ylabel("Power of Welch's test (two-sided)")
    ax.legend(handles=handles, fontsize=9, loc="upper right")
    return fig
