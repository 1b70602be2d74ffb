"""Figures of the trial's design: the dosing timeline and the enrolment flow.

Chapter: *The design of VALOR*. Drawn from the data tables only.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.patches import FancyBboxPatch

from valor import data, style
from valor.analysis.design import study_week


def dosing_timeline(schedule, design):
    """Doses on a week axis, with the treatment period and the primary endpoint."""
    style.apply()
    fig, ax = plt.subplots(figsize=(style.WIDTH, 3.2))
    treatment_end = data.parameter(design, "treatment_weeks")
    endpoint = data.parameter(design, "primary_endpoint_week")
    ax.axvspan(
        0,
        treatment_end,
        color=style.OKABE_ITO["sky_blue"],
        alpha=0.25,
        lw=0,
        label=f"treatment period ({treatment_end:.0f} weeks)",
    )
    markers = {"loading": ("v", style.OKABE_ITO["blue"]), "maintenance": ("o", style.OKABE_ITO["green"])}
    for phase, doses in schedule.groupby("phase", sort=False):
        marker, colour = markers[phase]
        weeks = study_week(doses["study_day"].astype(float))
        ax.vlines(weeks, 0, 1, color=colour, lw=1.5)
        ax.plot(
            weeks,
            [1] * len(weeks),
            marker=marker,
            ls="none",
            ms=10,
            color=colour,
            label=f"{phase} dose ({len(doses)})",
        )
    ax.axvline(endpoint, color=style.OKABE_ITO["black"], ls="--", lw=1.5)
    ax.annotate(
        f"primary\nendpoint\n(week {endpoint:.0f})",
        (endpoint + 0.6, 0.75),
        ha="left",
        va="center",
    )
    ax.set_xlim(-1, endpoint + 9)
    ax.set_ylim(0, 1.35)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.set_xticks(range(0, int(endpoint) + 1, 4))
    ax.set_xlabel("Study week (week 0 = first dose)")
    handles, names = ax.get_legend_handles_labels()
    fig.legend(handles, names, loc="outside lower center")
    return fig


def _box(ax, x, y, text, edge, width=0.3, height=0.16):
    ax.add_patch(
        FancyBboxPatch(
            (x - width / 2, y - height / 2),
            width,
            height,
            boxstyle="round,pad=0.01",
            fc="white",
            ec=edge,
            lw=2.2,
        )
    )
    ax.text(x, y, text, ha="center", va="center", color="black")


def _arrow(ax, start, end):
    ax.annotate("", xy=end, xytext=start, arrowprops=dict(arrowstyle="-|>", color=style.NEUTRAL, lw=1.3))


def enrolment_flow(enrolment):
    """A CONSORT-like flow: randomised -> progression strata -> arms."""
    style.apply()
    n = {(r.population, r.arm): int(r.n) for r in enrolment.itertuples()}
    fig, ax = plt.subplots(figsize=(style.WIDTH, 4.4))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.axis("off")
    _box(
        ax,
        0.5,
        0.88,
        f"Randomised: n = {n['all', 'both']}\n"
        f"(tofersen n = {n['all', 'tofersen']}, placebo n = {n['all', 'placebo']})",
        style.OKABE_ITO["black"],
        width=0.74,
        height=0.17,
    )
    strata = {"faster": 0.25, "slower": 0.75}
    labels = {"faster": "Faster progression\n(primary analysis)", "slower": "Slower\nprogression"}
    for population, x in strata.items():
        _arrow(ax, (0.5, 0.79), (x, 0.67))
        _box(
            ax,
            x,
            0.55,
            f"{labels[population]}\nn = {n[population, 'both']}",
            style.POPULATION_COLOURS[population],
            width=0.46,
            height=0.2,
        )
        for arm, dx in (("tofersen", -0.125), ("placebo", 0.125)):
            _arrow(ax, (x, 0.44), (x + dx, 0.25))
            _box(
                ax,
                x + dx,
                0.15,
                f"{arm.capitalize()}\nn = {n[population, arm]}",
                style.ARM_COLOURS[arm],
                width=0.21,
                height=0.16,
            )
    return fig
