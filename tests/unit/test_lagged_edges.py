"""valor.lagged at its edges: argument checks and their messages, the defaults, a
delayed-start control arm (simulated and analytic, against the model worked here), the
Monte-Carlo SEs as their formulas, the grid's settings and layout, and the implied delay
at its boundaries (issue 17)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as st

from valor import lagged

MODEL = lagged.LaggedModel(mean_slope=0.3, slope_sd=0.12, noise_sd=2.0, effect=0.6, delay=8.0)


def test_model_checks_name_the_value():
    with pytest.raises(ValueError, match=r"^effect is a fraction of the slope \(0 to 1\), got 1.5$"):
        MODEL.with_(effect=1.5)
    with pytest.raises(ValueError, match=r"^delay must not be negative, got -1$"):
        MODEL.with_(delay=-1)
    with pytest.raises(ValueError, match=r"^slope_sd and noise_sd must not be negative$"):
        MODEL.with_(noise_sd=-0.1)


def test_array_parameters_broadcast_and_are_checked_element_by_element():
    effects, delays = np.array([0.0, 0.6, 1.0]), np.array([[0.0], [8.0]])
    grid = lagged.analytic_power(MODEL.with_(effect=effects, delay=delays), 30, 25, [40], 0.05)
    assert grid.shape == (2, 3)
    for i, delay in enumerate(delays[:, 0]):
        for j, effect in enumerate(effects):
            one = lagged.analytic_power(MODEL.with_(effect=effect, delay=delay), 30, 25, [40], 0.05)
            assert grid[i, j] == one[0]
    with pytest.raises(ValueError, match=r"^effect is a fraction of the slope"):
        MODEL.with_(effect=np.array([0.2, 1.2]))
    with pytest.raises(ValueError, match=r"^delay must not be negative"):
        MODEL.with_(delay=np.array([4.0, -0.5]))


def test_model_repr_shows_every_parameter():
    assert repr(MODEL) == "LaggedModel(mean_slope=0.3, slope_sd=0.12, noise_sd=2, effect=0.6, delay=8)"


def test_calibrate_defaults_and_ends():
    half = lagged.calibrate(-6.0, 28, 8.0)  # default: half the variance is visit noise
    assert half.noise_sd**2 == pytest.approx(32.0, rel=1e-12)
    assert (half.slope_sd * 28) ** 2 == pytest.approx(32.0, rel=1e-12)
    all_noise = lagged.calibrate(-6.0, 28, 8.0, noise_share=1.0)
    assert all_noise.slope_sd == 0 and all_noise.noise_sd == pytest.approx(8.0)
    with pytest.raises(ValueError, match=r"^noise_share is a share of the variance \(0 to 1\)$"):
        lagged.calibrate(-6.0, 28, 8.0, noise_share=1.01)
    with pytest.raises(ValueError, match=r"^week must be positive$"):
        lagged.calibrate(-6.0, 0, 8.0)


def test_simulate_trial_defaults_and_a_delayed_start_control():
    treated, control = lagged.simulate_trial(MODEL, 30, 20, [28])
    assert treated.shape == (2000, 30, 1) and control.shape == (2000, 20, 1)
    again = lagged.simulate_trial(MODEL, 30, 20, [28], n_sims=2000, seed=0)
    assert np.array_equal(treated, again[0]) and np.array_equal(control, again[1])
    weeks = [20, 40, 60]
    treated, delayed = lagged.simulate_trial(MODEL, 50, 50, weeks, n_sims=400, seed=3, control_start=28.0)
    # the delayed-start arm slows from week 28 + 8: 4 weeks by week 40, 24 by week 60
    expected = [-0.3 * 20, -0.3 * (40 - 0.6 * 4), -0.3 * (60 - 0.6 * 24)]
    assert delayed.mean(axis=(0, 1)) == pytest.approx(expected, abs=0.15)
    assert treated.mean(axis=(0, 1))[2] == pytest.approx(-0.3 * (60 - 0.6 * 52), abs=0.15)


def worked_welch_power(model, n1, n2, week, control_start, alpha):
    def disease(start):
        return week if start is None else week - model.effect * max(week - start - model.delay, 0)

    def variance(start):
        return (model.slope_sd * disease(start)) ** 2 + model.noise_sd**2

    diff = model.mean_slope * (disease(control_start) - disease(0.0))
    va, vb = variance(0.0) / n1, variance(control_start) / n2
    df = (va + vb) ** 2 / (va**2 / (n1 - 1) + vb**2 / (n2 - 1))
    ncp, t = diff / math.sqrt(va + vb), st.t.ppf(1 - alpha / 2, df)
    return st.nct.sf(t, df, ncp) + st.nct.cdf(-t, df, ncp)


@pytest.mark.parametrize("control_start", [None, 28.0])
def test_analytic_power_of_placebo_and_delayed_start_controls(control_start):
    for week in (40.0, 60.0):
        power = lagged.analytic_power(MODEL, 60, 25, week, alpha=0.01, control_start=control_start)
        assert float(power) == pytest.approx(
            worked_welch_power(MODEL, 60, 25, week, control_start, 0.01), abs=1e-9
        )


def test_simulated_power_reports_its_monte_carlo_errors():
    frame = lagged.simulated_power(MODEL, 30, 20, [28, 52], n_sims=500, seed=2, control_start=20.0)
    treated, control = lagged.simulate_trial(MODEL, 30, 20, [28, 52], n_sims=500, seed=2, control_start=20.0)
    diff = treated.mean(axis=1) - control.mean(axis=1)  # (n_sims, weeks)
    assert frame["mean_difference"].tolist() == pytest.approx(diff.mean(axis=0).tolist(), rel=1e-12)
    assert frame["difference_mc_se"].tolist() == pytest.approx(
        (diff.std(axis=0, ddof=1) / math.sqrt(500)).tolist(), rel=1e-12
    )
    p = frame["power"].to_numpy()
    assert frame["power_mc_se"].tolist() == pytest.approx(np.sqrt(p * (1 - p) / 500).tolist(), rel=1e-12)
    assert frame["week"].dtype == float and frame["week"].tolist() == [28.0, 52.0]
    assert lagged.simulated_power(MODEL, 30, 20, [28]).equals(
        lagged.simulated_power(MODEL, 30, 20, [28], n_sims=2000, seed=0, alpha=0.05)
    )


def test_power_grid_passes_alpha_and_lays_out_one_row_per_delay_and_week():
    grid = lagged.power_grid(MODEL, 30, 20, delays=[0, 8], weeks=[28, 52], n_sims=300, seed=1, alpha=0.01)
    assert list(grid.columns[:2]) == ["delay", "week"]
    assert grid.index.tolist() == [0, 1, 2, 3]
    assert grid["delay"].tolist() == [0.0, 0.0, 8.0, 8.0]
    for delay in (0.0, 8.0):
        rows = grid[grid["delay"] == delay]
        model = MODEL.with_(delay=delay)
        analytic = lagged.analytic_power(model, 30, 20, [28, 52], alpha=0.01)
        assert rows["analytic_power"].tolist() == pytest.approx(analytic.tolist(), rel=1e-12)
        simulated = lagged.simulated_power(model, 30, 20, [28, 52], n_sims=300, seed=1, alpha=0.01)
        assert rows["power"].tolist() == simulated["power"].tolist()
    default = lagged.power_grid(MODEL, 10, 10, delays=[4], weeks=[28])
    explicit = lagged.power_grid(MODEL, 10, 10, delays=[4], weeks=[28], n_sims=2000, seed=0, alpha=0.05)
    assert default.equals(explicit)


@pytest.mark.parametrize(
    "model, difference, week, expected",
    [
        (MODEL, 0.3 * 0.6 * 28, 28, 0.0),  # the whole window acting: no delay
        (MODEL, 0.3 * 0.6 * 27.5, 28, 0.5),  # a delay under one week
        (MODEL, 0.9, 28, 28 - 0.9 / 0.18),  # a difference under one point
        (MODEL, 0.3 * 0.6 * 28.5, 28, math.nan),  # more than the effect gives
        (MODEL, 0.0, 28, math.nan),  # no difference: no delay implied
        (MODEL, -1.0, 28, math.nan),
        (MODEL.with_(mean_slope=0.0), 1.0, 28, math.nan),  # no decline to slow
        (MODEL.with_(effect=0.0), 1.0, 28, math.nan),
    ],
)
def test_implied_delay_at_its_boundaries(model, difference, week, expected):
    delay = lagged.implied_delay(model, difference, week)
    if math.isnan(expected):
        assert math.isnan(delay)
    else:
        assert delay == pytest.approx(expected, abs=1e-9)
        assert float(lagged.expected_difference(model.with_(delay=delay), week)) == pytest.approx(difference)


def test_simulate_arm_is_the_model_drawn_slopes_then_noise():
    """The data-generating process worked here with the same draws: each person's change
    is minus their slope times the disease weeks, plus visit noise; treated from week 0
    unless told otherwise."""
    weeks = [12, 28]
    arm = lagged.simulate_arm(MODEL, 5, weeks, 3, np.random.default_rng(11))
    rng = np.random.default_rng(11)
    slopes = rng.normal(0.3, 0.12, size=(3, 5, 1))
    noise = rng.normal(0.0, 2.0, size=(3, 5, 2))
    disease = np.array([12 - 0.6 * 4, 28 - 0.6 * 20])  # slowing from week 8
    assert arm == pytest.approx(-slopes * disease + noise, abs=1e-12)


def test_calibrate_accepts_a_fraction_of_a_week():
    assert lagged.calibrate(-0.5, 0.5, 1.0).mean_slope == pytest.approx(1.0)


def test_model_curves_default_to_treatment_from_week_0():
    assert MODEL.sd_change(40) == MODEL.sd_change(40, 0.0) != MODEL.sd_change(40, 1.0)
    assert MODEL.expected_change(40) == pytest.approx(-0.3 * (40 - 0.6 * 32))
