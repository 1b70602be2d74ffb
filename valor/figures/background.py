"""The mechanism diagram: how tofersen lowers SOD1, and what VALOR measured.

Chapter: *Background*. A schematic: it shows no trial numbers.
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
