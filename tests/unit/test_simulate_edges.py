"""valor.simulate beyond its usual scenario: one-dimensional input, the direction of each
effect, what the defaults are, reproducibility, the smallest analysable arms, and
mixtures with unequal subgroups (issue 17). Checked against SciPy, closed forms worked
here, and tolerances of several Monte-Carlo SEs."""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest
from scipy import stats as st

from valor import simulate, stats


def test_t_test_p_on_one_trial_and_on_unequal_arms_is_scipys():
    rng = np.random.default_rng(1)
    x, y = rng.normal(1, 2, 13), rng.normal(0, 2, 6)
    assert simulate.t_test_p(x, y) == pytest.approx(st.ttest_ind(x, y).pvalue, rel=1e-10)
    xs, ys = rng.normal(1, 2, (4, 13)), rng.normal(0, 2, (4, 6))
    assert simulate.t_test_p(xs, ys) == pytest.approx(st.ttest_ind(xs, ys, axis=-1).pvalue, rel=1e-10)


def test_draw_changes_puts_the_difference_on_tofersen():
    rng = np.random.default_rng(2)
    tofersen, placebo = simulate.draw_changes(rng, 400, 50, 25, placebo_mean=-8.0, delta=3.0, sd=2.0)
    assert tofersen.shape == (400, 50) and placebo.shape == (400, 25)
    assert tofersen.mean() == pytest.approx(-5.0, abs=0.05)  # SE 2/sqrt(20000) = 0.014
    assert placebo.mean() == pytest.approx(-8.0, abs=0.05)
    assert tofersen.std() == pytest.approx(2.0, rel=0.02)


def test_defaults_and_reproducibility():
    default = simulate.simulate_t_power(2.0, 8.2, 40, 20)
    assert default == simulate.simulate_t_power(2.0, 8.2, 40, 20, n_trials=10_000, alpha=0.05, seed=0)
    assert default.n_trials == 10_000
    assert default != simulate.simulate_t_power(2.0, 8.2, 40, 20, seed=1)
    loop = simulate.simulate_t_power_loop(2.0, 8.2, 40, 20, n_trials=300, seed=5)
    assert loop == simulate.simulate_t_power_loop(2.0, 8.2, 40, 20, n_trials=300, seed=5)
    assert loop.n_trials == 300 and 0 < loop.power < 1


def test_power_curve_passes_its_settings_to_each_point():
    deltas = [0.0, 4.0, 8.0]
    power, mc_se = simulate.simulated_power_curve(deltas, 8.2, 40, 20, n_trials=2_000, alpha=0.01, seed=7)
    for i, d in enumerate(deltas):
        point = simulate.simulate_t_power(d, 8.2, 40, 20, n_trials=2_000, alpha=0.01, seed=7 + i)
        assert (power[i], mc_se[i]) == (point.power, point.mc_se)
    assert power[0] == pytest.approx(0.01, abs=4 * np.sqrt(0.01 * 0.99 / 2_000))
    default_power, default_se = simulate.simulated_power_curve([0.0], 8.2, 40, 20)
    assert default_power[0] == simulate.simulate_t_power(0.0, 8.2, 40, 20, seed=0).power
    assert default_power[0] == pytest.approx(0.05, abs=4 * np.sqrt(0.05 * 0.95 / 10_000))


def test_event_times_spread_over_the_whole_window():
    rng = np.random.default_rng(3)
    trials = simulate.draw_trials_with_events(
        rng, 200, 60, 30, placebo_mean=0, delta=0, sd=1, p_event_tofersen=0.1, p_event_placebo=0.3, weeks=28
    )
    times = trials.time[trials.event]
    assert times.min() < 0.5 and times.max() > 27.5 and np.unique(times).size == times.size
    assert np.isnan(trials.time[~trials.event]).all() and np.isnan(trials.change[trials.event]).all()
    share = trials.event.mean(axis=0)
    assert share[:60].mean() == pytest.approx(0.1, abs=0.01) and share[60:].mean() == pytest.approx(
        0.3, abs=0.015
    )


def event_trials(change_rows, treated):
    change = np.array(change_rows, float)
    event = np.isnan(change)
    return simulate.EventTrials(event, np.where(event, 1.0, np.nan), change, np.array(treated, bool))


def test_survivors_t_test_needs_two_survivors_per_arm():
    nan = np.nan
    trials = event_trials(
        [
            [1.0, 2.0, nan, 0.0, -1.0, 0.5],  # 2 treated, 3 control survive
            [1.0, nan, nan, 0.0, -1.0, 0.5],  # 1 treated survives: no test
            [1.0, 2.0, 4.0, 0.0, nan, nan],  # 1 control survives: no test
            [1.0, 2.0, 4.0, 0.0, -1.0, nan],  # 3 and 2
        ],
        [True, True, True, False, False, False],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # arms too small to test give P = 1 quietly
        p = simulate.survivors_t_test_p(trials)
    assert p[0] == pytest.approx(st.ttest_ind([1.0, 2.0], [0.0, -1.0, 0.5]).pvalue, rel=1e-10)
    assert p[1] == 1.0 and p[2] == 1.0
    assert p[3] == pytest.approx(st.ttest_ind([1.0, 2.0, 4.0], [0.0, -1.0]).pvalue, rel=1e-10)


def test_mixture_draws_follow_the_weights_slowing_and_shift():
    rng = np.random.default_rng(4)
    changes = simulate.draw_mixture_changes(
        rng, 200, 500, means=[-10.0, -2.0], weights=[0.2, 0.8], sd_within=1.0, slowing=0.5, shift=1.0
    )
    # mean 0.5 * (0.2 * -10 + 0.8 * -2) + 1 = -0.8; SD sqrt(1 + 0.25 * var of means 10.24)
    assert changes.mean() == pytest.approx(-0.8, abs=0.03)
    assert changes.std() == pytest.approx(np.sqrt(1 + 0.25 * 10.24), rel=0.02)


def test_mixture_power_with_slowing_shift_and_neither():
    common = dict(means=[-10.0, -2.0], weights=[0.2, 0.8], sd_within=3.0, n_tofersen=60, n_placebo=30)
    none = simulate.simulate_mixture_power(**common, n_trials=4_000)
    assert none.power == pytest.approx(0.05, abs=4 * np.sqrt(0.05 * 0.95 / 4_000))
    assert none == simulate.simulate_mixture_power(**common, n_trials=4_000, seed=0)
    # slowing by half: tofersen's mean -1.8 against -3.6; SDs sqrt(9 + 0.25 * 10.24) and sqrt(9 + 10.24)
    slowed = simulate.simulate_mixture_power(**common, slowing=0.5, n_trials=4_000)
    # the pooled t test with unequal variances: reject when the difference passes t_crit x the
    # pooled SE; the difference itself has the unpooled SE
    var_t, var_p = 9 + 0.25 * 10.24, 9 + 10.24
    pooled_se = np.sqrt((59 * var_t + 29 * var_p) / 88 * (1 / 60 + 1 / 30))
    true_se = np.sqrt(var_t / 60 + var_p / 30)
    approx = st.norm.sf((st.t.ppf(0.975, 88) * pooled_se - 1.8) / true_se)
    assert slowed.power == pytest.approx(approx, abs=0.03)
    shifted = simulate.simulate_mixture_power(**common, shift=1.8, n_trials=4_000)
    assert shifted.power == pytest.approx(
        float(stats.power_t(1.8, np.sqrt(9 + 10.24), 60, 30)), abs=4 * np.sqrt(0.25 / 4_000)
    )


def test_event_and_mixture_simulations_default_to_10000_trials_and_seed_0():
    events = dict(p_event_tofersen=0.05, p_event_placebo=0.1, weeks=28)
    default = simulate.simulate_event_power(2.0, 8.2, 20, 10, **events)
    assert default.joint_rank.n_trials == default.t_survivors.n_trials == 10_000
    assert default == simulate.simulate_event_power(2.0, 8.2, 20, 10, **events, n_trials=10_000, seed=0)
    mixture = dict(means=[-10.0, -2.0], weights=[0.2, 0.8], sd_within=3.0, n_tofersen=20, n_placebo=10)
    assert simulate.simulate_mixture_power(**mixture).n_trials == 10_000


def test_the_naive_loop_defaults_to_10000_trials_and_seed_0():
    # read from the signature: running 10,000 naive trials twice took 9 s of the fast tier
    defaults = inspect.signature(simulate.simulate_t_power_loop).parameters
    assert (defaults["n_trials"].default, defaults["seed"].default) == (10_000, 0)
    few = simulate.simulate_t_power_loop(2.0, 1.0, 3, 2, n_trials=50)
    assert few == simulate.simulate_t_power_loop(2.0, 1.0, 3, 2, n_trials=50, seed=0)


def test_survivors_t_test_with_one_survivor_per_arm_is_quietly_p_1():
    trials = event_trials([[1.0, np.nan, 0.0, np.nan]], [True, True, False, False])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert simulate.survivors_t_test_p(trials).tolist() == [1.0]
