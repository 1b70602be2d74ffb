"""Figures (and the small tables behind them) for the chapters on biomarkers and
on the open-label extension.

Every function takes validated DataFrames from ``valor.data.load`` (or results
of ``valor.lagged``) and returns a matplotlib Figure or a DataFrame. Arms differ
by colour *and* line style or marker (``valor.style``); values read by eye are
drawn hollow, tabulated values filled.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from valor import style

ENDPOINT_LABELS = {
    "alsfrs_r": "ALSFRS-R",
    "svc": "Slow vital capacity",
    "hhd": "Hand-held dynamometry",
    "alsaq5": "ALSAQ-5",
    "eq5d5l": "EQ-5D-5L",
    "csf_sod1": "CSF SOD1",
    "plasma_nfl": "Plasma NfL",
}
POPULATION_LABELS = {"faster": "faster progression", "slower": "slower progression", "all": "whole cohort"}
POPULATION_MARKERS = {"faster": "o", "slower": "^"}
GROUP_ARM = {"early start": "tofersen", "delayed start": "placebo"}  # colours and styles


# -- tables behind the figures ----------------------------------------------------------


def biomarker_summary(week28: pd.DataFrame) -> pd.DataFrame:
    """Within-arm changes and the placebo-relative reduction, per biomarker and stratum.

    Columns: ``tofersen_ratio``, ``placebo_ratio`` (ratios to baseline),
    ``reported_ratio`` (tofersen:placebo as published), ``computed_ratio``
    (tofersen_ratio / placebo_ratio), ``tofersen_change`` and ``placebo_change``
    (ratio − 1: the fall or rise *within* each arm) and ``reduction_vs_placebo``
    (1 − reported ratio: what the usual account calls "the reduction").
    """
    rows = week28[week28["population"].isin(["faster", "slower"])]
    wide = rows.pivot(index=["biomarker", "population"], columns="comparison", values="estimate")
    out = pd.DataFrame(
        {
            "tofersen_ratio": wide["tofersen"],
            "placebo_ratio": wide["placebo"],
            "reported_ratio": wide["tofersen:placebo"],
        }
    ).astype(float)
    out["computed_ratio"] = out["tofersen_ratio"] / out["placebo_ratio"]
    out["tofersen_change"] = out["tofersen_ratio"] - 1
    out["placebo_change"] = out["placebo_ratio"] - 1
    out["reduction_vs_placebo"] = 1 - out["reported_ratio"]
    return out.reset_index()


def reported_p(p_value: float, relation: str | None = "=") -> str:
    """A P value as the source reports it: ``'P < 0.0001'`` or ``'P = 0.0007'``
    (keeps the source's precision, which ``valor.fmt.p_value`` rounds)."""
    if pd.isna(p_value):
        raise ValueError("no P value reported")
    if not 0 <= p_value <= 1:
        raise ValueError(f"P = {p_value} is outside [0, 1]")
    relation = "=" if relation is None or pd.isna(relation) else relation
    if relation not in ("=", "<"):
        raise ValueError(f"unknown relation {relation!r}")
    return f"P {relation} {p_value:g}"


def percent_label(fraction: float) -> str:
    """``-0.29`` -> ``'−29%'`` (typographic minus, as in the prose)."""
    from valor import fmt

    return fmt.signed(100 * fraction, 0) + "%"


# -- biomarkers at week 28 ----------------------------------------------------------------


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
                    percent_label(v),
                    (xi, 100 * v),
                    ha="center",
                    fontsize=8.5,
                    va="bottom" if v >= 0 else "top",
                    xytext=(0, 2 if v >= 0 else -2),
                    textcoords="offset points",
                )
        ax.axhline(0, color="black", lw=0.8)
        ax.set_xticks(x, [POPULATION_LABELS[p].capitalize().replace(" ", "\n") for p in populations])
        ax.set_title(ENDPOINT_LABELS[biomarker] + " at week 28")
        ax.set_ylim(-85, 35)
    axes[0].set_ylabel("Change (%)")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=2, fontsize=9)
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
        ax.set_title(ENDPOINT_LABELS[biomarker])
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


# -- the lagged-effect model -------------------------------------------------------------


def lag_courses(model, delays, end_week: float, endpoint_week: float):
    """Expected mean ALSFRS-R change under ``model`` for placebo and for tofersen
    with each delay; the primary endpoint's week is marked."""
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


def power_vs_delay(grid: pd.DataFrame):
    """Power against the delay before the drug slows decline, one line per trial
    length (the week the endpoint is read). Simulated points, analytic lines."""
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
    ax.axhline(0.8, color=style.NEUTRAL, lw=0.8, ls=":")
    ax.annotate(
        "80% power", (grid["delay"].min(), 0.8), ha="left", va="bottom", fontsize=9, color=style.NEUTRAL
    )
    ax.set_ylim(0, 1)
    ax.set_xlabel("Delay before the drug slows decline (weeks)")
    ax.set_ylabel("Power (two-sided, 5% level)")
    ax.legend(handles=handles, fontsize=9, loc="upper right")
    return fig


# -- the open-label extension -----------------------------------------------------------


def delayed_start_trajectories(
    alsfrs28: pd.DataFrame, oct2021: pd.DataFrame, week52: pd.DataFrame, longterm: pd.DataFrame
):
    """Mean ALSFRS-R change by randomised group, joining only values of one data cut.

    Faster and slower strata: weeks 0, 28 (randomised) and the July 2021 extension
    value; whole cohort: week 52 (January 2022 cut) and, unjoined, week 148 (the
    long-term report). After week 28 both groups were on open-label tofersen.
    """
    style.apply()
    fig, axes = plt.subplots(1, 3, figsize=(7.6, 3.9), sharey=True)
    at28 = alsfrs28[alsfrs28["comparison"].isin(["tofersen", "placebo"])]
    at28 = at28.set_index(["population", "comparison"])["estimate"]
    ext = oct2021[(oct2021["endpoint"] == "alsfrs_r") & oct2021["comparison"].isin(list(GROUP_ARM))]
    for ax, population in zip(axes[:2], ("faster", "slower"), strict=True):
        part = ext[ext["population"] == population]
        week = float(part["week"].iloc[0])
        for group, arm in GROUP_ARM.items():
            value = float(part.loc[part["comparison"] == group, "estimate"].iloc[0])
            ax.plot(
                [0, 28, week],
                [0, float(at28[population, arm]), value],
                color=style.ARM_COLOURS[arm],
                ls=style.ARM_LINESTYLES[arm],
                marker=style.ARM_MARKERS[arm],
                ms=6,
                lw=1.8,
            )
        ax.set_title(f"{POPULATION_LABELS[population].capitalize()}\n(July 2021 cut)", fontsize=10)
        ax.set_xlim(-2, week + 6)
    ax = axes[2]
    w52 = week52[(week52["endpoint"] == "alsfrs_r") & (week52["verified"] == "yes")]
    lt = longterm[longterm["endpoint"] == "alsfrs_r"]
    for group, arm in GROUP_ARM.items():
        v52 = float(w52.loc[w52["comparison"] == group, "estimate"].iloc[0])
        ax.plot(
            [0, 52],
            [0, v52],
            color=style.ARM_COLOURS[arm],
            ls=style.ARM_LINESTYLES[arm],
            marker=style.ARM_MARKERS[arm],
            ms=6,
            lw=1.8,
        )
        row = lt[lt["comparison"] == group]
        ax.plot(
            row["week"].astype(float),
            row["estimate"].astype(float),
            ls="none",
            marker="D",
            ms=6,
            mfc="white",
            mec=style.ARM_COLOURS[arm],
            mew=1.6,
        )
    ax.set_title("Whole cohort (January\n2022 cut; week 148 later)", fontsize=10)
    ax.set_xlim(-4, 160)
    for ax in axes:
        ax.axvspan(28, ax.get_xlim()[1], color=style.OKABE_ITO["sky_blue"], alpha=0.15, lw=0)
        ax.axhline(0, color=style.NEUTRAL, lw=0.8, ls=":")
        ax.set_xlabel("Study week")
    axes[0].set_ylabel("Mean change in ALSFRS-R (points)")
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
    fig.legend(handles=handles, loc="outside lower center", ncols=2, fontsize=9)
    return fig


def forest_rows(week52: pd.DataFrame) -> pd.DataFrame:
    """The rows a forest plot may show: verified differences with a 95% CI."""
    keep = (
        (week52["verified"] == "yes")
        & (week52["comparison"] == "difference")
        & week52["ci_low"].notna()
        & week52["ci_high"].notna()
    )
    return week52[keep].reset_index(drop=True)


def ole_forest(week52: pd.DataFrame):
    """Early minus delayed start at week 52, one row (and one scale) per endpoint,
    verified values only; nominal P values where reported."""
    from valor import fmt

    style.apply()
    rows = forest_rows(week52)
    if rows.empty:
        raise ValueError("no verified differences with a confidence interval to plot")
    fig, axes = plt.subplots(len(rows), 1, figsize=(7.2, 1.15 * len(rows) + 0.9), squeeze=False)
    for ax, row in zip(axes[:, 0], rows.itertuples(), strict=True):
        est, lo, hi = float(row.estimate), float(row.ci_low), float(row.ci_high)
        ax.errorbar(
            [est],
            [0],
            xerr=[[est - lo], [hi - est]],
            fmt="o",
            ms=8,
            capsize=5,
            color=style.ARM_COLOURS["tofersen"],
            lw=2,
        )
        ax.axvline(0, color="black", lw=1, ls="--")
        span = max(hi, 0) - min(lo, 0)
        ax.set_xlim(min(lo, 0) - 0.1 * span, max(hi, 0) + 0.1 * span)
        ax.set_yticks([0], [ENDPOINT_LABELS[row.endpoint]])
        ax.set_ylim(-0.6, 0.6)
        text = f"{fmt.num(est, 2 if abs(est) < 1 else 1)} ({fmt.ci(lo, hi, 2 if abs(est) < 1 else 1)})"
        if not pd.isna(row.p_value):
            text += f"\nnominal {fmt.p_value(row.p_value, 3)}"
        if row.confidence != "high":
            text += "\n(secondary source)"
        ax.annotate(text, (1.01, 0.5), xycoords="axes fraction", va="center", fontsize=9)
        ax.set_xlabel(row.unit, fontsize=9)
        ax.spines["left"].set_visible(False)
        ax.tick_params(axis="y", length=0)
    when = f" at week {rows['week'].iloc[0]:g}" if "week" in rows else ""
    axes[0, 0].set_title(
        f"Early minus delayed start{when} (favours early start → right)", fontsize=10, loc="left"
    )
    return fig
