"""What each figure draws, read back from the figure and checked against the data tables
and independent computations (issue 17): points, error-bar ends, curve values, axis
scales, tick labels and legend entries.

The tests look for the data anywhere in the figure (any axes, any line or collection),
not at a given artist or position, so a re-drawing for legibility keeps them valid while
a figure that draws the wrong numbers fails.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # tests only; notebooks keep the inline backend

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import LineCollection
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from scipy import stats as st
from statsmodels.stats.power import TTestIndPower

from valor import assumptions, data, fmt, labels, synthetic
from valor.analysis import biomarkers, power, primary
from valor.figures import background as fig_background
from valor.figures import biomarkers as fig_biomarkers
from valor.figures import design as fig_design
from valor.figures import extension as fig_extension
from valor.figures import power as fig_power
from valor.figures import primary as fig_primary
from valor.figures import regulatory as fig_regulatory
from valor.figures import synthetic as fig_synthetic

Z975 = st.norm.ppf(0.975)


# -- reading a figure back ---------------------------------------------------------------


def xy(ax, line) -> tuple[np.ndarray, np.ndarray]:
    """A line's data as numbers (dates as Matplotlib's day numbers)."""
    x = np.asarray(ax.convert_xunits(list(line.get_xdata())), float)
    return x, np.asarray(ax.convert_yunits(list(line.get_ydata())), float)


def curves(fig, min_points: int = 2) -> list[tuple[np.ndarray, np.ndarray]]:
    """(x, y) of every line of at least ``min_points`` points, in any axes."""
    found = []
    for ax in fig.axes:
        for line in ax.get_lines():
            x, y = xy(ax, line)
            if x.size >= min_points:
                found.append((x, y))
    return found


def marked_points(fig) -> list[tuple[float, float]]:
    """Every vertex drawn with a marker (estimates, simulated points), in any axes."""
    points = []
    for ax in fig.axes:
        for line in ax.get_lines():
            if line.get_marker() in (None, "None", "", " ", "|", "_"):
                continue
            x, y = xy(ax, line)
            points += list(zip(x.tolist(), y.tolist(), strict=True))
    return points


def segments(fig) -> list[tuple[float, float, float, float]]:
    """(x0, y0, x1, y1) of every straight segment of a line collection (error bars, hlines)."""
    found = []
    for ax in fig.axes:
        for collection in ax.collections:
            if isinstance(collection, LineCollection):
                for seg in collection.get_segments():
                    if len(seg) == 2:
                        (x0, y0), (x1, y1) = seg
                        found.append((float(x0), float(y0), float(x1), float(y1)))
    return found


def horizontal_spans(fig) -> list[tuple[float, float, float]]:
    """(low, high, y) of every horizontal segment: a whisker of a horizontal error bar."""
    return [(min(x0, x1), max(x0, x1), y0) for x0, y0, x1, y1 in segments(fig) if y0 == y1 and x0 != x1]


def vertical_spans(fig) -> list[tuple[float, float, float]]:
    """(low, high, x) of every vertical segment."""
    return [(min(y0, y1), max(y0, y1), x0) for x0, y0, x1, y1 in segments(fig) if x0 == x1 and y0 != y1]


def has_span(spans, low, high, tol=1e-9) -> bool:
    return any(abs(a - low) <= tol and abs(b - high) <= tol for a, b, _ in spans)


def legend_texts(fig) -> list[str]:
    legends = [ax.get_legend() for ax in fig.axes] + list(fig.legends)
    return [t.get_text() for legend in legends if legend is not None for t in legend.get_texts()]


def densest_curve(fig):
    return max(curves(fig), key=lambda xy: xy[0].size)


# -- the primary endpoint -----------------------------------------------------------------


def test_primary_result_whiskers_end_at_the_published_ci(alsfrs):
    fig = fig_primary.primary_result(alsfrs)
    spans = horizontal_spans(fig)
    points = marked_points(fig)
    differences = alsfrs[alsfrs["comparison"] == "difference"]
    with_ci = differences.dropna(subset=["ci_low"])
    assert len(with_ci) >= 1
    for row in with_ci.itertuples():
        assert has_span(spans, row.ci_low, row.ci_high), (
            f"{row.population}: no whisker {row.ci_low} to {row.ci_high}"
        )
        y = next(y for lo, hi, y in spans if abs(lo - row.ci_low) < 1e-9 and abs(hi - row.ci_high) < 1e-9)
        assert any(abs(px - row.estimate) < 1e-9 and py == y for px, py in points), (
            "estimate not on its whisker"
        )
    for row in differences[differences["ci_low"].isna()].itertuples():  # drawn without a CI
        assert any(abs(px - row.estimate) < 1e-9 for px, _ in points)
    for arm in ("tofersen", "placebo"):
        for value in alsfrs.loc[alsfrs["comparison"] == arm, "estimate"]:
            assert any(abs(px - value) < 1e-9 for px, _ in points), f"{arm} {value} not drawn"
    assert {"Tofersen", "Placebo"} <= set(legend_texts(fig))


def test_compatibility_curve_is_1_at_the_estimate_and_005_at_the_ci_ends(alsfrs, faster):
    row = alsfrs[(alsfrs["population"] == "faster") & (alsfrs["comparison"] == "difference")].iloc[0]
    se = (row.ci_high - row.ci_low) / (2 * Z975)  # worked here from the published CI
    estimate = float(row.estimate)
    fig = fig_primary.compatibility_curve(faster)
    x, p = densest_curve(fig)
    order = np.argsort(x)
    x, p = x[order], p[order]
    assert np.interp(estimate, x, p) == pytest.approx(1.0, abs=1e-3)
    assert x[np.argmax(p)] == pytest.approx(estimate, abs=(x[1] - x[0]))
    for end in (estimate - Z975 * se, estimate + Z975 * se):
        assert np.interp(end, x, p) == pytest.approx(0.05, abs=1e-3)
    # the whole curve is the normal two-sided P, the drawn CI is 2 z SE wide at P = 0.05
    assert p == pytest.approx(2 * st.norm.sf(np.abs(x - estimate) / se), abs=1e-9)
    ci_bar = [(lo, hi) for lo, hi, y in horizontal_spans(fig) if y == pytest.approx(0.05)]
    assert len(ci_bar) == 1 and ci_bar[0][1] - ci_bar[0][0] == pytest.approx(
        row.ci_high - row.ci_low, rel=1e-9
    )
    implied = 2 * st.norm.sf(estimate / se)
    assert any(px == 0 and py == pytest.approx(implied, abs=1e-9) for px, py in marked_points(fig))
    reported = float(alsfrs.loc[alsfrs["comparison"] == "tofersen vs placebo", "p_value"].iloc[0])
    # the reported P stands in a panel of its own, beside the curve, not on it
    assert any(py == pytest.approx(reported) for _, py in marked_points(fig))
    assert not any(x.size == 2 and np.allclose(y, reported) for x, y in curves(fig))


# -- power and sample size ------------------------------------------------------------------


def oracle_power(delta, sd, n1, n2):
    return TTestIndPower().power(effect_size=np.asarray(delta) / sd, nobs1=n1, alpha=0.05, ratio=n2 / n1)


def test_power_curve_draws_the_t_test_power_and_the_simulated_points(faster):
    check = power.power_check(faster, deltas=[0.0, 2.0, 4.0, 6.0, 8.0])
    fig = fig_power.power_curve(check, faster)
    drawn = [(x, y) for x, y in curves(fig) if x.size == 5]
    analytic = oracle_power(check.table["delta"].to_numpy(), faster.sd, faster.n_tofersen, faster.n_placebo)
    assert any(np.allclose(y, analytic, atol=1e-6) for _, y in drawn)
    bars = vertical_spans(fig)
    for row in check.table.itertuples():
        centre, half = row.simulated, 2 * row.mc_se
        assert any(
            abs(x - row.delta) < 1e-9
            and lo == pytest.approx(centre - half)
            and hi == pytest.approx(centre + half)
            for lo, hi, x in bars
        ), f"no ±2 MC SE bar at {row.delta}"
        assert row.simulated == pytest.approx(
            oracle_power(row.delta, faster.sd, 39, 21), abs=4 * row.mc_se + 1e-3
        )
    observed = [x for x, y in curves(fig) if x.size == 2 and x[0] == x[1]]
    assert any(x[0] == pytest.approx(faster.difference) for x in observed)


def test_sample_size_curve_draws_the_smallest_trials(faster):
    table = power.sample_size_curve(faster, [3.0, 5.0, 8.0])
    fig = fig_power.sample_size_curve(table, faster)
    drawn = curves(fig)
    for column in table.columns.drop("delta"):
        assert any(
            np.array_equal(x, table["delta"].to_numpy(float))
            and np.array_equal(y, table[column].to_numpy(float))
            for x, y in drawn
        ), f"{column} not drawn"
        assert column in legend_texts(fig)
    # an independent check of what is drawn: each total reaches its power, one fewer
    # placebo participant does not (2:1)
    target = [c for c in table.columns if "80" in c][0]
    for delta, total in zip(table["delta"], table[target], strict=True):
        n_placebo = int(total) // 3
        assert oracle_power(delta, faster.sd, 2 * n_placebo, n_placebo) >= 0.8
        assert oracle_power(delta, faster.sd, 2 * (n_placebo - 1), n_placebo - 1) < 0.8
    assert any(np.allclose(y, faster.n) for x, y in drawn if x.size == 2)
    assert fig.axes[0].get_yscale() == "log"


def test_trial_length_and_enrichment_curves_draw_their_tables(faster, alsfrs):
    length = power.trial_length(faster, weeks=[28, 40, 52])
    fig = fig_power.trial_length_curves(length, faster)
    weeks = length.curves["week"].to_numpy(float)
    for share in length.curves.columns.drop("week"):
        assert any(
            np.array_equal(x, weeks) and np.allclose(y, length.curves[share]) for x, y in curves(fig, 3)
        )
    assert len(legend_texts(fig)) == len(length.curves.columns) - 1
    assert any(x.size == 2 and np.all(x == faster.week) for x, _ in curves(fig))  # VALOR's week marked
    enrichment = power.enrichment(faster, primary.stratum_changes(alsfrs), data.load("enrolment"))
    fig = fig_power.enrichment_curves(enrichment)
    slowing = 100 * enrichment.curves["slowing"].to_numpy(float)
    for design, label in power.ENRICHMENT_DESIGNS.items():
        assert any(
            np.allclose(x, slowing) and np.allclose(y, enrichment.curves[design]) for x, y in curves(fig, 3)
        )
        assert label in legend_texts(fig)


# -- biomarkers --------------------------------------------------------------------------------


def test_within_vs_relative_bars_are_the_summary_in_percent():
    summary = biomarkers.biomarker_summary(data.load("biomarker_week28"))
    fig = fig_biomarkers.within_vs_relative(summary)
    heights = sorted(round(bar.get_height(), 9) for ax in fig.axes for bar in ax.patches)
    expected = []
    for row in summary[summary["biomarker"].isin(["csf_sod1", "plasma_nfl"])].itertuples():
        expected += [100 * row.placebo_change, 100 * row.tofersen_change, 100 * (row.reported_ratio - 1)]
    assert heights == pytest.approx(sorted(expected), abs=1e-9)
    assert len({ax.get_ylim() for ax in fig.axes}) == 1  # both biomarkers on one scale


def test_lag_figures_draw_the_model_and_its_grid(faster):
    lag = biomarkers.lag_power(faster)
    fig = fig_biomarkers.power_vs_delay(lag)
    for week, part in lag.grid.groupby("week"):
        part = part.sort_values("delay")
        delays = part["delay"].to_numpy(float)
        drawn = [(x, y) for x, y in curves(fig) if np.array_equal(x, delays)]
        assert any(np.allclose(y, part["analytic_power"]) for _, y in drawn), f"week {week}: no analytic line"
        assert any(np.allclose(y, part["power"]) for _, y in drawn), f"week {week}: no simulated points"
    assert {f"week {w:g}" for w in lag.lengths} <= set(legend_texts(fig))
    fig = fig_biomarkers.lag_courses(lag)
    model = lag.model
    x, y = next((x, y) for x, y in curves(fig, 50) if np.allclose(y, -model.mean_slope * x))
    assert x.max() == pytest.approx(lag.lengths[-1])  # placebo: untreated decline throughout
    for delay in lag.examples:
        acting = np.clip(x - delay, 0, None)  # worked here: slowing by `effect` after `delay`
        expected = -model.mean_slope * (x - model.effect * acting)
        assert any(np.allclose(yy, expected) for xx, yy in curves(fig, 50)), f"no course for delay {delay}"


# -- extension and regulatory ---------------------------------------------------------------


def test_ole_forest_whiskers_end_at_each_ci():
    w52 = data.load("ole_week52")
    fig = fig_extension.ole_forest(w52)
    rows = fig_extension.forest_rows(w52)
    spans = horizontal_spans(fig)
    for row in rows.itertuples():
        assert has_span(spans, row.ci_low, row.ci_high), f"{row.endpoint}: whisker not at its CI"
        assert any(abs(px - row.estimate) < 1e-9 for px, _ in marked_points(fig))
    verified = w52[(w52["verified"] == "yes") & (w52["comparison"] == "difference") & w52["ci_low"].notna()]
    assert len(rows) == len(verified) == len(fig.axes)  # every verified interval is drawn
    # right of zero favours early start on every row: each estimate lies right of zero on screen
    for ax, row in zip(fig.axes, rows.itertuples(), strict=True):
        at_estimate, at_zero = (ax.transData.transform((x, 0))[0] for x in (row.estimate, 0.0))
        assert at_estimate > at_zero, f"{row.endpoint}: early start's advantage is not drawn to the right"


def test_hazard_ratio_forest_whiskers_and_log_scale():
    hazard_ratios = data.load("hazard_ratios")
    fig = fig_extension.hazard_ratio_forest(hazard_ratios)
    spans = horizontal_spans(fig)
    estimable = hazard_ratios[hazard_ratios["estimable"] == "yes"]
    for row in estimable.itertuples():
        assert has_span(spans, row.ci_low, row.ci_high)
        assert any(abs(px - row.estimate) < 1e-9 for px, _ in marked_points(fig))
    assert len(spans) == len(estimable)
    assert fig.axes[0].get_xscale() == "log"
    assert any(x.size == 2 and np.all(x == 1) for x, _ in curves(fig))  # no effect marked at HR 1


def test_trajectories_join_values_of_one_cut_and_share_their_scale():
    alsfrs28, oct2021 = data.load("alsfrs_week28"), data.load("ole_oct2021")
    fig = fig_extension.delayed_start_trajectories(
        alsfrs28, oct2021, data.load("ole_week52"), data.load("ole_longterm")
    )
    lines = curves(fig, 3)
    for population in ("faster", "slower"):
        ext = oct2021[(oct2021["endpoint"] == "alsfrs_r") & (oct2021["population"] == population)]
        for group, arm in (("early start", "tofersen"), ("delayed start", "placebo")):
            at28 = alsfrs28[(alsfrs28["population"] == population) & (alsfrs28["comparison"] == arm)][
                "estimate"
            ]
            value = ext[ext["comparison"] == group]
            expected = (0.0, float(at28.iloc[0]), float(value["estimate"].iloc[0]))
            assert any(np.allclose(y, expected) and x[1] == 28 for x, y in lines), f"{population} {group}"
    assert len({ax.get_ylim() for ax in fig.axes}) == 1  # the panels are compared: one scale


def test_regulatory_timeline_puts_each_event_at_its_date():
    timeline = data.load("regulatory_timeline")
    fig = fig_regulatory.regulatory_timeline(timeline, data.load("design"))
    # the time axis may run across or down the figure: dates on either coordinate
    xs = {round(v, 6) for point in marked_points(fig) for v in point}
    for row in timeline.itertuples():
        day = 15 if pd.isna(row.day) else int(row.day)  # a month-only event: its middle, hollow
        date = matplotlib.dates.date2num(pd.Timestamp(int(row.year), int(row.month), day))
        assert any(abs(x - date) <= 16 for x in xs), f"{row.label}: nothing drawn near {row.year}-{row.month}"


# -- the diagrams --------------------------------------------------------------------------


def boxes(ax) -> list[tuple[FancyBboxPatch, str]]:
    """Every rounded box of a diagram with the text written inside it."""
    found = []
    for box in (p for p in ax.patches if isinstance(p, FancyBboxPatch)):
        x0, y0 = box.get_x(), box.get_y()
        x1, y1 = x0 + box.get_width(), y0 + box.get_height()
        inside = [
            t.get_text()
            for t in ax.texts
            if x0 <= t.get_position()[0] <= x1 and y0 <= t.get_position()[1] <= y1
        ]
        assert len(inside) == 1, f"a box at ({x0:.2f}, {y0:.2f}) holds {len(inside)} texts"
        found.append((box, " ".join(inside[0].split())))
    return found


def edge_style(patch) -> tuple[str, str]:
    return matplotlib.colors.to_hex(patch.get_edgecolor()), patch.get_linestyle()


def test_mechanism_diagram_draws_the_pathway_in_order_and_names_what_valor_measured():
    fig = fig_background.mechanism_diagram()
    ax = fig.axes[0]
    legend = {
        (matplotlib.colors.to_hex(h.get_color()), h.get_linestyle()): t.get_text()
        for h, t in zip(fig.legends[0].legend_handles, fig.legends[0].get_texts(), strict=True)
    }
    drawn = boxes(ax)
    kinds = {}
    for box, text in drawn:  # every box in a style the key explains, and every key entry used
        kinds.setdefault(legend[edge_style(box)], []).append((box.get_y(), text))
    assert set(kinds) == set(legend.values())
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    assert arrows and all(edge_style(a) in legend for a in arrows)
    # the disease pathway runs from the gene down to the injured neurons
    pathway = [text for _, text in sorted(kinds["disease pathway"], reverse=True)]
    for step, words in enumerate(("gene", "mRNA", "protein", "neurons")):
        assert words in pathway[step], (
            f"step {step + 1} of the pathway should be about the {words}: {pathway}"
        )
    # what VALOR measured: each biomarker of the week-28 table, by its abbreviation
    measured = " ".join(text for _, text in kinds["what VALOR measured"])
    for biomarker in data.load("biomarker_week28")["biomarker"].unique():
        assert labels.ENDPOINTS[biomarker].split()[-1] in measured, biomarker
    texts = [t.get_text() for t in ax.texts]
    assert any(labels.ENDPOINTS["alsfrs_r"] in t for t in texts)  # the clinical endpoint comes last
    # a schematic: no numbers, only names that contain digits
    assert not [t for t in texts if re.search(r"\d", re.sub(r"SOD1|ALSFRS-R", "", t))]


def test_enrolment_flow_boxes_give_each_count_of_the_enrolment_table():
    enrolment = data.load("enrolment")
    n = {(r.population, r.arm): int(r.n) for r in enrolment.itertuples()}
    drawn = boxes(fig_design.enrolment_flow(enrolment).axes[0])

    def centre(box):
        return box.get_x() + box.get_width() / 2

    top = next(text for _, text in drawn if text.startswith("Randomised"))
    assert f"n = {n['all', 'both']}" in top
    for arm in ("tofersen", "placebo"):
        assert f"{arm} n = {n['all', arm]}" in top
    for population in ("faster", "slower"):
        stratum, text = next((b, t) for b, t in drawn if t.lower().startswith(population))
        assert text.endswith(f"n = {n[population, 'both']}")
        below = {  # the arm boxes under this stratum's box
            t.split()[0].lower(): t
            for b, t in drawn
            if b.get_y() < stratum.get_y()
            and stratum.get_x() <= centre(b) <= stratum.get_x() + stratum.get_width()
        }
        assert below == {
            arm: f"{arm.capitalize()} n = {n[population, arm]}" for arm in ("tofersen", "placebo")
        }


def test_dosing_timeline_marks_each_dose_on_its_week_and_the_endpoint():
    schedule, design = data.load("dosing_schedule"), data.load("design")
    fig = fig_design.dosing_timeline(schedule, design)
    ax = fig.axes[0]
    drawn = sorted(x for x, _ in marked_points(fig))
    # study day 1 is week 0, worked here from the days of the schedule
    assert drawn == pytest.approx(sorted((schedule["study_day"] - 1) / 7))
    per_phase = schedule["phase"].value_counts()
    assert set(legend_texts(fig)) >= {f"{phase} dose ({count})" for phase, count in per_phase.items()}
    endpoint = data.parameter(design, "primary_endpoint_week")
    assert any(np.all(x == endpoint) for x, _ in curves(fig))  # the endpoint's line
    treatment = next(p for p in ax.patches if p.get_label().startswith("treatment period"))
    x0, x1 = sorted(
        ax.transData.inverted().transform(treatment.get_window_extent(fig.canvas.get_renderer()))[:, 0]
    )
    assert (x0, x1) == pytest.approx((0, data.parameter(design, "treatment_weeks")), abs=1e-6)
    low, high = ax.get_xlim()
    assert low < 0 and high > endpoint  # every dose and the endpoint in view
    assert [t.get_text() for t in ax.get_xticklabels()][-1] == f"{endpoint:.0f}"


# -- simulated courses ------------------------------------------------------------------------


def test_design_trajectories_draw_each_simulated_course_and_the_placebo_decline(faster):
    courses = power.simulated_trajectories(faster)
    fig = fig_power.trajectories(courses, faster)
    assert len(fig.axes) == len(courses.shares)
    slope = -faster.placebo_decline / faster.week  # the placebo arm's mean decline per week
    for ax, share in zip(fig.axes, courses.shares, strict=True):
        lines = [xy(ax, line) for line in ax.get_lines()]
        for person, course in courses.courses[courses.courses["share"] == share].groupby("person"):
            assert any(
                np.array_equal(x, course["week"]) and np.allclose(y, course["change"]) for x, y in lines
            ), f"share {share}: person {person} not drawn"
        assert any(x.size == 2 and np.allclose(y, slope * x) for x, y in lines), "no mean decline"
        assert fmt.percent(share) in ax.get_title(loc="left")
    assert len({(ax.get_xlim(), ax.get_ylim()) for ax in fig.axes}) == 1  # the panels are compared
    everyone = courses.courses[courses.courses["share"] == max(courses.shares)]
    rates = everyone[everyone["week"] > 0].eval("change / week").groupby(everyone["person"])
    assert len(rates) > 1 and np.allclose(rates.std(), 0, atol=1e-9)  # all rates, no noise: straight lines
    assert f"({courses.courses['person'].nunique()} per panel)" in " ".join(legend_texts(fig))


@pytest.fixture(scope="module")
def synthetic_trial():
    return synthetic.generate(synthetic.published_targets())


def test_synthetic_trajectories_draw_every_visit_the_mean_and_the_last_visit_before_an_event(synthetic_trial):
    week = 28
    fig = fig_synthetic.trajectories(synthetic_trial, week)
    faster = synthetic_trial[synthetic_trial["stratum"] == "faster"]
    visits = sorted((c for c in faster.columns if re.fullmatch(r"alsfrs_w\d+", c)), key=lambda c: int(c[8:]))
    weeks = np.array([0.0, *(float(c.removeprefix("alsfrs_w")) for c in visits)])
    for ax, arm in zip(fig.axes, synthetic.ARMS, strict=True):
        people = faster[faster["arm"] == arm]
        # worked here from the wide table: each participant's change at the visits observed
        changes = people[visits].to_numpy(float) - people[["baseline_alsfrs"]].to_numpy(float)
        changes = np.column_stack([np.zeros(len(people)), changes])
        lines = [xy(ax, line) for line in ax.get_lines()]
        for row in changes:
            seen = ~np.isnan(row)
            assert any(np.array_equal(x, weeks[seen]) and np.allclose(y, row[seen]) for x, y in lines)
        mean = np.nanmean(changes, axis=0)
        assert any(np.array_equal(x, weeks) and np.allclose(y, mean) for x, y in lines), f"{arm}: no mean"
        had_event = people[list(synthetic.EVENT_COLUMNS.values())].notna().any(axis=1).to_numpy()
        last = [(weeks[~np.isnan(r)][-1], r[~np.isnan(r)][-1]) for r in changes[had_event]]
        crosses = [
            (x, y)
            for line in ax.get_lines()
            if line.get_marker() == "x"
            for x, y in zip(*xy(ax, line), strict=True)
        ]
        assert len(crosses) == len(last) and np.allclose(sorted(crosses), sorted(last))
        assert f"({len(people)} synthetic participants)" in ax.get_title(loc="left")
        assert any(x.size == 2 and np.all(x == week) for x, _ in lines)  # the endpoint's week
        assert fig_synthetic.STAMP in [t.get_text() for t in ax.texts]
    assert len({ax.get_ylim() for ax in fig.axes}) == 1


def step_heights(outline, edges) -> list[float]:
    """The height of each bin of a step histogram, read from its outline: the horizontal
    segment from the bin's left edge to its right edge."""
    vertices = outline.get_path().vertices
    heights = []
    for left, right in zip(edges[:-1], edges[1:], strict=True):
        tops = [
            y0
            for (x0, y0), (x1, y1) in zip(vertices[:-1], vertices[1:], strict=True)
            if np.isclose(x0, left) and np.isclose(x1, right) and y0 == y1
        ]
        assert len(tops) == 1, f"no single top for the bin {left:.3f} to {right:.3f}"
        heights.append(tops[0])
    return heights


def test_replicate_differences_histograms_count_the_trials_and_mark_the_three_values():
    rng = np.random.default_rng(7)
    differences = pd.DataFrame(
        {"complete cases": rng.normal(1, 1, 300), "full data": rng.normal(1.2, 0.8, 300)}
    )
    fig = fig_synthetic.replicate_differences(differences, 1.16, 1.2, 3.1)
    ax = fig.axes[0]
    edges = np.linspace(differences.min().min(), differences.max().max(), 40)
    for column, filled in (("full data", True), ("complete cases", False)):
        counts, _ = np.histogram(differences[column], bins=edges)
        outline = next(p for p in ax.patches if p.get_fill() == filled)
        assert step_heights(outline, edges) == pytest.approx(counts), column
    marked = sorted(x[0] for x, _ in curves(fig) if x.size == 2 and x[0] == x[1])
    assert marked == [1.16, 1.2, 3.1]
    assert sum("300 synthetic trials" in t for t in legend_texts(fig)) == 2


# -- biomarkers over time -------------------------------------------------------------------


def test_biomarker_time_course_puts_read_points_hollow_and_tabulated_week_28_values_filled():
    timecourse, week28 = data.load("biomarker_timecourse"), data.load("biomarker_week28")
    fig = fig_biomarkers.biomarker_time_course(timecourse, week28)
    titles = {ax.get_title(loc="left"): ax for ax in fig.axes}
    for biomarker in fig_biomarkers.BIOMARKERS:
        for population in fig_biomarkers.STRATA:
            ax = titles[f"{labels.ENDPOINTS[biomarker]}, {population}"]
            hollow, filled = [], []
            for line in ax.get_lines():
                if line.get_marker() in (None, "None", ""):
                    continue
                points = list(zip(*xy(ax, line), strict=True))
                (hollow if line.get_markerfacecolor() == "white" else filled).extend(points)
            read = timecourse[
                (timecourse["biomarker"] == biomarker) & (timecourse["population"] == population)
            ]
            assert sorted(hollow) == sorted(
                zip(read["week"].astype(float), read["ratio_to_baseline"], strict=True)
            )
            tabulated = week28[
                (week28["biomarker"] == biomarker)
                & (week28["population"] == population)
                & week28["comparison"].isin(["tofersen", "placebo"])
            ]
            assert sorted(filled) == sorted((28.0, float(v)) for v in tabulated["estimate"])
            starts = [y[0] for x, y in curves(fig) if x[0] == 0]
            assert starts and all(v == 1 for v in starts)  # baseline is 1 by definition
            low, high = ax.get_ylim()
            assert low < min(v for _, v in hollow + filled) and max(v for _, v in hollow + filled) < high
    assert len({ax.get_ylim() for ax in fig.axes}) == 1
    assert {"tofersen", "placebo", "read by eye (approximate)", "tabulated (week 28)"} <= set(
        legend_texts(fig)
    )


# -- the helpers the figures share -------------------------------------------------------------


def test_power_lines_draws_each_curve_the_target_and_the_marked_value():
    x = np.linspace(0, 10, 21)
    curves_in = {"steep": 1 - np.exp(-x), "shallow": x / 10}
    fig = fig_power.power_lines(x, curves_in, xlabel="x", vline=4.0, vline_label="here", title="Lines:")
    drawn = curves(fig)
    for label, y in curves_in.items():
        assert any(np.allclose(xx, x) and np.allclose(yy, y) for xx, yy in drawn), label
    assert any(np.all(y == assumptions.TARGET_POWER) for _, y in drawn if y.size == 2)
    assert any(np.all(xx == 4.0) for xx, _ in drawn if xx.size == 2)
    assert legend_texts(fig) == list(curves_in)
    assert fig.legends[0].get_title().get_text() == "Lines:"
    low, high = fig.axes[0].get_ylim()
    assert low == 0 and 1 <= high < 1.1  # all of power, 0 to 100%, and no more
    ax = fig.axes[0]
    ax.figure.canvas.draw()
    shown = [
        t.get_text() for t, y in zip(ax.get_yticklabels(), ax.get_yticks(), strict=True) if 0 <= y <= 1.02
    ]
    assert shown == ["0%", "20%", "40%", "60%", "80%", "100%"]


def test_valor_period_runs_from_the_first_to_the_last_day_of_the_trial_months():
    design = data.load("design")
    start, end = fig_regulatory.valor_period(design)
    year, month = int(data.parameter(design, "start_year")), int(data.parameter(design, "start_month"))
    assert start == pd.Timestamp(year, month, 1).date()
    year, month = int(data.parameter(design, "end_year")), int(data.parameter(design, "end_month"))
    assert end == (pd.Timestamp(year, month, 1) + pd.offsets.MonthEnd(0)).date()
    fig = fig_regulatory.regulatory_timeline(data.load("regulatory_timeline"), design)
    assert any(f"{start:%b %Y} – {end:%b %Y}" in t.get_text() for t in fig.axes[0].texts)


def test_spread_keeps_labels_in_order_apart_and_in_range():
    assert fig_regulatory.spread([1.0, 5.0, 9.0], 2.0, 0.0, 10.0) == [1.0, 5.0, 9.0]  # room enough
    placed = fig_regulatory.spread([0.0, 0.5, 1.0, 9.9], 2.0, 0.0, 10.0)
    assert placed == pytest.approx([0.0, 2.0, 4.0, 9.9])
    crowded = fig_regulatory.spread([8.0, 8.5, 9.0, 9.5], 1.5, 0.0, 10.0)
    assert crowded[-1] <= 10.0 and np.all(np.diff(crowded) >= 1.5 - 1e-12)
    assert crowded == pytest.approx([5.5, 7.0, 8.5, 10.0])


# -- every figure function has a content test ----------------------------------------------------


def public_figure_functions() -> list[tuple[str, str]]:
    """(module, function) of every public top-level function in ``valor/figures``."""
    found = []
    for path in sorted((Path(fig_primary.__file__).parent).glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found += [
            (path.stem, node.name)
            for node in tree.body
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
        ]
    return found


def test_every_public_figure_function_has_a_content_test_here():
    """A new figure function fails here until a test in this file calls it as
    ``fig_<module>.<function>(`` and reads back what it draws."""
    source = Path(__file__).read_text(encoding="utf-8")
    functions = public_figure_functions()
    assert len(functions) > 20  # the listing itself works
    untested = [f"valor.figures.{m}.{f}" for m, f in functions if f"fig_{m}.{f}(" not in source]
    assert not untested, "figure functions without a content test: " + ", ".join(untested)
