"""The lagged-effect model: placebo course, recovery of a known effect, seeding."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from valor import lagged

WEEKS = np.array([0.0, 8.0, 28.0, 52.0])


def model(**kw):
    base = dict(mean_slope=0.3, slope_sd=0.15, noise_sd=3.0)
    base.update(kw)
    return lagged.LaggedModel(**base)


# -- the placebo course -------------------------------------------------------------


def test_no_effect_gives_the_placebo_course_exactly():
    m = model(effect=0.0, delay=0.0)
    placebo = m.expected_change(WEEKS, start=None)
    np.testing.assert_allclose(placebo, [0.0, -2.4, -8.4, -15.6])  # 0.3 points a week
    np.testing.assert_array_equal(m.expected_change(WEEKS, start=0.0), placebo)
    np.testing.assert_array_equal(m.sd_change(WEEKS, start=0.0), m.sd_change(WEEKS, start=None))


def test_effect_that_never_acts_within_the_trial_gives_the_placebo_course():
    m = model(effect=0.8, delay=60.0)
    np.testing.assert_array_equal(m.expected_change(WEEKS), m.expected_change(WEEKS, None))


def test_no_effect_simulation_matches_placebo_course_within_monte_carlo_error():
    m = model(effect=0.0)
    treated, control = lagged.simulate_trial(m, 50, 50, WEEKS, n_sims=4000, seed=1)
    expected = m.expected_change(WEEKS, start=None)
    for arm in (treated, control):
        means = arm.mean(axis=(0, 1))
        mc_se = arm.std(axis=(0, 1)) / np.sqrt(arm.shape[0] * arm.shape[1])
        assert np.all(np.abs(means - expected) <= 4 * mc_se + 1e-12)
    # with no effect the test rejects about alpha of the time
    power = lagged.simulated_power(m, 39, 21, [28.0], n_sims=4000, seed=2)
    assert abs(power["power"].iloc[0] - 0.05) < 4 * np.sqrt(0.05 * 0.95 / 4000)


def test_calibration_reproduces_the_placebo_mean_and_sd():
    m = lagged.calibrate(placebo_change=-8.0, week=20.0, sd_change=6.0, noise_share=0.25)
    assert m.mean_slope == pytest.approx(0.4)
    assert m.expected_change(20.0, start=None) == pytest.approx(-8.0)
    assert m.sd_change(20.0, start=None) == pytest.approx(6.0)
    assert m.noise_sd**2 == pytest.approx(0.25 * 36.0)


# -- a known effect is recovered ---------------------------------------------------------


def test_disease_weeks_by_hand():
    m = model(effect=0.5, delay=8.0)
    # by week 28: 8 weeks at full speed, then 20 at half speed = 18 weeks of decline
    assert m.disease_weeks(28.0) == pytest.approx(18.0)
    # delayed start at week 28: no slowing before week 36, 16 half-speed weeks by 52
    assert m.disease_weeks(52.0, start=28.0) == pytest.approx(44.0)


def test_known_effect_is_recovered_by_simulation():
    truth = model(effect=0.5, delay=8.0)
    result = lagged.simulated_power(truth, 40, 40, [28.0, 52.0], n_sims=4000, seed=3)
    expected = truth.mean_slope * truth.effect * (np.array([28.0, 52.0]) - truth.delay)
    np.testing.assert_allclose(lagged.expected_difference(truth, [28.0, 52.0]), expected)
    assert np.all(np.abs(result["mean_difference"] - expected) <= 4 * result["difference_mc_se"])
    # the effect fraction estimated back from the simulated difference
    recovered = result["mean_difference"] / (truth.mean_slope * (np.array([28.0, 52.0]) - 8.0))
    np.testing.assert_allclose(recovered, 0.5, atol=0.03)


def test_simulated_power_agrees_with_analytic_power():
    m = model(effect=0.6, delay=4.0)
    result = lagged.simulated_power(m, 39, 21, [28.0, 52.0], n_sims=6000, seed=4)
    analytic = lagged.analytic_power(m, 39, 21, [28.0, 52.0])
    assert np.all(np.abs(result["power"] - analytic) <= 4 * result["power_mc_se"] + 0.005)


def test_power_falls_with_delay_and_rises_with_trial_length():
    m = model(effect=0.5)
    grid = lagged.power_grid(m, 39, 21, delays=[0, 12, 24], weeks=[28, 52], n_sims=2000, seed=5)
    at28 = grid[grid["week"] == 28].set_index("delay")["analytic_power"]
    at52 = grid[grid["week"] == 52].set_index("delay")["analytic_power"]
    assert at28[0] > at28[12] > at28[24]
    assert np.all(at52.values > at28.values)
    assert set(grid.columns) >= {"delay", "week", "power", "analytic_power", "expected_difference"}


def test_delayed_start_gap_stops_growing_once_both_groups_are_treated():
    m = model(effect=0.5, delay=8.0)
    gap = lagged.expected_difference(m, [36.0, 52.0, 100.0], control_start=28.0)
    # once the delayed group's slowing has begun, the gap is frozen at slope*effect*28
    np.testing.assert_allclose(gap, m.mean_slope * m.effect * 28.0)


def test_implied_delay():
    m = model(effect=0.5)
    # 0.3 * 0.5 * (28 - d) = 1.5  ->  d = 18
    assert lagged.implied_delay(m, 1.5, 28.0) == pytest.approx(18.0)
    assert np.isnan(lagged.implied_delay(m, 10.0, 28.0))  # more than the effect can give
    assert np.isnan(lagged.implied_delay(m.with_(effect=0.0), 1.5, 28.0))


# -- the test and the seeding --------------------------------------------------------------


def test_welch_test_matches_scipy():
    rng = np.random.default_rng(6)
    a = rng.normal(1.0, 2.0, size=(5, 30))
    b = rng.normal(0.0, 1.0, size=(5, 12))
    diff, se, p = lagged.welch_test(a, b, axis=1)
    for i in range(5):
        ref = stats.ttest_ind(a[i], b[i], equal_var=False)
        assert p[i] == pytest.approx(ref.pvalue, rel=1e-10)
        assert diff[i] / se[i] == pytest.approx(ref.statistic, rel=1e-10)


def test_seeded_runs_repeat_exactly_and_seeds_differ():
    m = model(effect=0.4, delay=6.0)
    one = lagged.simulate_trial(m, 10, 5, WEEKS, n_sims=50, seed=7)
    two = lagged.simulate_trial(m, 10, 5, WEEKS, n_sims=50, seed=7)
    other = lagged.simulate_trial(m, 10, 5, WEEKS, n_sims=50, seed=8)
    for x, y in zip(one, two, strict=True):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(one[0], other[0])
    g1 = lagged.power_grid(m, 10, 5, [0, 6], [28], n_sims=200, seed=9)
    g2 = lagged.power_grid(m, 10, 5, [0, 6], [28], n_sims=200, seed=9)
    assert g1.equals(g2)


def test_invalid_parameters_are_refused():
    with pytest.raises(ValueError):
        model(effect=1.5)
    with pytest.raises(ValueError):
        model(delay=-1.0)
    with pytest.raises(ValueError):
        lagged.calibrate(-8.0, 28.0, 8.0, noise_share=2.0)
