"""Figures of the SYNTHETIC trial (invented participants, not VALOR's).

Chapter: *Analyse a VALOR-like trial yourself*. Every figure says in its corner that its
data are synthetic.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from valor import style, synthetic

STAMP = "SYNTHETIC DATA"


def _stamp(ax) -> None:
    ax.text(0.99, 0.98, STAMP, transform=ax.transAxes, ha="right", va="top", fontsize=8, color=style.NEUTRAL)


def trajectories(trial: pd.DataFrame, week: int, stratum: str = "faster"):
    """Each participant's ALSFRS-R change over the visits (thin lines), the mean of the
    visits observed (thick), one panel per arm; a cross marks the last visit of a
    participant who then died, needed ventilation or withdrew."""
    style.apply()
    long = synthetic.long_format(trial[trial["stratum"] == stratum])
    last = long.groupby("id").tail(1).set_index("id")
    had_event = trial.set_index("id")[list(synthetic.EVENT_COLUMNS.values())].notna().any(axis=1)
    fig, axes = plt.subplots(1, 2, figsize=(7.4, 3.4), sharey=True)
    for ax, arm in zip(axes, synthetic.ARMS, strict=True):
        colour = style.ARM_COLOURS[arm]
        rows = long[long["arm"] == arm]
        for _, person in rows.groupby("id"):
            ax.plot(person["week"], person["change"], color=colour, lw=0.6, alpha=0.35)
        stopped = last[(last["arm"] == arm) & had_event.reindex(last.index, fill_value=False)]
        ax.plot(
            stopped["week"],
            stopped["change"],
            ls="none",
            marker="x",
            color="black",
            ms=5,
            label="last visit before an event",
        )
        mean = rows.groupby("week")["change"].mean()
        ax.plot(
            mean.index,
            mean.to_numpy(),
            color=colour,
            lw=2.6,
            ls=style.ARM_LINESTYLES[arm],
            label="mean of the visits seen",
        )
        ax.axvline(week, color=style.NEUTRAL, lw=1, ls=":")
        ax.axhline(0, color=style.NEUTRAL, lw=0.8)
        ax.set_title(f"{arm.capitalize()} ({rows['id'].nunique()} synthetic participants)")
        ax.set_xlabel("Week")
        _stamp(ax)
    axes[0].set_ylabel("Change in ALSFRS-R from baseline\n(points; lower is worse)")
    axes[0].legend(loc="lower left", fontsize=8)
    return fig


def replicate_differences(
    differences: pd.DataFrame, true_difference: float, published: float, this_trial: float
):
    """Histograms of the difference estimated in many synthetic trials, with and without
    their missing visits, against the true difference, the published estimate and the
    estimate of the chapter's one trial."""
    style.apply()
    fig, ax = plt.subplots(figsize=(7.0, 3.4))
    bins = np.linspace(differences.min().min(), differences.max().max(), 40)
    n = f"{len(differences):,} synthetic trials"
    ax.hist(differences["full data"], bins=bins, histtype="stepfilled", color=style.OKABE_ITO["sky_blue"],
            label=f"{n}, full data (filled)")  # fmt: skip
    ax.hist(differences["complete cases"], bins=bins, histtype="step", color="black", lw=1.4,
            label=f"{n}, complete cases (outline)")  # fmt: skip
    for value, label, ls in (
        (true_difference, "true difference of the synthetic trials", "-"),
        (published, "published estimate (VALOR)", "--"),
        (this_trial, "this chapter's synthetic trial", ":"),
    ):
        ax.axvline(value, color="black", ls=ls, lw=1.8, label=label)
    ax.set_xlabel("Difference in week-28 change, tofersen minus placebo (points)")
    ax.set_ylabel("Synthetic trials")
    ax.legend(fontsize=8, loc="upper left")
    _stamp(ax)
    return fig
