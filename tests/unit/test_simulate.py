"""valor.simulate: agreement with analytic power within Monte-Carlo error,
exactness of the vectorised tests, and seeded reproducibility."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as st

from valor import simulate, stats

SD, N1, N2 = 8.2, 39, 21  # VALOR-like faster stratum (SD reconstructed from the CI)


@pytest.mark.parametrize("delta, seed", [(0.0, 1), (1.2, 2), (4.0, 3), (6.2, 4), (9.0, 5)])
def test_simulated_power_agrees_with_analytic_within_mc_error(delta, seed):
    sim = simulate.simulate_t_power(delta, SD, N1, N2, n_trials=10_000, seed=seed)
    exact = float(stats.power_t(delta, SD, N1, N2))
    assert sim.n_trials == 10_000
    assert sim.mc_se == pytest.approx(np.sqrt(sim.power * (1 - sim.power) / 10_000))
    assert abs(sim.power - exact) < 4 * np.sqrt(exact * (1 - exact) / 10_000)


def test_simulated_power_detects_a_wrong_analytic_value():
    # The agreement test has teeth: the z approximation with the wrong SD is rejected.
    sim = simulate.simulate_t_power(4.0, SD, N1, N2, n_trials=10_000, seed=3)
    wrong = float(stats.power_z(4.0, stats.se_of_difference(SD / 1.5, N1, N2)))
    assert abs(sim.power - wrong) > 4 * sim.mc_se


def test_vectorised_t_test_equals_scipy_row_by_row():
    rng = np.random.default_rng(0)
    x, y = rng.normal(1, 3, (50, 39)), rng.normal(0, 3, (50, 21))
    expected = [st.ttest_ind(a, b).pvalue for a, b in zip(x, y, strict=True)]
    np.testing.assert_allclose(simulate.t_test_p(x, y), expected, rtol=1e-10)


def test_same_seed_same_result_and_different_seed_different_draws():
    a = simulate.simulate_t_power(3.0, SD, N1, N2, n_trials=2_000, seed=42)
    b = simulate.simulate_t_power(3.0, SD, N1, N2, n_trials=2_000, seed=42)
    c = simulate.simulate_t_power(3.0, SD, N1, N2, n_trials=2_000, seed=43)
    assert a == b
    rng1, rng2 = np.random.default_rng(42), np.random.default_rng(43)
    t1, _ = simulate.draw_changes(rng1, 5, N1, N2, 0.0, 3.0, SD)
    t2, _ = simulate.draw_changes(rng2, 5, N1, N2, 0.0, 3.0, SD)
    assert not np.array_equal(t1, t2)
    assert abs(a.power - c.power) < 5 * a.mc_se  # different draws, same scenario


def test_naive_loop_agrees_with_the_vectorised_simulation():
    fast = simulate.simulate_t_power(4.0, SD, N1, N2, n_trials=2_000, seed=8)
    slow = simulate.simulate_t_power_loop(4.0, SD, N1, N2, n_trials=2_000, seed=9)
    assert abs(fast.power - slow.power) < 4 * np.hypot(fast.mc_se, slow.mc_se)


def test_event_simulation_holds_its_size_under_the_null():
    res = simulate.simulate_event_power(
        0.0, SD, N1, N2, p_event_tofersen=0.1, p_event_placebo=0.1, weeks=28, n_trials=10_000, seed=12
    )
    for r in (res.joint_rank, res.t_survivors):
        assert abs(r.power - 0.05) < 4 * np.sqrt(0.05 * 0.95 / 10_000)


def test_joint_rank_sees_fewer_events_that_the_survivor_t_test_misses():
    res = simulate.simulate_event_power(
        0.0, SD, N1, N2, p_event_tofersen=0.02, p_event_placebo=0.3, weeks=28, n_trials=5_000, seed=13
    )
    assert res.joint_rank.power > res.t_survivors.power + 10 * res.joint_rank.mc_se


def test_event_draws_are_consistent():
    rng = np.random.default_rng(3)
    trials = simulate.draw_trials_with_events(
        rng, 200, N1, N2, placebo_mean=-8, delta=1, sd=SD, p_event_tofersen=0.1, p_event_placebo=0.2, weeks=28
    )
    assert trials.event.shape == (200, N1 + N2)
    assert np.all(np.isnan(trials.change) == trials.event)
    assert np.all(np.isnan(trials.time) == ~trials.event)
    assert np.nanmax(trials.time) < 28 and np.nanmin(trials.time) > 0
    assert trials.treated.sum() == N1


def test_survivor_t_test_without_events_is_the_plain_t_test():
    rng = np.random.default_rng(4)
    trials = simulate.draw_trials_with_events(
        rng, 30, N1, N2, placebo_mean=-8, delta=2, sd=SD, p_event_tofersen=0.0, p_event_placebo=0.0, weeks=28
    )
    x, y = trials.change[:, :N1], trials.change[:, N1:]
    np.testing.assert_allclose(simulate.survivors_t_test_p(trials), simulate.t_test_p(x, y))


def test_mixture_simulation_agrees_with_the_mixture_sd():
    fast, other = stats.two_subgroup_means(8.0, 4.0, 0.5)
    within = 5.0
    total = stats.mixture_sd(within, [fast, other], [0.5, 0.5])
    sim = simulate.simulate_mixture_power(
        means=[-fast, -other],
        weights=[0.5, 0.5],
        sd_within=within,
        shift=4.0,
        n_tofersen=N1,
        n_placebo=N2,
        n_trials=10_000,
        seed=21,
    )
    exact = float(stats.power_t(4.0, total, N1, N2))
    assert abs(sim.power - exact) < 4 * np.sqrt(exact * (1 - exact) / 10_000)
    # the mixture draws have the mixture's SD
    draws = simulate.draw_mixture_changes(
        np.random.default_rng(1), 1, 200_000, means=[-fast, -other], weights=[0.5, 0.5], sd_within=within
    )
    assert draws.std() == pytest.approx(total, rel=0.01)
