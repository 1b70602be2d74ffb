"""Unit tests of valor.stats: reconstruction from a CI, power, sample size,
trial length, heterogeneity and the joint rank test."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as st

from valor import stats

Z = 1.959963984540054  # 97.5th percentile of the standard normal


def normal_cdf(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


# -- reconstruction ------------------------------------------------------------


def test_se_from_ci_inverts_a_normal_interval():
    est, se = 3.0, 1.7
    assert stats.se_from_ci(est - Z * se, est + Z * se) == pytest.approx(se)
    # a 90% interval is narrower for the same SE
    assert stats.se_from_ci(est - 1.6448536 * se, est + 1.6448536 * se, level=0.90) == pytest.approx(se)


def test_se_from_ci_rejects_reversed_bounds():
    with pytest.raises(ValueError):
        stats.se_from_ci(2.0, 1.0)


def test_sd_round_trip_through_the_se_of_a_difference():
    se = stats.se_of_difference(8.0, 39, 21)
    assert se == pytest.approx(8.0 * math.sqrt(1 / 39 + 1 / 21))
    assert stats.sd_from_se(se, 39, 21) == pytest.approx(8.0)


def test_p_from_ci_worked_by_hand():
    # CI -3.2 to 5.5: SE = 8.7 / (2 * 1.95996) = 2.21943; z = 1.2 / 2.21943 = 0.54068
    se = 8.7 / (2 * Z)
    z = 1.2 / se
    expected = 2 * (1 - normal_cdf(z))
    assert se == pytest.approx(2.21943, abs=1e-5)
    assert stats.p_from_ci(1.2, -3.2, 5.5) == pytest.approx(expected)
    assert 0.58 < expected < 0.60


def test_p_from_ci_is_005_when_the_interval_touches_zero():
    assert stats.p_from_ci(Z, 0.0, 2 * Z) == pytest.approx(0.05)
    assert stats.p_from_ci(-1.0, -3.0, 1.0) == pytest.approx(stats.p_from_ci(1.0, -1.0, 3.0))


def test_p_value_function_is_one_at_the_estimate_and_005_at_the_bounds():
    se = 2.0
    assert stats.p_value_function(1.2, 1.2, se) == pytest.approx(1.0)
    assert stats.p_value_function([1.2 - Z * se, 1.2 + Z * se], 1.2, se) == pytest.approx([0.05, 0.05])


# -- power and sample size ---------------------------------------------------------


def test_power_at_no_effect_is_alpha():
    assert stats.power_z(0.0, 1.0) == pytest.approx(0.05)
    assert stats.power_t(0.0, 8.0, 39, 21) == pytest.approx(0.05)
    assert stats.power_t(0.0, 8.0, 39, 21, alpha=0.01) == pytest.approx(0.01)


def test_power_z_by_hand():
    # shift of 2.8 SE: Phi(2.8 - 1.96) + Phi(-2.8 - 1.96)
    expected = normal_cdf(2.8 - Z) + normal_cdf(-2.8 - Z)
    assert stats.power_z(2.8, 1.0) == pytest.approx(expected)
    assert expected == pytest.approx(0.80, abs=0.01)


def test_power_t_matches_published_table_value():
    # Two-sided t test, 20 per group, standardised effect 1.0, alpha 0.05:
    # power 0.869 (Cohen 1988 tables; G*Power gives 0.8689528).
    assert stats.power_t(1.0, 1.0, 20, 20) == pytest.approx(0.8690, abs=5e-4)


def test_power_t_approaches_power_z_in_large_samples():
    sd, n1, n2, delta = 8.0, 4000, 2000, 0.6
    se = stats.se_of_difference(sd, n1, n2)
    assert stats.power_t(delta, sd, n1, n2) == pytest.approx(stats.power_z(delta, se), abs=1e-3)
    # and is lower than the z approximation in small samples
    assert stats.power_t(4.0, 8.0, 10, 5) < stats.power_z(4.0, stats.se_of_difference(8.0, 10, 5))


def test_sample_size_textbook_one_to_one():
    # Standardised effect 0.5, 80% power, 1:1: 64 per group (normal formula 62.8,
    # t correction brings it to 64; Cohen 1988).
    n = stats.sample_size(0.5, 1.0, power=0.8, ratio=1.0)
    assert (n.n_tofersen, n.n_placebo) == (64, 64)
    assert n.total == 128


def test_sample_size_is_the_smallest_that_reaches_the_power():
    n = stats.sample_size(1.2, 8.2, power=0.8, ratio=2.0)
    assert n.n_tofersen == math.ceil(2 * n.n_placebo)
    assert stats.power_t(1.2, 8.2, n.n_tofersen, n.n_placebo) >= 0.8
    smaller = n.n_placebo - 1
    assert stats.power_t(1.2, 8.2, math.ceil(2 * smaller), smaller) < 0.8


def test_two_to_one_needs_an_eighth_more_than_one_to_one():
    # Total N is proportional to (1 + k)(1 + 1/k): 4.5 at k = 2 against 4 at k = 1.
    a = stats.sample_size(1.0, 8.0, ratio=2.0).total
    b = stats.sample_size(1.0, 8.0, ratio=1.0).total
    assert a / b == pytest.approx(4.5 / 4, rel=0.01)


def test_sample_size_rejects_zero_effect():
    with pytest.raises(ValueError):
        stats.sample_size(0.0, 8.0)


def test_detectable_difference_has_the_stated_power_of_the_t_test():
    d = stats.detectable_difference(8.2, 39, 21, power=0.9)
    assert stats.power_t(d, 8.2, 39, 21) == pytest.approx(0.9, abs=1e-9)
    # the t test needs a little more than the normal-approximation formula
    se = stats.se_of_difference(8.2, 39, 21)
    assert d > (Z + st.norm.ppf(0.9)) * se


def test_sd_from_ci_worked_by_hand():
    # a CI of +-1.96 is a standard error of 1; with 2 + 2 people, SE = SD * 1
    assert stats.sd_from_ci(-Z, Z, 2, 2) == pytest.approx(1.0)
    # 4 + 4 people: SE = SD * sqrt(1/2), so SD = sqrt(2)
    assert stats.sd_from_ci(-Z, Z, 4, 4) == pytest.approx(np.sqrt(2))
    with pytest.raises(ValueError):
        stats.sd_from_ci(1.0, -1.0, 4, 4)


# -- independent implementations (statsmodels) ------------------------------------------

ARMS = [(1.2, 8.2, 39, 21), (4.07, 8.2, 39, 21), (1.0, 1.0, 20, 20), (6.3, 8.2, 39, 21), (3.0, 5.0, 10, 5)]


@pytest.mark.parametrize("delta, sd, n1, n2", ARMS)
def test_power_t_equals_statsmodels(delta, sd, n1, n2):
    from statsmodels.stats.power import TTestIndPower

    expected = TTestIndPower().power(effect_size=delta / sd, nobs1=n1, alpha=0.05, ratio=n2 / n1)
    assert stats.power_t(delta, sd, n1, n2) == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("delta, sd, n1, n2", ARMS)
def test_power_z_equals_statsmodels(delta, sd, n1, n2):
    from statsmodels.stats.power import NormalIndPower

    expected = NormalIndPower().power(effect_size=delta / sd, nobs1=n1, alpha=0.05, ratio=n2 / n1)
    assert stats.power_z(delta, stats.se_of_difference(sd, n1, n2)) == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("delta, ratio", [(1.2, 2.0), (4.07, 2.0), (6.0, 2.0), (4.07, 1.0), (2.0, 3.0)])
def test_sample_size_equals_statsmodels_rounded_up(delta, ratio):
    from statsmodels.stats.power import TTestIndPower

    placebo = TTestIndPower().solve_power(effect_size=delta / 8.2, power=0.8, alpha=0.05, ratio=ratio)
    n = stats.sample_size(delta, 8.2, 0.8, ratio)
    assert n.n_placebo == math.ceil(placebo) and n.n_tofersen == math.ceil(ratio * n.n_placebo)


def test_detectable_difference_equals_statsmodels():
    from statsmodels.stats.power import TTestIndPower

    effect = TTestIndPower().solve_power(nobs1=39, power=0.8, alpha=0.05, ratio=21 / 39)
    assert stats.detectable_difference(8.2, 39, 21, 0.8) == pytest.approx(effect * 8.2, rel=1e-5)


def test_power_never_returns_nan_for_large_effects():
    # SciPy's lower tail of the noncentral t is NaN for some large noncentralities
    # (ncp about 8.6 to 15 with 58 degrees of freedom); power_t counts both tails as upper tails
    deltas = np.linspace(0, 40, 4001)
    power = stats.power_t(deltas, 8.2, 39, 21)
    assert not np.isnan(power).any() and power[-1] == pytest.approx(1.0)
    assert np.all(np.diff(power) >= -1e-12)


def test_critical_and_non_overlap_differences():
    sd, n1, n2 = 8.2, 39, 21
    se = stats.se_of_difference(sd, n1, n2)
    assert stats.critical_difference(se) == pytest.approx(Z * se)
    no_overlap = stats.non_overlap_difference(sd, n1, n2)
    assert no_overlap == pytest.approx(Z * (sd / math.sqrt(n1) + sd / math.sqrt(n2)))
    assert no_overlap > stats.critical_difference(se)


def test_power_stratified_reduces_to_one_stratum_and_to_pooling():
    sd, n1, n2 = 8.2, 39, 21
    se = stats.se_of_difference(sd, n1, n2)
    # one stratum with the degrees of freedom of the two arms is exactly the pooled t test
    assert stats.power_stratified([3.0], [se], n1 + n2 - 2) == pytest.approx(stats.power_t(3.0, sd, n1, n2))
    # two identical strata: same estimate, SE divided by sqrt(2)
    assert stats.power_stratified([3.0, 3.0], [se, se], 200) == pytest.approx(
        stats.power_noncentral_t(3.0 / (se / math.sqrt(2)), 200)
    )
    # with many degrees of freedom it approaches the z test
    assert stats.power_stratified([3.0], [se], 10**6) == pytest.approx(stats.power_z(3.0, se), abs=1e-5)


# -- trial length -------------------------------------------------------------------


def test_calibration_reproduces_the_sd_at_the_calibration_week():
    sd_slope, sd_noise = stats.calibrate_linear(8.2, 28, 0.6)
    assert stats.linear_decline_sd(28, sd_slope, sd_noise) == pytest.approx(8.2)
    assert (sd_slope * 28) ** 2 / 8.2**2 == pytest.approx(0.6)


def test_length_does_not_help_when_all_variance_is_in_rates():
    sd_slope, sd_noise = stats.calibrate_linear(8.2, 28, 1.0)
    p = stats.power_by_length(
        [28, 52, 104], placebo_slope=-0.29, slowing=0.3, sd_slope=sd_slope, sd_noise=sd_noise, n1=39, n2=21
    )
    assert p == pytest.approx([p[0]] * 3)


def test_length_helps_when_part_of_the_variance_is_noise():
    sd_slope, sd_noise = stats.calibrate_linear(8.2, 28, 0.5)
    p = stats.power_by_length(
        [28, 52, 104], placebo_slope=-0.29, slowing=0.3, sd_slope=sd_slope, sd_noise=sd_noise, n1=39, n2=21
    )
    assert p[0] < p[1] < p[2]


# -- heterogeneity ---------------------------------------------------------------------


def test_mixture_sd_by_hand():
    # subgroups at 0 and 2 with equal weights: between variance 1; within SD 1
    assert stats.mixture_sd(1.0, [0.0, 2.0], [0.5, 0.5]) == pytest.approx(math.sqrt(2))
    assert stats.mixture_sd(3.0, [5.0, 5.0], [0.3, 0.7]) == pytest.approx(3.0)
    with pytest.raises(ValueError):
        stats.mixture_sd(1.0, [0.0, 1.0], [0.5, 0.6])


def test_two_subgroup_means_keep_the_overall_mean_and_the_ratio():
    fast, other = stats.two_subgroup_means(8.0, 4.0, 0.25)
    assert 0.25 * fast + 0.75 * other == pytest.approx(8.0)
    assert fast / other == pytest.approx(4.0)


# -- joint rank test ----------------------------------------------------------------------


def test_joint_rank_scores_three_people_by_hand():
    # A (change -2) beats B (died) and C (-4): +2; B loses to both: -2; C: +1 -1 = 0
    scores = stats.joint_rank_scores([False, True, False], [np.nan, 10.0, np.nan], [-2.0, np.nan, -4.0])
    assert scores.tolist() == [2.0, -2.0, 0.0]


def test_joint_rank_test_worked_by_hand():
    # Tofersen: -1, -3. Placebo: -5, and one death in week 10.
    # Scores: T1 beats all three (+3); T2 beats P1 and the death, loses to T1 (+1);
    # P1 beats the death, loses to T1 and T2 (-1); the death loses to all (-3).
    # Statistic = 3 + 1 = 4. Permutation variance = n1 n2 / (N (N - 1)) * sum(U^2)
    # = 2 * 2 / 12 * (9 + 1 + 1 + 9) = 20 / 3. z = 4 / sqrt(20/3) = 1.5492.
    event = [False, False, False, True]
    time = [np.nan, np.nan, np.nan, 10.0]
    change = [-1.0, -3.0, -5.0, np.nan]
    treated = np.array([True, True, False, False])
    res = stats.joint_rank_test(event, time, change, treated)
    assert stats.joint_rank_scores(event, time, change).tolist() == [3.0, 1.0, -1.0, -3.0]
    assert res.statistic == pytest.approx(4.0)
    assert res.variance == pytest.approx(20 / 3)
    z = 4 / math.sqrt(20 / 3)
    assert res.z == pytest.approx(z)
    assert res.p_value == pytest.approx(2 * (1 - normal_cdf(z)))


def test_earlier_event_is_worse_and_tied_events_tie():
    scores = stats.joint_rank_scores(
        [True, True, True, False], [5.0, 20.0, 20.0, np.nan], [np.nan, np.nan, np.nan, -30.0]
    )
    # the survivor beats all three; the early death loses to all; the two week-20 deaths tie
    assert scores.tolist() == [-3.0, 0.0, 0.0, 3.0]


def test_rank_scores_equal_the_pairwise_definition():
    rng = np.random.default_rng(7)
    n = 25
    event = rng.random(n) < 0.3
    time = np.where(event, rng.integers(1, 6, n).astype(float), np.nan)  # tied event times
    change = np.where(event, np.nan, np.round(rng.normal(-5, 4, n)))  # tied changes
    np.testing.assert_allclose(
        stats.joint_rank_scores(event, time, change), stats.joint_rank_scores_pairwise(event, time, change)
    )


def test_agrees_with_mann_whitney_when_nobody_dies():
    rng = np.random.default_rng(11)
    x = np.round(rng.normal(-6, 8, 39))  # rounding makes ties, as on ALSFRS-R
    y = np.round(rng.normal(-8, 8, 21))
    change = np.r_[x, y]
    treated = np.r_[np.ones(39, bool), np.zeros(21, bool)]
    res = stats.joint_rank_test(np.zeros(60, bool), np.full(60, np.nan), change, treated)
    mw = st.mannwhitneyu(x, y, method="asymptotic", use_continuity=False, alternative="two-sided")
    assert res.p_value == pytest.approx(mw.pvalue, rel=1e-10)
    assert res.statistic == pytest.approx(2 * mw.statistic - 39 * 21)


def test_batched_test_equals_one_trial_at_a_time():
    rng = np.random.default_rng(5)
    trials, n = 6, 12
    event = rng.random((trials, n)) < 0.2
    time = np.where(event, rng.uniform(0, 28, (trials, n)), np.nan)
    change = np.where(event, np.nan, rng.normal(-5, 5, (trials, n)))
    treated = np.arange(n) < 8
    batch = stats.joint_rank_test(event, time, change, treated)
    for i in range(trials):
        one = stats.joint_rank_test(event[i], time[i], change[i], treated)
        assert batch.p_value[i] == pytest.approx(one.p_value)
        assert batch.statistic[i] == pytest.approx(one.statistic)


def test_a_death_moved_to_the_other_arm_changes_the_direction():
    change = np.array([-2.0, -4.0, -3.0, np.nan])
    event = np.array([False, False, False, True])
    time = np.array([np.nan, np.nan, np.nan, 12.0])
    death_on_placebo = stats.joint_rank_test(event, time, change, np.array([True, True, False, False]))
    death_on_tofersen = stats.joint_rank_test(event, time, change, np.array([False, False, True, True]))
    assert death_on_placebo.statistic > 0 > death_on_tofersen.statistic


def test_joint_rank_input_checks():
    with pytest.raises(ValueError):  # a survivor without a change score
        stats.joint_rank_scores([False, False], [np.nan, np.nan], [1.0, np.nan])
    with pytest.raises(ValueError):  # an event without a time
        stats.joint_rank_scores([True, False], [np.nan, np.nan], [np.nan, 1.0])
    with pytest.raises(ValueError):  # one arm empty
        stats.joint_rank_test([False, False], [np.nan, np.nan], [1.0, 2.0], np.array([True, True]))


# -- the standard normal, without scipy.stats -----------------------------------------


def test_the_normal_functions_equal_scipy_stats_norm_to_the_last_bit():
    x = np.array([-np.inf, -40.0, -8.3, -1.959963984540054, -0.5, 0.0, 1e-12, 0.7, 3.2, 38.5, np.inf, np.nan])
    q = np.array([0.0, 1e-300, 1e-9, 0.025, 0.2, 0.5, 0.8, 0.975, 1 - 1e-12, 1.0, np.nan])
    for ours, theirs, at in (
        (stats.normal_cdf, st.norm.cdf, x),
        (stats.normal_sf, st.norm.sf, x),
        (stats.normal_ppf, st.norm.ppf, q),
    ):
        np.testing.assert_array_equal(ours(at), theirs(at))
        assert ours(at[3]) == theirs(at[3]) and np.ndim(ours(at[3])) == 0
    assert stats.normal_ppf(0.975) == pytest.approx(1.959963984540054, abs=1e-15)
    assert stats.normal_sf(1.959963984540054) == pytest.approx(0.025, abs=1e-15)


def test_the_normal_statistics_load_no_scipy_stats():
    # scipy.stats stands in sys.modules from the start, deferred (valor.deferred): its
    # submodules say whether it was loaded
    import subprocess
    import sys

    code = (
        "import sys, valor.stats as s; s.z_crit(); s.p_from_ci(0.5, 0.1, 0.9); s.power_z(1, 0.5); "
        "s.critical_difference(0.4); print('scipy.stats._continuous_distns' in sys.modules, 'scipy.special._ufuncs' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True"]
