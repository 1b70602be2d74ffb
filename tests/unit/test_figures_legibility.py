"""Every figure of the book keeps its text legible on a phone and is served as SVG.

A figure is shown at most as wide as the text column, ``style.PHONE_FIGURE_PX`` CSS px
on a 390-px-wide phone; its smallest text must then be at least ``style.MIN_TEXT_PX``
(9 pt). The browser test (tests/site/test_layout.py) measures the same on the built
pages.
"""

from __future__ import annotations

import io
import re

import matplotlib

matplotlib.use("Agg")  # tests only; notebooks keep the inline backend

import matplotlib.pyplot as plt
import pytest

from valor import data, style, synthetic
from valor.analysis import biomarkers, power, primary
from valor.analysis import synthetic as synthetic_analysis
from valor.figures import background, design, extension, regulatory
from valor.figures import biomarkers as fig_biomarkers
from valor.figures import power as fig_power
from valor.figures import primary as fig_primary
from valor.figures import synthetic as fig_synthetic

FIGURES = (
    "mechanism",
    "enrolment",
    "dosing",
    "primary result",
    "compatibility",
    "power",
    "sample size",
    "trial length",
    "trajectories",
    "enrichment",
    "within vs relative",
    "time course",
    "lag courses",
    "power vs delay",
    "delayed start",
    "week-52 forest",
    "hazard ratios",
    "timeline",
    "synthetic trajectories",
    "synthetic replicates",
)


@pytest.fixture(scope="module")
def faster():
    return primary.primary_result(data.load("alsfrs_week28"), data.load("enrolment"), data.load("design"))


@pytest.fixture(scope="module")
def book_figures(faster):
    """Every figure the chapters glue (by name: FIGURES), drawn from the same data and analyses."""
    alsfrs = data.load("alsfrs_week28")
    lag = biomarkers.lag_power(faster)
    week28 = data.load("biomarker_week28")
    targets = synthetic.published_targets()
    trial = synthetic.generate(targets)
    return {
        "mechanism": lambda: background.mechanism_diagram(),
        "enrolment": lambda: design.enrolment_flow(data.load("enrolment")),
        "dosing": lambda: design.dosing_timeline(data.load("dosing_schedule"), data.load("design")),
        "primary result": lambda: fig_primary.primary_result(alsfrs),
        "compatibility": lambda: fig_primary.compatibility_curve(faster),
        "power": lambda: fig_power.power_curve(power.power_check(faster, deltas=[0.0, 4.0, 8.0]), faster),
        "sample size": lambda: fig_power.sample_size_curve(
            power.sample_size_curve(faster), faster, power.sample_sizes(faster)
        ),
        "trial length": lambda: fig_power.trial_length_curves(power.trial_length(faster), faster),
        "trajectories": lambda: fig_power.trajectories(power.simulated_trajectories(faster), faster),
        "enrichment": lambda: fig_power.enrichment_curves(
            power.enrichment(faster, primary.stratum_changes(alsfrs, "slower"), data.load("enrolment"))
        ),
        "within vs relative": lambda: fig_biomarkers.within_vs_relative(biomarkers.biomarker_summary(week28)),
        "time course": lambda: fig_biomarkers.biomarker_time_course(
            data.load("biomarker_timecourse"), week28
        ),
        "lag courses": lambda: fig_biomarkers.lag_courses(lag),
        "power vs delay": lambda: fig_biomarkers.power_vs_delay(lag),
        "delayed start": lambda: extension.delayed_start_trajectories(
            alsfrs, data.load("ole_oct2021"), data.load("ole_week52"), data.load("ole_longterm")
        ),
        "week-52 forest": lambda: extension.ole_forest(data.load("ole_week52")),
        "hazard ratios": lambda: extension.hazard_ratio_forest(data.load("hazard_ratios")),
        "timeline": lambda: regulatory.regulatory_timeline(
            data.load("regulatory_timeline"), data.load("design")
        ),
        "synthetic trajectories": lambda: fig_synthetic.trajectories(trial, targets.week),
        "synthetic replicates": lambda: fig_synthetic.replicate_differences(
            synthetic_analysis.recovery(
                targets,
                trial,
                synthetic_analysis.replicate_trials(targets, replicates=50),
                synthetic_analysis.replicate_trials(targets, replicates=50, hide_after_events=False),
            ).differences,
            1.2,
            1.2,
            1.0,
        ),
    }


def test_every_figure_of_the_book_is_checked(book_figures):
    assert sorted(book_figures) == sorted(FIGURES)


@pytest.mark.parametrize("name", FIGURES)  # one test each: the workers of make test-fast share them
def test_every_book_figure_keeps_9_pt_text_on_a_phone(book_figures, name):
    fig = book_figures[name]()
    try:
        assert style.phone_text_px(fig) >= style.MIN_TEXT_PX, (
            f"{name}: smallest text {style.smallest_text(fig):g} pt in a {fig.get_figwidth():g}-in figure: "
            f"{style.phone_text_px(fig):.1f} px on a phone"
        )
    finally:
        plt.close(fig)


def test_smallest_text_sees_every_visible_text_and_skips_hidden_ones():
    fig, ax = plt.subplots(figsize=(5, 3))
    ax.set_title("title", fontsize=14)
    ax.annotate("small", (0.5, 0.5), fontsize=6)
    hidden = ax.legend([plt.Line2D([], [])], ["legend"], fontsize=4)
    assert style.smallest_text(fig) == 4
    hidden.set_visible(False)
    assert style.smallest_text(fig) == 6
    assert style.phone_text_px(fig) == pytest.approx(6 / (5 * 72) * style.PHONE_FIGURE_PX)


def draws(fig, action) -> int:
    """How many times ``action(fig)`` draws ``fig``."""
    seen = []
    handler = fig.canvas.mpl_connect("draw_event", seen.append)
    action(fig)
    fig.canvas.mpl_disconnect(handler)
    return len(seen)


def legend_inside_and_text_outside():
    fig, ax = plt.subplots(figsize=(style.WIDTH, 3), layout="constrained")
    ax.plot([0, 1], label="line")
    ax.legend(fontsize=7, loc="upper left")
    outside = ax.annotate("outside", (1.6, 0.5), xycoords="figure fraction", fontsize=5)
    outside.set_in_layout(False)  # the layout would shrink the axes to reach it
    return fig


def test_svg_draws_no_more_than_saving_and_measures_the_layout_it_saved():
    """The smallest text is measured on the layout the save made (a legend kept inside
    counts, a text left outside the figure does not), with no draw of its own: a
    layout costs as much as the save."""
    saved = draws(legend_inside_and_text_outside(), lambda f: f.savefig(io.StringIO(), format="svg"))
    fig = legend_inside_and_text_outside()
    svg = []
    assert draws(fig, lambda f: svg.append(style.svg(f))) == saved
    assert float(style.SMALLEST_TEXT.search(svg[0]).group(1)) == 7 == style.smallest_text(fig)
    assert svg[0].count("smallest text:") == 1 and "MEASURED" not in svg[0]


def test_svg_records_its_smallest_text_and_is_what_glue_shows():
    fig, ax = plt.subplots(figsize=(style.WIDTH, 3))
    ax.set_xlabel("x", fontsize=11)
    svg = style.svg(fig)
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert re.search(r'width="360pt"', svg)  # 5 in
    assert float(style.SMALLEST_TEXT.search(svg).group(1)) == style.smallest_text(fig)
    again, ax = plt.subplots(figsize=(style.WIDTH, 3))  # the same figure, drawn afresh
    ax.set_xlabel("x", fontsize=11)
    assert style.SVGFigure(again)._repr_svg_() == svg
    assert "<dc:date>" not in svg  # the same figure gives the same file
