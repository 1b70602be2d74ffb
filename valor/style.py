"""One figure style and one colour-blind-safe palette for the whole book.

Okabe & Ito (2008) colours; arms also differ by line style and marker, so no
figure relies on colour alone.
"""

from __future__ import annotations

import matplotlib as mpl

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}

ARM_COLOURS = {"tofersen": OKABE_ITO["blue"], "placebo": OKABE_ITO["vermillion"]}
ARM_LINESTYLES = {"tofersen": "-", "placebo": "--"}
ARM_MARKERS = {"tofersen": "o", "placebo": "s"}
# Strata get colours distinct from the arms' (faster: green, slower: black).
POPULATION_COLOURS = {"faster": OKABE_ITO["green"], "slower": OKABE_ITO["black"], "all": "#595959"}
NEUTRAL = "#595959"  # grey with 7:1 contrast on white, for secondary text

RC = {
    "figure.dpi": 100,
    "savefig.dpi": 110,
    "figure.figsize": (7.0, 3.6),
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": mpl.cycler(
        color=[OKABE_ITO[k] for k in ("blue", "vermillion", "green", "orange", "purple", "sky_blue", "black")]
    ),
    "legend.frameon": False,
    "figure.constrained_layout.use": True,
}


def apply() -> None:
    """Set the book's matplotlib style (does not change the backend)."""
    mpl.rcParams.update(RC)
