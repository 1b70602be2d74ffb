"""valor.stats at its edges: levels and alphas other than the defaults (checked against
statsmodels or a closed form worked here), unequal groups and strata, batches of trials,
the boundaries of every argument check and the degenerate joint-rank cases (issue 17)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy import stats as st
from statsmodels.stats.power import TTestIndPower

from valor import stats

SD = 8.2


def oracle_power(delta, sd, n1, n2, alpha):
    """statsmodels' power of the pooled two-sample t test."""
    return TTestIndPower().power(effect_size=delta / sd, nobs1=n1, alpha=alpha, ratio=n2 / n1)


# -- argument checks: each boundary, and the message a reader sees -----------------------


@pytest.mark.parametrize("n1, n2", [(0, 5), (5, 0), (-1, 5), (0, 0)])
def test_sd_from_se_refuses_empty_groups(n1, n2):
    with pytest.raises(ValueError, match=r"^group sizes must be positive$"):
        stats.sd_from_se(1.0, n1, n2)


def test_sd_from_se_accepts_groups_of_one():
    assert stats.sd_from_se(np.sqrt(2), 1, 1) == pytest.approx(1.0, rel=1e-12)
    assert stats.sd_from_se(1.0, 1, 3) == pytest.approx(1 / np.sqrt(1 + 1 / 3), rel=1e-12)


@pytest.mark.parametrize("power", [0.0, 1.0, 1.5, -0.1])
def test_power_must_be_strictly_between_0_and_1(power):
    with pytest.raises(ValueError, match=r"^power must be in \(0, 1\)$"):
        stats.detectable_difference(SD, 40, 20, power=power)
    with pytest.raises(ValueError, match=r"^power must be in \(0, 1\)$"):
        stats.sample_size(2.0, SD, power=power)


def test_sample_size_refuses_no_difference():
    with pytest.raises(ValueError, match=r"^no trial has power against a true difference of zero$"):
        stats.sample_size(0.0, SD)


@pytest.mark.parametrize("share", [0.0, 1.0])
def test_calibrate_linear_accepts_the_ends(share):
    slope, noise = stats.calibrate_linear(6.0, 28, share)
    assert float(stats.linear_decline_sd(28, slope, noise)) == pytest.approx(6.0, rel=1e-12)
    assert (slope == 0) == (share == 0) and (noise == 0) == (share == 1)


@pytest.mark.parametrize("share", [-0.01, 1.01, 2.0])
def test_calibrate_linear_refuses_shares_outside_0_1(share):
    with pytest.raises(ValueError, match=r"^slope_share must be in \[0, 1\]$"):
        stats.calibrate_linear(6.0, 28, share)


def test_mixture_weights_must_sum_to_one():
    with pytest.raises(ValueError, match=r"^weights must sum to 1$"):
        stats.mixture_sd(1.0, [0, 1], [0.5, 0.6])


def test_confidence_level_is_checked():
    for level in (0.0, 1.0):
        with pytest.raises(ValueError, match=r"^confidence level must be in \(0, 1\), got"):
            stats.z_crit(level)


# -- levels and alphas other than the defaults, integer input -----------------------


def test_ci_midpoint_and_se_at_other_levels():
    assert stats.ci_midpoint(-3.2, 5.5) == pytest.approx(1.15, abs=1e-12)
    assert stats.ci_midpoint([2, 4], [6, 5]).tolist() == [4.0, 4.5]  # integer input
    z90 = st.norm.ppf(0.95)
    assert stats.se_from_ci(-1, 1, 0.90) == pytest.approx(1 / z90, rel=1e-12)
    # SD from a 90 % CI: width / (2 z_0.95) / sqrt(1/n1 + 1/n2)
    expected = 8.7 / (2 * z90) / np.sqrt(1 / 39 + 1 / 21)
    assert stats.sd_from_ci(-3.2, 5.5, 39, 21, level=0.90) == pytest.approx(expected, rel=1e-12)


def test_p_value_function_and_critical_difference_with_integers():
    se = 2
    p = stats.p_value_function([0, 1, 2, 3], 1, se)
    assert p.tolist() == pytest.approx([2 * st.norm.sf(0.5), 1.0, 2 * st.norm.sf(0.5), 2 * st.norm.sf(1)])
    assert stats.critical_difference(se, alpha=0.01) == pytest.approx(2 * st.norm.ppf(0.995), rel=1e-12)
    assert stats.critical_difference(1) == pytest.approx(st.norm.ppf(0.975), rel=1e-12)
    assert stats.non_overlap_difference(2, 4, 16, level=0.90) == pytest.approx(
        st.norm.ppf(0.95) * (2 / 2 + 2 / 4), rel=1e-12
    )
    assert stats.power_z(3, 1, alpha=0.01) == pytest.approx(
        st.norm.sf(st.norm.ppf(0.995) - 3) + st.norm.cdf(-st.norm.ppf(0.995) - 3), rel=1e-12
    )


@pytest.mark.parametrize("alpha", [0.01, 0.10])
def test_t_power_detectable_difference_and_length_at_other_alphas(alpha):
    assert stats.power_t(4.0, SD, 39, 21, alpha) == pytest.approx(
        oracle_power(4.0, SD, 39, 21, alpha), abs=1e-9
    )
    d = stats.detectable_difference(SD, 39, 21, power=0.9, alpha=alpha)
    effect = TTestIndPower().solve_power(nobs1=39, alpha=alpha, power=0.9, ratio=21 / 39)
    assert d == pytest.approx(effect * SD, rel=1e-5)  # statsmodels solves to about 1e-6
    assert oracle_power(d, SD, 39, 21, alpha) == pytest.approx(0.9, abs=1e-8)
    slope, noise = stats.calibrate_linear(SD, 28, 0.5)
    by_length = stats.power_by_length(
        [28, 52], placebo_slope=-0.3, slowing=0.5, sd_slope=slope, sd_noise=noise, n1=39, n2=21, alpha=alpha
    )
    for weeks, power in zip([28, 52], by_length, strict=True):
        sd = np.hypot(slope * weeks, noise)
        assert power == pytest.approx(oracle_power(0.15 * weeks, sd, 39, 21, alpha), abs=1e-9)


# -- sample size: the smallest trial, its ratio, its power ------------------------------


@pytest.mark.parametrize("delta", [1.5, 2.0, 2.5, 3.0, 4.0, 5.5, 8.0])
def test_sample_size_is_the_smallest_trial_that_reaches_the_power(delta):
    size = stats.sample_size(delta, SD)  # default: 2:1
    assert size.n_tofersen == 2 * size.n_placebo
    assert size.power == pytest.approx(
        oracle_power(delta, SD, size.n_tofersen, size.n_placebo, 0.05), abs=1e-9
    )
    assert size.power >= 0.8
    smaller = size.n_placebo - 1
    assert oracle_power(delta, SD, 2 * smaller, smaller, 0.05) < 0.8
    assert size.total == 3 * size.n_placebo


def test_sample_size_with_1_to_1_and_another_alpha():
    size = stats.sample_size(3.0, SD, power=0.9, ratio=1.0, alpha=0.01)
    n = TTestIndPower().solve_power(effect_size=3.0 / SD, alpha=0.01, power=0.9, ratio=1.0)
    assert size.n_tofersen == size.n_placebo == int(np.ceil(n))


def test_sample_size_never_goes_below_two_placebo_participants():
    size = stats.sample_size(100.0, 1.0)
    assert (size.n_tofersen, size.n_placebo) == (4, 2)


# -- stratified power: unequal strata, batches, another alpha ----------------------------


def worked_stratified_power(deltas, ses, df, alpha):
    w = [1 / s**2 for s in ses]
    combined = sum(wi * d for wi, d in zip(w, deltas, strict=True)) / sum(w)
    ncp = combined * np.sqrt(sum(w))
    t = st.t.ppf(1 - alpha / 2, df)
    return st.nct.sf(t, df, ncp) + st.nct.cdf(-t, df, ncp)


@pytest.mark.parametrize("alpha", [0.05, 0.01])
def test_stratified_power_with_unequal_strata(alpha):
    deltas, ses, df = [1.2, 4.0], [2.2, 0.9], 104
    assert stats.power_stratified(deltas, ses, df, alpha) == pytest.approx(
        worked_stratified_power(deltas, ses, df, alpha), abs=1e-9
    )
    # the precise stratum dominates: not the plain mean of the differences
    plain = worked_stratified_power([2.6, 2.6], ses, df, alpha)
    assert abs(stats.power_stratified(deltas, ses, df, alpha) - plain) > 0.05


def test_stratified_power_of_a_batch_is_row_by_row():
    deltas = np.array([[1.2, 4.0], [2.0, 2.0], [0.0, 3.0]])
    ses = np.array([[2.2, 0.9], [1.0, 3.0], [1.5, 1.5]])
    batch = stats.power_stratified(deltas, ses, 100)
    assert batch.shape == (3,)
    for row, power in enumerate(batch):
        assert power == pytest.approx(worked_stratified_power(deltas[row], ses[row], 100, 0.05), abs=1e-9)


# -- joint rank test: degenerate and small cases, input as tables give it --------------


def test_joint_rank_with_two_participants():
    result = stats.joint_rank_test([False, False], [None, None], [1.0, 0.0], [True, False])
    assert (result.statistic, result.variance, result.z) == (1.0, 1.0, 1.0)
    assert result.p_value == pytest.approx(2 * st.norm.sf(1.0), rel=1e-12)
    one_treated = stats.joint_rank_test([False] * 3, [None] * 3, [3.0, 1.0, 2.0], [True, False, False])
    assert one_treated.statistic == 2.0  # beat both controls


def test_joint_rank_when_nobody_differs_is_z_0_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = stats.joint_rank_test([False] * 4, [None] * 4, [1.0] * 4, [True, True, False, False])
        assert (result.variance, result.z, result.p_value) == (0.0, 0.0, 1.0)
        batch = stats.joint_rank_test(
            [[False] * 4, [False] * 4],
            [[None] * 4] * 2,
            [[1.0] * 4, [4.0, 3.0, 2.0, 1.0]],
            [True, True, False, False],
        )
        assert batch.z[0] == 0.0 and batch.z[1] > 0


def test_joint_rank_keys_when_everyone_or_nobody_has_an_event_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        everyone = stats.joint_rank_key([True, True, True], [30.0, 10.0, 20.0], [None, None, None])
        assert np.argsort(everyone).tolist() == [1, 2, 0]  # earlier is worse
        nobody = stats.joint_rank_key([False, False, False], [None, None, None], [-2.0, 1.0, -5.0])
        assert nobody.tolist() == [-2.0, 1.0, -5.0]


def test_joint_rank_reads_event_flags_as_numbers():
    # flags read from a table as 1.0/0.0; times missing (None) where nobody had an event
    key = stats.joint_rank_key([1.0, 0.0, 0.0], [12.0, None, None], [None, -3.0, 2.0])
    assert np.argsort(key).tolist() == [0, 1, 2]
    assert stats.joint_rank_scores([1.0, 0.0, 0.0], [12.0, None, None], [None, -3.0, 2.0]).tolist() == [
        -2,
        0,
        2,
    ]


@pytest.mark.parametrize(
    "event, time, change, message",
    [
        ([True, False], [1.0], [None, 1.0], r"^event, time and change must have the same shape$"),
        ([False, False], [None, None], [None, 1.0], r"^a participant without an event needs a change score$"),
        ([True, False], [None, None], [None, 1.0], r"^a participant with an event needs an event time$"),
    ],
)
def test_joint_rank_input_checks(event, time, change, message):
    with pytest.raises(ValueError, match=message):
        stats.joint_rank_key(event, time, change)


def test_joint_rank_test_arm_checks():
    with pytest.raises(ValueError, match=r"^treated must be one flag per participant \(the same layout"):
        stats.joint_rank_test([False] * 3, [None] * 3, [1.0, 2.0, 3.0], [True, False])
    for treated in ([True] * 3, [False] * 3):
        with pytest.raises(ValueError, match=r"^both arms need participants$"):
            stats.joint_rank_test([False] * 3, [None] * 3, [1.0, 2.0, 3.0], treated)


def test_pairwise_scores_from_table_input():
    scores = stats.joint_rank_scores_pairwise(
        [1.0, 0.0, 0.0, 1.0], [5.0, None, None, 9.0], [None, 1.0, 1.0, None]
    )
    assert scores.dtype == float
    assert scores.tolist() == [-3.0, 2.0, 2.0, -1.0]
    assert (
        scores.tolist()
        == stats.joint_rank_scores([1, 0, 0, 1], [5, None, None, 9], [None, 1, 1, None]).tolist()
    )


def test_se_from_ci_at_a_zero_width_interval_and_its_message():
    assert stats.se_from_ci(1.5, 1.5) == 0.0
    with pytest.raises(ValueError, match=r"^the upper CI bound is below the lower bound$"):
        stats.se_from_ci(2.0, 1.0)


def test_p_from_ci_at_another_level():
    # a 90 % CI from -1 to 3: SE = 2 / z_0.95, estimate 1
    se = 2 / st.norm.ppf(0.95)
    assert stats.p_from_ci(1.0, -1.0, 3.0, level=0.90) == pytest.approx(2 * st.norm.sf(1 / se), rel=1e-12)


def test_detectable_difference_defaults_to_80_percent_power():
    d = stats.detectable_difference(SD, 39, 21)
    assert oracle_power(d, SD, 39, 21, 0.05) == pytest.approx(0.8, abs=1e-8)
