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
        month_only = fmt.missing(r["day"])
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
            f"{r['label']}\n{fmt.date(r['year'], r['month'], r['day'])}",
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
