"""The mechanism diagram: how tofersen lowers SOD1, and what VALOR measured.

Chapter: *Background*. A schematic: it shows no trial numbers. Two columns (the
disease, the drug) read from top to bottom, with what was measured underneath, so
that the diagram keeps its text size on a phone.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from valor import style

# The three kinds of step in the mechanism diagram: never colour alone, the edge
# style differs too.
DISEASE = dict(edge=style.OKABE_ITO["vermillion"], ls="-", label="disease pathway")
DRUG = dict(edge=style.OKABE_ITO["blue"], ls="--", label="what tofersen does")
MEASURED = dict(edge=style.OKABE_ITO["green"], ls=":", label="what VALOR measured")

COLUMNS = (0.22, 0.72)  # x of the disease and the drug columns
ROWS = (0.92, 0.73, 0.54, 0.35, 0.1)  # y of the gene, mRNA, protein, neuron and measured rows
BOX_WIDTH, BOX_HEIGHT = 0.4, 0.14
GAP = 0.012  # between a box's edge and an arrow's end


def _step(ax, column, row, text, kind):
    x, y = COLUMNS[column], ROWS[row]
    ax.add_patch(
        FancyBboxPatch(
            (x - BOX_WIDTH / 2, y - BOX_HEIGHT / 2),
            BOX_WIDTH,
            BOX_HEIGHT,
            boxstyle="round,pad=0.008",
            fc="white",
            ec=kind["edge"],
            ls=kind["ls"],
            lw=2.2,
            clip_on=False,
        )
    )
    ax.text(x, y, text, ha="center", va="center", color="black")


def _link(ax, start, end, kind, rad=0.0):
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle="-|>",
            mutation_scale=16,
            color=kind["edge"],
            ls=kind["ls"],
            lw=1.8,
            connectionstyle=f"arc3,rad={rad}",
            clip_on=False,
        )
    )


def _down(ax, column, row, kind, to_row=None):
    """An arrow from the box at (column, row) to the box below it (or in ``to_row``)."""
    x, below = COLUMNS[column], row + 1 if to_row is None else to_row
    _link(ax, (x, ROWS[row] - BOX_HEIGHT / 2 - GAP), (x, ROWS[below] + BOX_HEIGHT / 2 + GAP), kind)


def mechanism_diagram():
    """How tofersen lowers SOD1: gene -> mRNA -> protein -> injury, and where the drug cuts in.

    Left column: the disease pathway, from the gene down to injured motor neurons.
    Right column: the antisense oligonucleotide binds the SOD1 mRNA, RNase H cuts the
    mRNA, less protein is made. Bottom row: the two things the trial measured to see
    this happen (plasma NfL, CSF SOD1); clinical function comes last.
    """
    style.apply()
    fig, ax = plt.subplots(figsize=(style.WIDTH, 7.4))
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.08, 1)
    ax.axis("off")

    disease = (
        "SOD1 gene (DNA,\nwith a harmful\nvariant)",
        "SOD1 mRNA\n(copied from\nthe gene)",
        "SOD1 protein\n(misfolds: toxic\ngain of function)",
        "Motor neurons\ninjured; axons\nbreak down",
    )
    drug = (
        "Tofersen: antisense\noligonucleotide\n(intrathecal)",
        "Binds SOD1 mRNA;\nRNase H then\ncuts the mRNA",
        "Less SOD1\nprotein made",
        "Less injury?\n(the hope)",
    )
    for row, (ill, treated) in enumerate(zip(disease, drug, strict=True)):
        _step(ax, 0, row, ill, DISEASE)
        _step(ax, 1, row, treated, DRUG)
        if row < len(disease) - 1:
            _down(ax, 0, row, DISEASE)
            _down(ax, 1, row, DRUG)
    edge = BOX_WIDTH / 2 + GAP
    _link(ax, (COLUMNS[1] - edge, ROWS[1]), (COLUMNS[0] + edge, ROWS[1]), DRUG)  # the drug targets the mRNA

    _step(ax, 0, 4, "Neurofilament light\n(NfL) in blood:\naxonal injury", MEASURED)
    _step(ax, 1, 4, "CSF total SOD1\n(target\nengagement)", MEASURED)
    _down(ax, 0, 3, MEASURED)  # injury releases NfL
    _link(
        ax,
        (COLUMNS[1] - 0.05, ROWS[3] - BOX_HEIGHT / 2 - GAP),
        (COLUMNS[0] + 0.1, ROWS[4] + BOX_HEIGHT / 2 + GAP),
        MEASURED,
    )
    # From less protein made, around the right of "less injury", to CSF SOD1.
    _link(
        ax,
        (COLUMNS[1] + edge, ROWS[2]),
        (COLUMNS[1] + edge, ROWS[4]),
        MEASURED,
        rad=-0.3,
    )
    ax.text(
        0.5,
        -0.065,
        "Clinical function (ALSFRS-R) comes last,\nif at all, and is what the primary\nendpoint measured",
        ha="center",
        va="center",
        color=style.NEUTRAL,
        style="italic",
    )

    handles = [
        Line2D([], [], color=k["edge"], ls=k["ls"], lw=2.2, label=k["label"])
        for k in (DISEASE, DRUG, MEASURED)
    ]
    fig.legend(handles=handles, loc="outside lower center")
    return fig
