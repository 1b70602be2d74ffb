"""valor.figures: one module per part of the book, drawn from data or analysis results."""

from __future__ import annotations

import datetime as dt

import matplotlib

matplotlib.use("Agg")  # tests only; notebooks keep the inline backend

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from valor import data, fmt, style
from valor.analysis import biomarkers, design, power, primary
from valor.figures import background as fig_background
from valor.figures import biomarkers as fig_biomarkers
from valor.figures import design as fig_design
from valor.figures import extension as fig_extension
from valor.figures import power as fig_power
from valor.figures import primary as fig_primary
from valor.figures import regulatory as fig_regulatory


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def faster():
    return primary.primary_result(data.load("alsfrs_week28"), data.load("enrolment"), data.load("design"))


def _texts(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


# -- background and design ---------------------------------------------------------


def test_mechanism_diagram_shows_each_step_and_kinds_differ_beyond_colour():
    fig = fig_background.mechanism_diagram()
    text = " ".join(_texts(fig)).replace("\n", " ")
    for step in ("SOD1 gene", "SOD1 mRNA", "antisense", "RNase H", "CSF total SOD1", "(NfL)", "ALSFRS-R"):
        assert step in text, step
    legend = fig.axes[0].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == [
        "disease pathway",
        "what tofersen does",
        "what VALOR measured",
    ]
    boxes = [p for p in fig.axes[0].patches if p.__class__.__name__ == "FancyBboxPatch"]
    assert len(boxes) == 10 and {b.get_linestyle() for b in boxes} == {"-", "--", ":"}


def test_dosing_timeline_draws_every_dose_and_the_endpoint():
    schedule, parameters = data.load("dosing_schedule"), data.load("design")
    ax = fig_design.dosing_timeline(schedule, parameters).axes[0]
    plotted = sorted(
        x for line in ax.get_lines() for x in line.get_xdata() if line.get_marker() in ("v", "o")
    )
    assert plotted == sorted(design.study_week(schedule["study_day"].astype(float)))
    endpoint = data.parameter(parameters, "primary_endpoint_week")
    assert any(list(line.get_xdata()) == [endpoint, endpoint] for line in ax.get_lines())


def test_enrolment_flow_shows_every_count():
    enrolment = data.load("enrolment")
    texts = " ".join(_texts(fig_design.enrolment_flow(enrolment)))
    for row in enrolment.itertuples():
        assert f"n = {row.n}" in texts


def test_palette_is_okabe_ito_and_arms_differ_beyond_colour():
    assert set(style.ARM_COLOURS.values()) <= set(style.OKABE_ITO.values())
    assert style.ARM_LINESTYLES["tofersen"] != style.ARM_LINESTYLES["placebo"]
    assert style.ARM_MARKERS["tofersen"] != style.ARM_MARKERS["placebo"]


# -- primary endpoint and the statistics of a miss -------------------------------------


def test_primary_figures(faster):
    assert isinstance(fig_primary.primary_result(data.load("alsfrs_week28")), Figure)
    fig = fig_primary.compatibility_curve(faster)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "reported P = 0.97 (joint rank test)" in labels
    assert any(label.startswith("implied P for no difference ≈ 0.59") for label in labels)


def test_power_curve_marks_the_assumed_powers(faster):
    check = power.power_check(faster, deltas=[0.0, 4.0, 8.0])
    fig = fig_power.power_curve(check, faster)
    texts = _texts(fig)
    assert "80% power" in texts and "90% power" in texts
    assert "pooled t test" in " ".join(t.get_text() for t in fig.axes[0].get_legend().get_texts())


def test_sample_size_length_and_enrichment_figures(faster):
    curve = power.sample_size_curve(faster, [2.0, 6.0])
    assert len(fig_power.sample_size_curve(curve, faster).axes[0].get_lines()) == 4  # 2 powers, 2 marks
    length = power.trial_length(faster, weeks=[28, 52])
    fig = fig_power.trial_length_curves(length, faster)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend[0] == "100% of the week-28 variance from differing rates"
    enrich = power.enrichment(
        faster, primary.stratum_changes(data.load("alsfrs_week28")), data.load("enrolment")
    )
    fig = fig_power.enrichment_curves(enrich)
    assert len(fig.axes[0].get_legend().get_texts()) == len(power.ENRICHMENT_DESIGNS)


# -- biomarkers -------------------------------------------------------------------------


def test_within_vs_relative_draws_three_bars_per_stratum():
    summary = biomarkers.biomarker_summary(data.load("biomarker_week28"))
    fig = fig_biomarkers.within_vs_relative(summary)
    assert len(fig.axes) == 2 and all(len(ax.patches) == 6 for ax in fig.axes)
    heights = sorted(round(b.get_height(), 6) for b in fig.axes[0].patches)
    assert heights[0] == pytest.approx(-40.0)  # slower stratum, tofersen arm, CSF SOD1
    assert fmt.signed_percent(-0.4) in _texts(fig)


def test_time_course_marks_points_read_by_eye_as_hollow():
    tc = data.load("biomarker_timecourse")
    fig = fig_biomarkers.biomarker_time_course(tc, data.load("biomarker_week28"))
    hollow = sum(
        len(line.get_xdata())
        for ax in fig.axes
        for line in ax.lines
        if line.get_marker() not in ("None", None, "") and line.get_markerfacecolor() == "white"
    )
    assert hollow == len(tc)


def test_lag_figures(faster):
    lag = biomarkers.lag_power(faster)
    fig = fig_biomarkers.power_vs_delay(lag)
    assert len(fig.axes[0].lines) >= 2 * len(lag.lengths)  # an analytic line and simulated points each
    assert "Welch" in fig.axes[0].get_ylabel()
    fig = fig_biomarkers.lag_courses(lag)
    assert len(fig.axes[0].get_legend().get_texts()) == 1 + len(lag.examples)


# -- extension and regulatory ------------------------------------------------------------


def test_forest_shows_only_verified_differences_with_a_ci():
    w52 = data.load("ole_week52")
    fig = fig_extension.ole_forest(w52)
    assert len(fig.axes) == 3
    assert "Hand-held dynamometry" not in [t.get_text() for ax in fig.axes for t in ax.get_yticklabels()]
    with pytest.raises(ValueError):
        fig_extension.ole_forest(w52.assign(verified="no"))


def test_trajectories_plot_the_data_values():
    fig = fig_extension.delayed_start_trajectories(
        data.load("alsfrs_week28"),
        data.load("ole_oct2021"),
        data.load("ole_week52"),
        data.load("ole_longterm"),
    )
    faster = [tuple(line.get_ydata()) for line in fig.axes[0].lines if len(line.get_ydata()) == 3]
    assert any(np.allclose(y, (0.0, -8.14, -10.6)) for y in faster)


def test_hazard_ratio_forest_has_one_row_per_ratio():
    hazard_ratios = data.load("hazard_ratios")
    fig = fig_extension.hazard_ratio_forest(hazard_ratios)
    assert len(fig.axes[0].get_yticks()) == len(hazard_ratios)


@pytest.fixture(scope="module")
def timeline():
    return data.load("regulatory_timeline")


def test_valor_period_comes_from_design():
    # design.csv: VALOR ran from March 2019 through July 2021 (NEJM, Trial Design)
    assert fig_regulatory.valor_period(data.load("design")) == (dt.date(2019, 3, 1), dt.date(2021, 7, 31))


def test_timeline_labels_every_event_and_marks_month_only_events_hollow(timeline):
    fig = fig_regulatory.regulatory_timeline(timeline, data.load("design"))
    ax = fig.axes[0]
    annotations = [c.get_text() for c in ax.get_children() if isinstance(c, matplotlib.text.Annotation)]
    assert len(annotations) == len(timeline)
    for _, row in timeline.iterrows():
        assert f"{row['label']}\n{fmt.date(row['year'], row['month'], row['day'])}" in annotations
    markers = [line for line in ax.get_lines() if line.get_marker() not in ("None", "")]
    assert sum(line.get_markerfacecolor() == "white" for line in markers) == timeline["day"].isna().sum() > 0


def test_timeline_follows_the_data(timeline):
    extra = pd.DataFrame(
        [
            {
                "event_id": "x",
                "year": 2025,
                "month": 6,
                "day": 2,
                "agency": "FDA",
                "event": "t",
                "label": "A test event",
            }
        ]
    )
    fig = fig_regulatory.regulatory_timeline(
        pd.concat([timeline, extra], ignore_index=True), data.load("design")
    )
    assert "A test event\n2 Jun 2025" in _texts(fig)
