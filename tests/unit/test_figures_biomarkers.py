"""Figures and summary tables of the biomarker and extension chapters."""

from __future__ import annotations

import shutil

import matplotlib

matplotlib.use("Agg")  # tests only; notebooks keep the inline backend
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from book import ROOT

from valor import data, lagged
from valor import figures_biomarkers as fb


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def week28_frame(t=0.5, p=1.25, r=0.4):
    return pd.DataFrame(
        {
            "biomarker": ["csf_sod1"] * 3,
            "population": ["faster"] * 3,
            "comparison": ["tofersen", "placebo", "tofersen:placebo"],
            "estimate": [t, p, r],
        }
    )


def test_summary_separates_within_arm_change_from_placebo_relative_reduction():
    s = fb.biomarker_summary(week28_frame()).iloc[0]
    assert s["tofersen_change"] == pytest.approx(-0.5)  # the tofersen arm halved
    assert s["placebo_change"] == pytest.approx(0.25)  # placebo rose a quarter
    assert s["computed_ratio"] == pytest.approx(0.4)  # 0.5 / 1.25
    assert s["reduction_vs_placebo"] == pytest.approx(0.6)  # "a 60% reduction"


def test_summary_of_the_trial_data_shows_the_two_readings_differ():
    s = fb.biomarker_summary(data.load("biomarker_week28")).set_index(["biomarker", "population"])
    assert set(s.index) == {(b, p) for b in ("csf_sod1", "plasma_nfl") for p in ("faster", "slower")}
    # wherever placebo rose, the placebo-relative reduction exceeds the within-arm fall
    rose = s["placebo_change"] > 0
    assert rose.any()
    assert (s.loc[rose, "reduction_vs_placebo"] > -s.loc[rose, "tofersen_change"]).all()
    np.testing.assert_allclose(s["computed_ratio"], s["reported_ratio"], atol=0.02)


def test_reported_p_keeps_the_source_precision():
    assert fb.reported_p(0.0001, "<") == "P < 0.0001"
    assert fb.reported_p(0.0007, "=") == "P = 0.0007"
    assert fb.reported_p(0.0007, None) == "P = 0.0007"
    with pytest.raises(ValueError):
        fb.reported_p(float("nan"), "=")
    with pytest.raises(ValueError):
        fb.reported_p(0.5, ">")


def test_percent_label():
    assert fb.percent_label(-0.29) == "\u221229%"
    assert fb.percent_label(0.16) == "+16%"


def test_within_vs_relative_draws_three_bars_per_stratum():
    fig = fb.within_vs_relative(fb.biomarker_summary(data.load("biomarker_week28")))
    assert len(fig.axes) == 2
    for ax in fig.axes:
        assert len(ax.patches) == 6
    heights = sorted(round(b.get_height(), 6) for b in fig.axes[0].patches)
    assert heights[0] == pytest.approx(-40.0)  # slower stratum, tofersen arm, CSF SOD1


def test_time_course_marks_points_read_by_eye_as_hollow():
    tc, w28 = data.load("biomarker_timecourse"), data.load("biomarker_week28")
    fig = fb.biomarker_time_course(tc, w28)
    hollow = sum(
        len(line.get_xdata())
        for ax in fig.axes
        for line in ax.lines
        if line.get_marker() not in ("None", None, "") and line.get_markerfacecolor() == "white"
    )
    assert hollow == len(tc)


def test_forest_shows_only_verified_differences_with_a_ci():
    w52 = data.load("ole_week52")
    rows = fb.forest_rows(w52)
    assert (rows["verified"] == "yes").all()
    assert "hhd" not in set(rows["endpoint"])
    fig = fb.ole_forest(w52)
    assert len(fig.axes) == len(rows)
    labels = [t.get_text() for ax in fig.axes for t in ax.get_yticklabels()]
    assert "Hand-held dynamometry" not in labels
    with pytest.raises(ValueError):
        fb.ole_forest(w52.assign(verified="no"))


def test_trajectories_plot_the_data_values():
    a28, oct21 = data.load("alsfrs_week28"), data.load("ole_oct2021")
    w52, lt = data.load("ole_week52"), data.load("ole_longterm")
    fig = fb.delayed_start_trajectories(a28, oct21, w52, lt)
    faster = [tuple(line.get_ydata()) for line in fig.axes[0].lines if len(line.get_ydata()) == 3]
    expected_delayed = (0.0, -8.14, -10.6)
    assert any(np.allclose(y, expected_delayed) for y in faster)


def test_model_figures():
    m = lagged.LaggedModel(mean_slope=0.3, slope_sd=0.1, noise_sd=2.0, effect=0.5)
    grid = lagged.power_grid(m, 20, 10, [0, 10], [28, 52], n_sims=100, seed=1)
    fig = fb.power_vs_delay(grid)
    assert len(fig.axes[0].lines) >= 4  # an analytic line and simulated points per length
    fig = fb.lag_courses(m, [0, 12], 52, 28)
    assert len(fig.axes[0].get_legend().get_texts()) == 3


def test_a_broken_ratio_row_stops_loading(tmp_path, monkeypatch):
    for name in ("_config.yml", "references.bib"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "data", tmp_path / "data")
    path = tmp_path / "data" / "biomarker_week28.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "tofersen:placebo,ratio of tofersen to placebo (ratios to baseline),0.33",
            "tofersen:placebo,ratio of tofersen to placebo (ratios to baseline),0.67",
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("VALOR_BOOK_ROOT", str(tmp_path))
    with pytest.raises(data.DataError, match="ratio_matches_arms") as err:
        data.load("biomarker_week28")
    assert "line 11" in str(err.value)
