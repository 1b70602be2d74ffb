"""Figures of the context chapters: how tofersen works, and what happened after VALOR.

``mechanism_diagram`` is a schematic (it shows no trial numbers); ``regulatory_timeline``
is drawn from ``data/regulatory_timeline.csv`` and VALOR's dates in ``data/design.csv``.
Both return matplotlib Figures; chapters glue them and give them a name, a caption
and alt text.
"""

from __future__ import annotations

import calendar
import datetime as dt

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from valor import style
from valor.figures import design_value

# The three kinds of step in the mechanism diagram: never colour alone, the edge
# style differs too.
DISEASE = dict(edge=style.OKABE_ITO["vermillion"], ls="-", label="disease pathway")
DRUG = dict(edge=style.OKABE_ITO["blue"], ls="--", label="what tofersen does")
MEASURED = dict(edge=style.OKABE_ITO["green"], ls=":", label="what VALOR measured")

# Who acted: marker and colour, both.
AGENCY_STYLE = {
    "trial": ("o", style.OKABE_ITO["black"]),
    "sponsor": ("^", style.OKABE_ITO["orange"]),
    "journal": ("v", style.OKABE_ITO["purple"]),
    "FDA": ("s", style.OKABE_ITO["blue"]),
    "EMA": ("D", style.OKABE_ITO["green"]),
}
AGENCY_NAMES = {
    "trial": "trial",
    "sponsor": "sponsor (Biogen)",
    "journal": "journal",
    "FDA": "FDA (United States)",
    "EMA": "EMA / EU",
}


BOX_WIDTH = 0.2
EDGE = BOX_WIDTH / 2 + 0.015  # from a box's centre to just outside its edge


def _step(ax, x, y, text, kind, width=BOX_WIDTH, height=0.17):
    ax.add_patch(
        FancyBboxPatch(
            (x - width / 2, y - height / 2),
            width,
            height,
            boxstyle="round,pad=0.012",
            fc="white",
            ec=kind["edge"],
            ls=kind["ls"],
            lw=2.2,
        )
    )
    ax.text(x, y, text, ha="center", va="center", fontsize=10, color="black")


def _link(ax, start, end, kind, text=None, rad=0.0):
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle="-|>",
            mutation_scale=14,
            color=kind["edge"],
            ls=kind["ls"],
            lw=1.6,
            connectionstyle=f"arc3,rad={rad}",
        )
    )
    if text:
        ax.text(
            (start[0] + end[0]) / 2,
            (start[1] + end[1]) / 2 + 0.035,
            text,
            ha="center",
            va="bottom",
            fontsize=8.5,
            color=style.NEUTRAL,
        )


def mechanism_diagram():
    """How tofersen lowers SOD1: gene -> mRNA -> protein, and where the drug cuts in.

    Top row: the disease pathway. Middle row: the antisense oligonucleotide binds
    the SOD1 mRNA and RNase H cuts the mRNA. Bottom row: the two things the trial
    measured to see this happen (CSF SOD1, plasma NfL).
    """
    style.apply()
    fig, ax = plt.subplots(figsize=(8.0, 5.0))
    ax.set_xlim(-0.03, 1.03)
    ax.set_ylim(0, 1)
    ax.axis("off")

    top, middle, bottom = 0.84, 0.5, 0.15
    xs = (0.1, 0.367, 0.633, 0.9)
    _step(ax, xs[0], top, "SOD1 gene\n(DNA, with a\nharmful variant)", DISEASE)
    _step(ax, xs[1], top, "SOD1 mRNA\n(transcribed\nfrom the gene)", DISEASE)
    _step(ax, xs[2], top, "SOD1 protein\n(misfolds: toxic\ngain of function)", DISEASE)
    _step(ax, xs[3], top, "Motor neurons\ninjured; axons\nbreak down", DISEASE)
    _link(ax, (xs[0] + EDGE, top), (xs[1] - EDGE, top), DISEASE)
    _link(ax, (xs[1] + EDGE, top), (xs[2] - EDGE, top), DISEASE)
    _link(ax, (xs[2] + EDGE, top), (xs[3] - EDGE, top), DISEASE)

    _step(ax, xs[0], middle, "Tofersen:\nantisense\noligonucleotide\n(intrathecal)", DRUG, height=0.19)
    _step(
        ax,
        xs[1],
        middle,
        "Binds SOD1 mRNA;\nRNase H then cuts\nthe mRNA, which\nis destroyed",
        DRUG,
        height=0.19,
    )
    _step(ax, xs[2], middle, "Less SOD1\nprotein made", DRUG)
    _step(ax, xs[3], middle, "Less injury?\n(the hope)", DRUG)
    _link(ax, (xs[0] + EDGE, middle), (xs[1] - EDGE, middle), DRUG)
    _link(ax, (xs[1], middle + 0.09), (xs[1], top - 0.08), DRUG, rad=0.0)
    ax.text(
        xs[1] + 0.01, (middle + top) / 2, "targets", ha="left", va="center", fontsize=8.5, color=style.NEUTRAL
    )
    _link(ax, (xs[1] + EDGE, middle), (xs[2] - EDGE, middle), DRUG)
    _link(ax, (xs[2] + EDGE, middle), (xs[3] - EDGE, middle), DRUG)

    _step(ax, xs[2], bottom, "CSF total SOD1\n(target engagement)", MEASURED)
    _step(ax, xs[3], bottom, "Neurofilament light\n(NfL) in blood:\naxonal injury", MEASURED)
    _link(ax, (xs[2], middle - 0.08), (xs[2], bottom + 0.08), MEASURED)
    _link(ax, (xs[3], middle - 0.08), (xs[3], bottom + 0.08), MEASURED)
    _link(ax, (xs[3] + 0.06, top - 0.08), (xs[3] + 0.06, bottom + 0.08), MEASURED, rad=-0.25)
    ax.text(
        0.23,
        bottom,
        "Clinical function (ALSFRS-R)\ncomes last, if at all,\nand is what the primary\nendpoint measured",
        ha="center",
        va="center",
        fontsize=10,
        color=style.NEUTRAL,
        style="italic",
    )

    handles = [
        Line2D([], [], color=k["edge"], ls=k["ls"], lw=2.2, label=k["label"])
        for k in (DISEASE, DRUG, MEASURED)
    ]
    ax.legend(handles=handles, loc="lower center", ncols=3, fontsize=10, bbox_to_anchor=(0.5, -0.08))
    return fig


def event_date(row) -> dt.date:
    """The event's date; an event known only to the month is placed mid-month."""
    day = 15 if _missing(row["day"]) else int(row["day"])
    return dt.date(int(row["year"]), int(row["month"]), day)


def _missing(x) -> bool:
    return bool(pd.isna(x))


def date_text(row) -> str:
    month = calendar.month_abbr[int(row["month"])]
    if _missing(row["day"]):
        return f"{month} {int(row['year'])}"
    return f"{int(row['day'])} {month} {int(row['year'])}"


def valor_period(design) -> tuple[dt.date, dt.date]:
    """First day of VALOR's first month to last day of its last month (design.csv)."""
    start = dt.date(int(design_value(design, "start_year")), int(design_value(design, "start_month")), 1)
    end_year, end_month = int(design_value(design, "end_year")), int(design_value(design, "end_month"))
    end = dt.date(end_year, end_month, calendar.monthrange(end_year, end_month)[1])
    return start, end


LEVELS = (1.0, -1.0, 2.0, -2.0, 3.0, -3.0)


def regulatory_timeline(timeline, design):
    """VALOR, its results and the regulatory decisions on one date axis.

    Each event is a stem with a marker whose shape and colour say who acted; a hollow
    marker means the source gives only the month. The randomised trial is a band.
    """
    style.apply()
    events = timeline.assign(date=[event_date(r) for _, r in timeline.iterrows()])
    events = events.sort_values("date", kind="stable").reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(7.6, 4.8))
    start, end = valor_period(design)
    ax.axvspan(start, end, ymin=0.44, ymax=0.56, color=style.OKABE_ITO["sky_blue"], alpha=0.35, lw=0)
    ax.axhline(0, color=style.NEUTRAL, lw=1)
    ax.text(
        start + (end - start) / 2,
        0,
        f"VALOR\n{start:%b %Y} – {end:%b %Y}",
        ha="center",
        va="center",
        fontsize=8.5,
    )
    for i, r in events.iterrows():
        level = LEVELS[i % len(LEVELS)]
        marker, colour = AGENCY_STYLE[r["agency"]]
        month_only = _missing(r["day"])
        ax.vlines(r["date"], 0, level, color=colour, lw=1, alpha=0.8)
        ax.plot(
            r["date"],
            0,
            marker=marker,
            ms=9,
            color=colour,
            ls="none",
            mfc="white" if month_only else colour,
            mew=1.8,
        )
        ax.annotate(
            f"{r['label']}\n{date_text(r)}",
            (r["date"], level),
            ha="center",
            va="bottom" if level > 0 else "top",
            fontsize=9,
            xytext=(0, 3 if level > 0 else -3),
            textcoords="offset points",
        )
    handles = [
        Line2D(
            [],
            [],
            marker=AGENCY_STYLE[a][0],
            color=AGENCY_STYLE[a][1],
            ms=8,
            ls="none",
            label=AGENCY_NAMES[a],
        )
        for a in AGENCY_STYLE
        if a in set(events["agency"])
    ]
    handles.append(
        Line2D(
            [],
            [],
            marker="o",
            ms=8,
            mfc="white",
            mec=style.NEUTRAL,
            ls="none",
            label="hollow: only the month is known",
        )
    )
    ax.set_ylim(-4.3, 4.3)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.set_xlim(dt.date(start.year, 1, 1), dt.date(events["date"].max().year + 1, 3, 1))
    ax.legend(handles=handles, loc="lower center", fontsize=8.5, ncols=3, bbox_to_anchor=(0.5, 1.0))
    return fig
