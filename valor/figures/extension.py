"""Figures of the open-label extension: the delayed-start trajectories, the week-52
forest plot and the hazard ratios of two data cuts.

Chapter: *The open-label extension*. Only values of one data cut are joined;
unverified values are never drawn.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, NullLocator

from valor import fmt, labels, style
from valor.analysis.extension import forest_rows

ROW_LABEL_WIDTH = 38  # characters per line of a row label: fits the figure's width
# Inches per endpoint of the week-52 forest: five rows and the title stay shorter than a
# printed page with the caption (tests/site/test_pdf.py keeps figure and caption together).
FOREST_ROW_HEIGHT = 1.4


def _group_line(ax, weeks, values, arm):
    ax.plot(
        weeks,
        values,
        color=style.ARM_COLOURS[arm],
        ls=style.ARM_LINESTYLES[arm],
        marker=style.ARM_MARKERS[arm],
        ms=7,
        lw=2,
    )


def delayed_start_trajectories(
    alsfrs28: pd.DataFrame, oct2021: pd.DataFrame, week52: pd.DataFrame, longterm: pd.DataFrame
):
    """Mean ALSFRS-R change by randomised group, joining only values of one data cut,
    one panel per population on shared axes (one week scale, one points scale), so
    that the slopes can be compared.

    Faster and slower strata: weeks 0, 28 (randomised) and the July 2021 extension
    value; whole cohort: week 52 (January 2022 cut) and, unjoined, week 148 (the
    long-term report). After week 28 both groups were on open-label tofersen.
    """
    style.apply()
    fig, axes = plt.subplots(3, 1, figsize=(style.WIDTH, 7.4), sharex=True, sharey=True)
    at28 = alsfrs28[alsfrs28["comparison"].isin(["tofersen", "placebo"])]
    at28 = at28.set_index(["population", "comparison"])["estimate"]
    ext = oct2021[(oct2021["endpoint"] == "alsfrs_r") & oct2021["comparison"].isin(list(labels.GROUP_ARM))]
    for ax, population in zip(axes[:2], ("faster", "slower"), strict=True):
        part = ext[ext["population"] == population]
        week = float(part["week"].iloc[0])
        for group, arm in labels.GROUP_ARM.items():
            value = float(part.loc[part["comparison"] == group, "estimate"].iloc[0])
            _group_line(ax, [0, 28, week], [0, float(at28[population, arm]), value], arm)
        ax.set_title(f"{labels.POPULATIONS[population].capitalize()} (July 2021 cut)", loc="left")
    ax = axes[2]
    w52 = week52[(week52["endpoint"] == "alsfrs_r") & (week52["verified"] == "yes")]
    lt = longterm[longterm["endpoint"] == "alsfrs_r"]
    for group, arm in labels.GROUP_ARM.items():
        v52 = float(w52.loc[w52["comparison"] == group, "estimate"].iloc[0])
        _group_line(ax, [0, 52], [0, v52], arm)
        row = lt[lt["comparison"] == group]
        ax.plot(
            row["week"].astype(float),
            row["estimate"].astype(float),
            ls="none",
            marker="D",
            ms=7,
            mfc="white",
            mec=style.ARM_COLOURS[arm],
            mew=1.8,
        )
    ax.set_title("Whole cohort (January 2022 cut)", loc="left")
    ax.set_xlim(-4, 160)
    ax.set_xticks(sorted({0, 28, 52, 104, *lt["week"].astype(int)}))
    for ax in axes:
        ax.axvspan(28, 160, color=style.OKABE_ITO["sky_blue"], alpha=0.15, lw=0)
        ax.axhline(0, color=style.NEUTRAL, lw=0.8, ls=":")
        ax.set_ylabel("Change (points)")
    axes[-1].set_xlabel("Study week")
    handles = [
        Line2D(
            [],
            [],
            color=style.ARM_COLOURS["tofersen"],
            ls="-",
            marker="o",
            label="early start (tofersen from week 0)",
        ),
        Line2D(
            [],
            [],
            color=style.ARM_COLOURS["placebo"],
            ls="--",
            marker="s",
            label="delayed start (placebo, then tofersen)",
        ),
        Line2D(
            [],
            [],
            color="black",
            marker="D",
            mfc="white",
            ls="none",
            label="week 148, long-term report (not joined)",
        ),
        Patch(facecolor=style.OKABE_ITO["sky_blue"], alpha=0.3, label="open label: both groups on tofersen"),
    ]
    fig.legend(handles=handles, loc="outside lower center")
    return fig


def ole_forest(week52: pd.DataFrame):
    """Early minus delayed start at week 52, one row (and one scale, in its own unit) per
    endpoint, verified values only; nominal P values where reported. Each row's title
    gives the estimate; zero is marked on every scale. Right of zero favours early start on
    every row: the scale of an endpoint on which lower is better runs from right to left."""
    style.apply()
    rows = forest_rows(week52)
    if rows.empty:
        raise ValueError("no verified differences with a confidence interval to plot")
    fig, axes = plt.subplots(
        len(rows), 1, figsize=(style.WIDTH, FOREST_ROW_HEIGHT * len(rows) + 0.8), squeeze=False
    )
    for ax, row in zip(axes[:, 0], rows.itertuples(), strict=True):
        est, lo, hi = float(row.estimate), float(row.ci_low), float(row.ci_high)
        digits = 2 if abs(est) < 1 else 1
        ax.errorbar(
            [est],
            [0],
            xerr=[[est - lo], [hi - est]],
            fmt="o",
            ms=9,
            capsize=6,
            color=style.ARM_COLOURS["tofersen"],
            lw=2,
        )
        ax.axvline(0, color="black", lw=1, ls="--")
        span = max(hi, 0) - min(lo, 0)
        ax.set_xlim(min(lo, 0) - 0.1 * span, max(hi, 0) + 0.1 * span)
        if row.lower_is_better:
            ax.invert_xaxis()
        ax.set_yticks([])
        ax.set_ylim(-0.6, 0.6)
        title = f"{labels.ENDPOINTS[row.endpoint]}: {fmt.num(est, digits)} ({fmt.ci(lo, hi, digits)})"
        notes = ["lower is better: scale reversed"] if row.lower_is_better else []
        if not pd.isna(row.p_value):
            notes.append(f"nominal {fmt.p_value(row.p_value, 3)}")
        if row.confidence != "high":
            notes.append("secondary source")
        if notes:
            title += "\n" + "; ".join(notes)
        ax.set_title(title, loc="left")
        ax.set_xlabel(textwrap.fill(row.unit, ROW_LABEL_WIDTH))
        ax.xaxis.set_major_locator(MaxNLocator(5))
        ax.spines["left"].set_visible(False)
    when = f" at week {rows['week'].iloc[0]:g}" if "week" in rows else ""
    fig.suptitle(f"Early minus delayed start{when}\n(right of 0 favours early start)", x=0.02, ha="left")
    return fig


def hazard_ratio_forest(hazard_ratios):
    """Hazard ratios with 95% CIs (log scale), one row per data cut, population and
    endpoint; each row is labelled above its interval, so the labels need no margin."""
    style.apply()
    rows = hazard_ratios.reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(style.WIDTH, 1.35 * len(rows) + 1.2))
    colours = {"July 2021": style.OKABE_ITO["orange"], "January 2022": style.OKABE_ITO["blue"]}
    markers = {"July 2021": "s", "January 2022": "o"}
    for i, row in rows.iterrows():
        yy = len(rows) - 1 - i
        who = labels.STRATA[row["population"]]
        label = textwrap.fill(f"{row['data_cut']}, {who}: {row['endpoint']}", ROW_LABEL_WIDTH + 4)
        ax.annotate(label, (0, yy + 0.16), xycoords=("axes fraction", "data"), va="bottom", ha="left")
        if row["estimable"] == "yes":
            est, lo, hi = float(row["estimate"]), float(row["ci_low"]), float(row["ci_high"])
            ax.errorbar(
                est,
                yy,
                xerr=[[est - lo], [hi - est]],
                fmt=markers[row["data_cut"]],
                color=colours[row["data_cut"]],
                capsize=5,
                ms=8,
                lw=2,
            )
            ax.annotate(
                f"{est:.2f} ({lo:.2f}–{hi:.2f})",
                (hi, yy),
                xytext=(6, 0),
                textcoords="offset points",
                va="center",
            )
        else:
            ax.annotate(
                "not estimable",
                (1, yy),
                ha="center",
                va="center",
                color=style.NEUTRAL,
                bbox=style.LABEL_BOX,
            )
    ax.set_xscale("log")
    ax.axvline(1, color=style.NEUTRAL, ls="--", lw=1)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.set_ylim(-0.5, len(rows) - 0.1)
    ax.set_xlim(0.05, 12)
    ax.set_xticks([0.1, 0.25, 0.5, 1, 2, 4], ["0.1", "0.25", "0.5", "1", "2", "4"])
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xlabel("Hazard ratio, early against delayed start\n(log scale; left of 1 favours early start)")
    return fig
