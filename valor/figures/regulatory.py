"""The regulatory timeline: VALOR, its results and the decisions on one date axis.

Chapter: *After VALOR*. Drawn from ``data/regulatory_timeline.csv`` and VALOR's dates
in ``data/design.csv``.
"""

from __future__ import annotations

import calendar
import datetime as dt

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
from matplotlib.lines import Line2D

from valor import data, fmt, style
from valor.analysis.regulatory import event_date

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


def valor_period(design) -> tuple[dt.date, dt.date]:
    """First day of VALOR's first month to last day of its last month (design.csv)."""
    start = dt.date(int(data.parameter(design, "start_year")), int(data.parameter(design, "start_month")), 1)
    end_year, end_month = int(data.parameter(design, "end_year")), int(data.parameter(design, "end_month"))
    end = dt.date(end_year, end_month, calendar.monthrange(end_year, end_month)[1])
    return start, end


LABEL_GAP_PT = 42  # vertical room for a two-line label, in points
MARKER_X, LABEL_X = 0.08, 0.22  # where the markers and the labels stand (axes fraction)
MARKER_PT = 10


def spread(wanted, gap: float, low: float, high: float):
    """Positions as close as possible to ``wanted`` (ascending), at least ``gap`` apart and
    within ``[low, high]``, in the same order: labels that never overlap and whose leader
    lines never cross."""
    placed = []
    for y in wanted:
        placed.append(max(y, placed[-1] + gap) if placed else max(y, low))
    for k in range(len(placed) - 1, -1, -1):  # pull back what ran past the end
        limit = high if k == len(placed) - 1 else placed[k + 1] - gap
        placed[k] = min(placed[k], limit)
    return placed


def regulatory_timeline(timeline, design):
    """VALOR, its results and the regulatory decisions on one date axis running down
    the page, so that every label has a line of its own.

    Each event is a marker on the axis whose shape and colour say who acted (a hollow
    marker: the source gives only the month), joined by a leader line to its label in
    a column to the right; labels keep the order of the dates, so no leader crosses
    another or a label. The randomised trial is a band.
    """
    style.apply()
    events = timeline.assign(date=[event_date(r) for _, r in timeline.iterrows()])
    events = events.sort_values("date", kind="stable").reset_index(drop=True)
    height = 2.6 + 0.55 * len(events)
    fig, ax = plt.subplots(figsize=(style.WIDTH, height))
    start, end = valor_period(design)
    first, last = dt.date(start.year, 1, 1), dt.date(events["date"].max().year + 1, 1, 1)
    top, bottom = mdates.date2num(first), mdates.date2num(last)
    ax.set_ylim(bottom, top)  # time runs down
    ax.set_xlim(0, 1)
    ax.axvline(MARKER_X, color=style.NEUTRAL, lw=1)
    ax.axvspan(
        MARKER_X - 0.025,
        MARKER_X + 0.025,
        ymin=_fraction(ax, end),
        ymax=_fraction(ax, start),
        color=style.OKABE_ITO["sky_blue"],
        alpha=0.5,
        lw=0,
    )
    fig.canvas.draw()
    days_per_pt = (bottom - top) / ax.get_window_extent().height * fig.dpi / 72
    middle = mdates.date2num(start + (end - start) / 2)
    wanted = [middle, *(mdates.date2num(d) for d in events["date"])]
    valor_y, *placed = spread(wanted, LABEL_GAP_PT * days_per_pt, top, bottom)
    ax.text(LABEL_X, valor_y, f"VALOR, the randomised trial\n{start:%b %Y} – {end:%b %Y}", va="center")
    previous = None
    for (_, r), y in zip(events.iterrows(), placed, strict=True):
        marker, colour = AGENCY_STYLE[r["agency"]]
        at = mdates.date2num(r["date"])
        # A marker closer than its own size to the one before steps aside, so both show.
        x = (
            MARKER_X + 0.05
            if previous is not None and (at - previous) < MARKER_PT * days_per_pt
            else MARKER_X
        )
        previous = at
        ax.plot(
            x,
            r["date"],
            marker=marker,
            ms=MARKER_PT,
            color=colour,
            ls="none",
            mfc="white" if fmt.missing(r["day"]) else colour,
            mew=2,
        )
        ax.annotate(
            f"{r['label']}\n{fmt.date(r['year'], r['month'], r['day'])}",
            (x, r["date"]),
            xytext=(LABEL_X, y),
            textcoords="data",
            va="center",
            ha="left",
            arrowprops=dict(arrowstyle="-", color=colour, lw=1, shrinkA=6, shrinkB=3, relpos=(0, 0.5)),
        )
    handles = [
        Line2D(
            [],
            [],
            marker=AGENCY_STYLE[a][0],
            color=AGENCY_STYLE[a][1],
            ms=9,
            ls="none",
            label=AGENCY_NAMES[a],
        )
        for a in AGENCY_STYLE
        if a in set(events["agency"])
    ]
    handles.append(
        Line2D(
            [], [], marker="o", ms=9, mfc="white", mec=style.NEUTRAL, ls="none", label="hollow: month only"
        )
    )
    ax.set_xticks([])
    for side in ("bottom", "left"):
        ax.spines[side].set_visible(False)
    ax.yaxis.set_major_locator(mdates.YearLocator())
    ax.yaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    fig.legend(handles=handles, loc="outside lower center", ncols=2)
    return fig


def _fraction(ax, date) -> float:
    """Where ``date`` falls on the axis, as a fraction from the bottom."""
    low, high = ax.get_ylim()
    return (mdates.date2num(date) - low) / (high - low)
