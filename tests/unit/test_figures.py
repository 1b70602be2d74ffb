"""valor.figures: one module per part of the book, drawn from data or analysis results."""

from __future__ import annotations

import datetime as dt

import matplotlib

matplotlib.use("Agg")  # tests only; notebooks keep the inline backend

import numpy as np
import pandas as pd
import pytest

from valor import data, fmt, style
from valor.analysis import biomarkers, design, power, primary
from valor.figures import background as fig_background
from valor.figures import biomarkers as fig_biomarkers
from valor.figures import design as fig_design
from valor.figures import extension as fig_extension
from valor.figures import power as fig_power
from valor.figures import primary as fig_primary
from valor.figures import regulatory as fig_regulatory


@pytest.fixture(scope="module")
def faster():
    return primary.primary_result(data.load("alsfrs_week28"), data.load("enrolment"), data.load("design"))


def _texts(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def _legend_texts(fig) -> list[str]:
    """The entries of every legend, the figure's own and its axes'."""
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend()]
    return [t.get_text() for legend in legends for t in legend.get_texts()]


# -- background and design ---------------------------------------------------------


def test_mechanism_diagram_shows_each_step_and_kinds_differ_beyond_colour():
    fig = fig_background.mechanism_diagram()
    text = " ".join(_texts(fig)).replace("\n", " ")
    for step in ("SOD1 gene", "SOD1 mRNA", "antisense", "RNase H", "CSF total SOD1", "(NfL)", "ALSFRS-R"):
        assert step in text, step
    assert _legend_texts(fig) == [
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


def test_primary_result_puts_arms_and_difference_on_one_scale():
    fig = fig_primary.primary_result(data.load("alsfrs_week28"))
    arms, difference = fig.axes
    assert arms.get_shared_x_axes().joined(arms, difference)
    labels = _texts(fig)
    assert {"−8.14", "−6.98", "1.2 (−3.2 to 5.5)", "1.4 (CI not reported)"} <= set(labels)
    low, _ = difference.get_xlim()
    assert low < -8.14 - 1  # the lowest label clears the axis


def test_compatibility_curve_shows_the_reported_p_beside_the_curve_not_on_it(faster):
    fig = fig_primary.compatibility_curve(faster)
    curve, reported = fig.axes
    assert "no difference:\nP ≈ 0.59" in [t.get_text() for t in curve.texts]
    assert not [line for line in curve.lines if set(line.get_ydata()) == {faster.p_reported}]
    assert [list(line.get_ydata()) for line in reported.lines] == [[faster.p_reported]]
    assert "0.97,\njoint rank\ntest" in [t.get_text() for t in reported.texts]
    assert reported.get_shared_y_axes().joined(curve, reported)


def test_power_curve_marks_the_assumed_powers(faster):
    check = power.power_check(faster, deltas=[0.0, 4.0, 8.0])
    fig = fig_power.power_curve(check, faster)
    texts = _texts(fig)
    assert "80% power" in texts and "90% power" in texts
    assert "pooled t test" in " ".join(_legend_texts(fig))


def test_sample_size_curve_labels_the_quoted_sizes_on_a_readable_axis(faster):
    curve = power.sample_size_curve(faster, [2.0, 6.0])
    assert len(fig_power.sample_size_curve(curve, faster).axes[0].get_lines()) == 4  # 2 powers, 2 marks
    sizes = power.sample_sizes(faster)
    ax = fig_power.sample_size_curve(power.sample_size_curve(faster), faster, sizes).axes[0]
    labels = [t.get_text() for t in ax.texts]
    for size in (sizes.observed_target, sizes.observed_high, sizes.benchmark):
        assert fmt.integer(size.total) in labels
    ticks = [
        t.get_text()
        for t in ax.get_yticklabels()
        if ax.get_ylim()[0] <= t.get_position()[1] <= ax.get_ylim()[1]
    ]
    assert {"100", "200", "500", "1,000", "2,000"} <= set(ticks)


def test_length_and_enrichment_legends_sit_below_the_curves(faster):
    length = power.trial_length(faster, weeks=[28, 52])
    fig = fig_power.trial_length_curves(length, faster)
    assert not fig.axes[0].get_legend() and fig.legends  # clear of the 80% line
    assert fig.legends[0].get_title().get_text() == "Week-28 variance of the change:"
    assert _legend_texts(fig)[0] == "100% from differing rates"
    enrich = power.enrichment(
        faster, primary.stratum_changes(data.load("alsfrs_week28")), data.load("enrolment")
    )
    fig = fig_power.enrichment_curves(enrich)
    assert len(_legend_texts(fig)) == len(power.ENRICHMENT_DESIGNS)


def test_trajectories_share_their_axes_and_say_they_are_simulated(faster):
    courses = power.simulated_trajectories(faster, n_people=5)
    fig = fig_power.trajectories(courses, faster)
    assert len(fig.axes) == len(courses.shares) == 2
    assert fig.axes[0].get_shared_y_axes().joined(*fig.axes)
    assert fig.axes[0].get_shared_x_axes().joined(*fig.axes)
    assert sum(len(ax.lines) for ax in fig.axes) == 2 * (5 + 2)  # people, mean line, week mark
    assert any("simulated" in text for text in _legend_texts(fig))


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


def test_biomarker_figures_keep_one_panel_order_and_fill_means_only_the_source():
    summary = biomarkers.biomarker_summary(data.load("biomarker_week28"))
    bars = fig_biomarkers.within_vs_relative(summary)
    course = fig_biomarkers.biomarker_time_course(
        data.load("biomarker_timecourse"), data.load("biomarker_week28")
    )
    assert [ax.get_title(loc="left").split(" at")[0] for ax in bars.axes] == ["CSF SOD1", "Plasma NfL"]
    assert [ax.get_title(loc="left") for ax in course.axes] == [
        "CSF SOD1, faster",
        "CSF SOD1, slower",
        "Plasma NfL, faster",
        "Plasma NfL, slower",
    ]
    for ax in course.axes:  # each arm keeps one marker shape; faster and slower never share a panel
        shapes = {line.get_marker() for line in ax.lines if line.get_marker() not in ("None", "")}
        assert shapes <= {style.ARM_MARKERS["tofersen"], style.ARM_MARKERS["placebo"]}


def test_lag_figures(faster):
    lag = biomarkers.lag_power(faster)
    fig = fig_biomarkers.power_vs_delay(lag)
    assert len(fig.axes[0].lines) >= 2 * len(lag.lengths)  # an analytic line and simulated points each
    assert "Welch" in fig.axes[0].get_ylabel()
    fig = fig_biomarkers.lag_courses(lag)
    assert len(_legend_texts(fig)) == 1 + len(lag.examples)


# -- extension and regulatory ------------------------------------------------------------


def test_forest_shows_only_verified_differences_with_a_ci():
    w52 = data.load("ole_week52")
    fig = fig_extension.ole_forest(w52)
    assert len(fig.axes) == 5  # ALSFRS-R, SVC, ALSAQ-5, EQ-5D-5L, HHD: every verified interval
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert titles[0].startswith("ALSFRS-R: 3.5 (0.4 to 6.7)")
    assert [title for title in titles if title.startswith("Hand-held dynamometry: 0.28 (0.05 to 0.52)")]
    (alsaq5,) = [ax for ax, title in zip(fig.axes, titles, strict=True) if "ALSAQ" in title]
    assert "lower is better: scale reversed" in alsaq5.get_title(loc="left")
    assert [ax.xaxis_inverted() for ax in fig.axes].count(True) == 1 and alsaq5.xaxis_inverted()
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
    first = fig.axes[0]
    assert all(first.get_shared_x_axes().joined(first, ax) for ax in fig.axes)  # one week scale
    assert all(first.get_shared_y_axes().joined(first, ax) for ax in fig.axes)


def test_hazard_ratio_forest_has_one_labelled_row_per_ratio():
    hazard_ratios = data.load("hazard_ratios")
    fig = fig_extension.hazard_ratio_forest(hazard_ratios)
    labels = [t.get_text().replace("\n", " ") for t in fig.axes[0].texts]
    for row in hazard_ratios.itertuples():
        assert sum(label.startswith(f"{row.data_cut}, ") and row.endpoint in label for label in labels) >= 1
    assert labels.count("not estimable") == (hazard_ratios["estimable"] == "no").sum()


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


def test_timeline_labels_never_overlap(timeline):
    fig = fig_regulatory.regulatory_timeline(timeline, data.load("design"))
    fig.canvas.draw()
    text_only = matplotlib.text.Text.get_window_extent  # an annotation's own extent includes its leader
    boxes = sorted((text_only(t) for t in fig.axes[0].texts), key=lambda box: box.y0)
    assert all(below.y1 <= above.y0 for below, above in zip(boxes, boxes[1:], strict=False))


def test_spread_keeps_order_and_gap():
    assert fig_regulatory.spread([0, 1, 1.5, 10], gap=2, low=0, high=20) == [0, 2, 4, 10]
    assert fig_regulatory.spread([17, 18, 19], gap=2, low=0, high=20) == [16, 18, 20]


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
