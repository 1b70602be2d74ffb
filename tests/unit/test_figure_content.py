"""What each figure draws, read back from the figure and checked against the data tables
and independent computations (issue 17): points, error-bar ends, curve values, axis
scales, tick labels and legend entries.

The tests look for the data anywhere in the figure (any axes, any line or collection),
not at a given artist or position, so a re-drawing for legibility keeps them valid while
a figure that draws the wrong numbers fails.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # tests only; notebooks keep the inline backend

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import LineCollection
from scipy import stats as st
from statsmodels.stats.power import TTestIndPower

from valor import data
from valor.analysis import biomarkers, power, primary
from valor.figures import biomarkers as fig_biomarkers
from valor.figures import extension as fig_extension
from valor.figures import power as fig_power
from valor.figures import primary as fig_primary
from valor.figures import regulatory as fig_regulatory

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
    assert len(rows) == len(verified)


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
