"""valor.figures.synthetic: the synthetic trial's figures draw what they say, stamped synthetic."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # tests only; notebooks keep the inline backend

import pandas as pd
import pytest

from valor import synthetic
from valor.figures import synthetic as figures


@pytest.fixture(scope="module")
def trial():
    return synthetic.generate(synthetic.published_targets())


def _stamped(ax) -> bool:
    return figures.STAMP in [t.get_text() for t in ax.texts]


def test_trajectories_draw_each_participant_and_the_mean_per_arm(trial):
    fig = figures.trajectories(trial, 28)
    faster = trial[trial["stratum"] == "faster"]
    for ax, arm in zip(fig.axes, synthetic.ARMS, strict=True):
        n = int((faster["arm"] == arm).sum())
        # one thin line per participant, the crosses of events, the mean, two reference lines
        assert len(ax.lines) == n + 4, arm
        title = ax.get_title(loc="left")
        assert title.startswith(arm.capitalize()) and f"({n} synthetic" in title
        assert _stamped(ax)
    assert all(ax.lines[-3].get_linewidth() > 2 for ax in fig.axes)  # the mean stands out


def test_replicate_differences_mark_truth_publication_and_this_trial():
    differences = pd.DataFrame({"complete cases": [0.0, 1.0, 2.0], "full data": [0.5, 1.5, 2.5]})
    fig = figures.replicate_differences(differences, 1.16, 1.2, 4.0)
    ax = fig.axes[0]
    marked = [line.get_xdata()[0] for line in ax.lines]
    assert marked == [1.16, 1.2, 4.0]
    assert len({line.get_linestyle() for line in ax.lines}) == 3  # told apart without colour
    assert _stamped(ax)
    labels = [" ".join(label.split()) for label in ax.get_legend_handles_labels()[1]]
    assert "3 synthetic trials, complete cases (outline)" in labels and "published estimate (VALOR)" in labels
