"""One figure style and one colour-blind-safe palette for the whole book.

Okabe & Ito (2008) colours; arms also differ by line style and marker, so no
figure relies on colour alone.

Figures are drawn for a phone first and served as SVG, crisp at any screen density
and in print. A figure is shown at most as wide as the text column; on a phone
390 CSS px wide that column is ``PHONE_FIGURE_PX`` wide. For the smallest text to be
about 9 pt (``MIN_TEXT_PX`` CSS px) there, every text must be at least
``MIN_TEXT_PT_PER_INCH`` points for each inch of the figure's width: 13 pt in the
book's 5-inch-wide figures. :func:`smallest_text` measures what a figure draws, and
:func:`svg` writes it down in the file for the browser tests.
"""

from __future__ import annotations

import io
import re

import matplotlib as mpl
from matplotlib.text import Text

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
LABEL_BOX = dict(fc="white", ec="none", pad=1)  # behind a label that crosses a line

PHONE_FIGURE_PX = 342  # the text column of a 390-px-wide phone screen (measured in chromium)
MIN_TEXT_PX = 12  # 9 pt
MIN_TEXT_PT_PER_INCH = MIN_TEXT_PX * 72 / PHONE_FIGURE_PX
WIDTH = 5.0  # inches: the book's figure width
TEXT = 13  # points: every text of a WIDTH-wide figure (>= MIN_TEXT_PT_PER_INCH * WIDTH)

RC = {
    "figure.dpi": 100,
    "figure.figsize": (WIDTH, 3.4),
    "font.size": TEXT,
    "axes.titlesize": TEXT,
    "axes.labelsize": TEXT,
    "xtick.labelsize": TEXT,
    "ytick.labelsize": TEXT,
    "legend.fontsize": TEXT,
    "legend.title_fontsize": TEXT,
    "figure.titlesize": TEXT,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": mpl.cycler(
        color=[OKABE_ITO[k] for k in ("blue", "vermillion", "green", "orange", "purple", "sky_blue", "black")]
    ),
    "legend.frameon": False,
    "legend.handlelength": 2.4,
    "lines.linewidth": 2.0,
    "figure.constrained_layout.use": True,
    # Text as outlines: the figure looks the same without the font installed.
    "svg.fonttype": "path",
    # Stable element ids: the same figure gives the same file (and file name).
    "svg.hashsalt": "valor-book",
}


def apply() -> None:
    """Set the book's matplotlib style (does not change the backend)."""
    mpl.rcParams.update(RC)


def smallest_text(fig, drawn: bool = False) -> float:
    """The smallest font size (points) of any non-empty, visible text the figure draws
    inside its own bounds (tick labels, legends, annotations, titles). ``drawn``: the
    figure was just drawn (saved) as it is, so its layout stands and is not made again."""
    if not drawn:
        fig.draw_without_rendering()  # lays the figure out, as a draw does, without painting it
    sizes = [
        text.get_fontsize()
        for text in _visible_texts(fig)
        if text.get_text().strip() and fig.bbox.overlaps(text.get_window_extent())
    ]
    if not sizes:
        raise ValueError("the figure draws no text")
    return float(min(sizes))


def _visible_texts(artist):
    """Texts under ``artist`` whose every container is visible (a hidden legend hides its texts)."""
    if not artist.get_visible():
        return
    if isinstance(artist, Text):
        yield artist
    for child in artist.get_children():
        yield from _visible_texts(child)


def phone_text_px(fig) -> float:
    """CSS pixels of the figure's smallest text when it is shown ``PHONE_FIGURE_PX`` wide."""
    width_pt = fig.get_figwidth() * 72
    return smallest_text(fig) / width_pt * PHONE_FIGURE_PX


SMALLEST_TEXT = re.compile(r"smallest text: ([0-9.]+) pt")
_MEASURED = "MEASURED-AFTER-SAVING"  # stands in the description until the save is measured


def svg(fig) -> str:
    """The figure as SVG text; its description records the smallest text in points
    (``SMALLEST_TEXT`` reads it back), so a browser test can tell how large that text
    is on screen: (smallest text / figure width in points) x the width shown."""
    out = io.StringIO()
    description = "VALOR book figure; smallest text: {} pt"
    fig.savefig(out, format="svg", metadata={"Date": None, "Description": description.format(_MEASURED)})
    # measured on the layout the save made: a layout of its own before saving cost the
    # book's 20 figures 3 s more (9.3 s against 6.0 s)
    measured = description.format(f"{smallest_text(fig, drawn=True):g}")
    return out.getvalue().replace(description.format(_MEASURED), measured, 1)


class SVGFigure:
    """A drawn figure for display and glue: IPython shows (and myst-nb glues) its SVG."""

    def __init__(self, fig):
        self.text = svg(fig)

    def _repr_svg_(self) -> str:
        return self.text
