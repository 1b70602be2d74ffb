"""Analytic statistics of VALOR's primary endpoint.

Everything here works from published summary numbers (an estimate, its
confidence interval, group sizes) or from stated assumptions; nothing here
holds a trial value. The chapters pass the values in from ``data/``.

Reconstruction from a confidence interval assumes a symmetric, normal-theory
interval for the difference between two independent groups, and ignores the
covariate adjustment and multiple imputation of the published model.

The joint rank test follows Finkelstein & Schoenfeld (1999): every pair of
participants is compared, an event (death, or death or permanent ventilation,
as the analyst defines it) is worse than no event, an earlier event is worse
than a later one, and participants without an event are compared on their
change score. Each participant's score is (number of others they beat) minus
(number who beat them); the test sums the scores in one arm and uses the
permutation variance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from valor import deferred

_special = deferred.module("scipy.special")  # the normal distribution (0.2 s to import)
_st = deferred.module("scipy.stats")  # t, noncentral t, ranks (0.9 s to import)


# -- the standard normal distribution ------------------------------------------------
# scipy.special's functions, the very ones scipy.stats.norm calls (the same values to the
# last bit): a chapter that needs only the normal never imports scipy.stats, which took
# 0.7 s more of each notebook run in a fresh kernel (a student's `jupyter execute`).


def normal_cdf(x):
    """P(Z <= x) for a standard normal Z (``scipy.stats.norm.cdf``)."""
    return _special.ndtr(x)


def normal_sf(x):
    """P(Z > x) for a standard normal Z (``scipy.stats.norm.sf``)."""
    return _special.ndtr(-np.asarray(x, float))


def normal_ppf(q):
    """The q quantile of the standard normal (``scipy.stats.norm.ppf``)."""
    return _special.ndtri(q)


def z_crit(level: float = 0.95) -> float:
    """Two-sided normal critical value for a confidence level (0.95 -> 1.96)."""
    if not 0 < level < 1:
        raise ValueError(f"confidence level must be in (0, 1), got {level}")
    return float(normal_ppf(0.5 + level / 2))


# -- reconstruction from a published CI --------------------------------------


def se_from_ci(low, high, level: float = 0.95):
    """Standard error of an estimate from a symmetric normal CI: width / (2 z)."""
    low, high = np.asarray(low, float), np.asarray(high, float)
    if np.any(high < low):
        raise ValueError("the upper CI bound is below the lower bound")
    return (high - low) / (2 * z_crit(level))


def sd_from_se(se, n1: int, n2: int):
    """Per-participant SD behind the SE of a difference of two independent means.

    SE = SD * sqrt(1/n1 + 1/n2), assuming a common SD in both groups.
    """
    if n1 <= 0 or n2 <= 0:
        raise ValueError("group sizes must be positive")
    return np.asarray(se, float) / np.sqrt(1 / n1 + 1 / n2)


def sd_from_ci(low, high, n1: int, n2: int, level: float = 0.95):
    """Per-participant SD behind a symmetric normal CI of a difference of two
    independent means: :func:`se_from_ci`, then :func:`sd_from_se`."""
    return sd_from_se(se_from_ci(low, high, level), n1, n2)


def se_of_difference(sd, n1: int, n2: int):
    """SE of a difference of two independent means with a common SD."""
    return np.asarray(sd, float) * np.sqrt(1 / n1 + 1 / n2)


def ci_midpoint(low, high):
    """The centre of a symmetric CI (to compare with the published estimate)."""
    return (np.asarray(low, float) + np.asarray(high, float)) / 2


def p_from_ci(estimate, low, high, level: float = 0.95):
    """Two-sided P value implied by an estimate and its symmetric normal CI."""
    se = se_from_ci(low, high, level)
    z = np.asarray(estimate, float) / se
    return 2 * normal_sf(np.abs(z))


def p_value_function(hypotheses, estimate, se):
    """Two-sided P value for each hypothesised true difference (compatibility curve)."""
    z = (np.asarray(estimate, float) - np.asarray(hypotheses, float)) / se
    return 2 * normal_sf(np.abs(z))


# -- power and sample size -----------------------------------------------------


def power_z(delta, se, alpha: float = 0.05):
    """Power of a two-sided z test of a difference ``delta`` with standard error ``se``.

    Both rejection tails are counted.
    """
    z = z_crit(1 - alpha)
    shift = np.asarray(delta, float) / np.asarray(se, float)
    return normal_cdf(shift - z) + normal_cdf(-shift - z)


def power_t(delta, sd, n1: int, n2: int, alpha: float = 0.05):
    """Exact power of the two-sided pooled two-sample t test (noncentral t).

    Data normal with common SD ``sd`` in both arms; ``delta`` is the true
    difference in means. This is the analytic counterpart of
    :func:`valor.simulate.simulate_t_power`.
    """
    ncp = np.asarray(delta, float) / se_of_difference(sd, n1, n2)
    return power_noncentral_t(ncp, n1 + n2 - 2, alpha)


def power_noncentral_t(ncp, df, alpha: float = 0.05):
    """Power of a two-sided t test with ``df`` degrees of freedom when the test
    statistic follows a noncentral t with noncentrality ``ncp``.

    Both rejection tails are counted, each as an upper tail
    (P(T < -t | ncp) = P(T > t | -ncp)): SciPy's lower tail of the noncentral t
    returns NaN for some large noncentralities.
    """
    t = _st.t.ppf(1 - alpha / 2, df)
    ncp = np.asarray(ncp, float)
    return _st.nct.sf(t, df, ncp) + _st.nct.sf(t, df, -ncp)


def detectable_difference(sd, n1: int, n2: int, power: float = 0.8, alpha: float = 0.05) -> float:
    """True difference that the two-sided pooled t test (:func:`power_t`) detects with
    the given power.

    The normal-approximation formula (z_a + z_b) * SE is the starting point; the t
    test needs a little more, found by solving power_t(delta) = power.
    """
    if not 0 < power < 1:
        raise ValueError("power must be in (0, 1)")
    approx = (z_crit(1 - alpha) + normal_ppf(power)) * float(se_of_difference(sd, n1, n2))
    from scipy.optimize import brentq

    return float(brentq(lambda d: float(power_t(d, sd, n1, n2, alpha)) - power, approx / 2, approx * 2))


def critical_difference(se, alpha: float = 0.05):
    """Smallest observed difference that reaches two-sided P < alpha."""
    return z_crit(1 - alpha) * np.asarray(se, float)


def non_overlap_difference(sd, n1: int, n2: int, level: float = 0.95):
    """Observed difference needed for two per-arm CIs not to overlap.

    Each arm's CI is mean +/- z * SD / sqrt(n); they stop overlapping when the
    difference exceeds z * (SE1 + SE2), a stricter bar than the test's
    z * sqrt(SE1^2 + SE2^2).
    """
    sd = np.asarray(sd, float)
    return z_crit(level) * (sd / np.sqrt(n1) + sd / np.sqrt(n2))


@dataclass(frozen=True)
class SampleSize:
    n_tofersen: int
    n_placebo: int
    power: float

    @property
    def total(self) -> int:
        return self.n_tofersen + self.n_placebo


def sample_size(
    delta: float, sd: float, power: float = 0.8, ratio: float = 2.0, alpha: float = 0.05
) -> SampleSize:
    """Smallest trial (tofersen : placebo = ratio : 1) whose t test reaches ``power``.

    Starts from the normal-approximation formula
    n_placebo = (z_a + z_b)^2 SD^2 (1 + 1/ratio) / delta^2 and steps up until the
    exact (noncentral t) power is reached.
    """
    if delta == 0:
        raise ValueError("no trial has power against a true difference of zero")
    if not 0 < power < 1:
        raise ValueError("power must be in (0, 1)")
    za, zb = z_crit(1 - alpha), normal_ppf(power)
    n_placebo = max(2, int(np.floor((za + zb) ** 2 * sd**2 * (1 + 1 / ratio) / delta**2)))
    while True:
        n_tofersen = int(np.ceil(ratio * n_placebo))
        achieved = float(power_t(delta, sd, n_tofersen, n_placebo, alpha))
        if achieved >= power:
            return SampleSize(n_tofersen, n_placebo, achieved)
        n_placebo += 1


def power_stratified(deltas, ses, df, alpha: float = 0.05):
    """Power of an inverse-variance-weighted combination of stratum differences.

    ``deltas`` and ``ses`` are per stratum (last axis); the combined estimate
    has SE 1/sqrt(sum 1/SE^2), and its test is a t test with ``df`` degrees of
    freedom (participants minus two per stratum). With one stratum this is
    exactly :func:`power_t`.
    """
    deltas, ses = np.asarray(deltas, float), np.asarray(ses, float)
    w = 1 / ses**2
    combined = (w * deltas).sum(axis=-1) / w.sum(axis=-1)
    return power_noncentral_t(combined * np.sqrt(w.sum(axis=-1)), df, alpha)


# -- trial length under linear decline ----------------------------------------


def linear_decline_sd(weeks, sd_slope, sd_noise):
    """SD of the change from baseline after ``weeks`` when each person declines
    linearly at their own rate (SD of rates ``sd_slope`` per week) and each
    score carries measurement noise whose contribution to the change has SD
    ``sd_noise``."""
    weeks = np.asarray(weeks, float)
    return np.sqrt((sd_slope * weeks) ** 2 + sd_noise**2)


def calibrate_linear(sd_at: float, weeks: float, slope_share: float) -> tuple[float, float]:
    """(sd_slope, sd_noise) such that the SD of the change at ``weeks`` is ``sd_at``
    and a share ``slope_share`` of its variance comes from differing rates."""
    if not 0 <= slope_share <= 1:
        raise ValueError("slope_share must be in [0, 1]")
    var = sd_at**2
    return float(np.sqrt(slope_share * var) / weeks), float(np.sqrt((1 - slope_share) * var))


def power_by_length(
    weeks,
    *,
    placebo_slope: float,
    slowing: float,
    sd_slope: float,
    sd_noise: float,
    n1: int,
    n2: int,
    alpha: float = 0.05,
):
    """Power of the t test at each trial length when tofersen slows a linear
    decline of ``placebo_slope`` points a week by the fraction ``slowing`` from
    day one (no lag) and the SD follows :func:`linear_decline_sd`."""
    weeks = np.asarray(weeks, float)
    delta = slowing * abs(placebo_slope) * weeks
    return power_t(delta, linear_decline_sd(weeks, sd_slope, sd_noise), n1, n2, alpha)


# -- heterogeneity ------------------------------------------------------------


def mixture_sd(sd_within, means, weights):
    """SD of a change score in a population mixing subgroups with different means.

    Total variance = within-subgroup variance + variance of the subgroup means.
    """
    means, weights = np.asarray(means, float), np.asarray(weights, float)
    if not np.isclose(weights.sum(), 1):
        raise ValueError("weights must sum to 1")
    mean = (weights * means).sum()
    between = (weights * (means - mean) ** 2).sum()
    return float(np.sqrt(sd_within**2 + between))


def two_subgroup_means(overall_mean: float, ratio: float, share_fast: float) -> tuple[float, float]:
    """Means of a 'fast' and an 'other' subgroup whose mix has ``overall_mean``
    and whose fast subgroup declines ``ratio`` times as much."""
    other = overall_mean / (share_fast * ratio + 1 - share_fast)
    return ratio * other, other


# -- joint rank test (Finkelstein-Schoenfeld) ----------------------------------


def _arrays(event, time, change):
    event = np.asarray(event, bool)
    time = np.asarray(time, float)
    change = np.asarray(change, float)
    if not event.shape == time.shape == change.shape:
        raise ValueError("event, time and change must have the same shape")
    if np.any(np.isnan(change) & ~event):
        raise ValueError("a participant without an event needs a change score")
    if np.any(np.isnan(time) & event):
        raise ValueError("a participant with an event needs an event time")
    return event, time, change


def joint_rank_key(event, time, change):
    """One number per participant whose order is the joint-rank order.

    Everyone with an event sorts below everyone without; among events, earlier
    is worse; among the others, a lower change score is worse. Works on the
    last axis of 2-D arrays (one row per simulated trial).
    """
    event, time, change = _arrays(event, time, change)
    t = np.where(event, time, np.nan)
    c = np.where(event, np.nan, change)
    if np.all(np.isnan(t)) or np.all(np.isnan(c)):
        return np.where(event, t, c)
    offset = np.nanmax(t) - np.nanmin(c) + 1.0
    return np.where(event, t - offset, c)


def joint_rank_scores(event, time, change):
    """Finkelstein-Schoenfeld score of each participant from mid-ranks:
    (others beaten) - (others beating) = 2 * midrank - (N + 1)."""
    key = joint_rank_key(event, time, change)
    n = key.shape[-1]
    return 2 * _st.rankdata(key, axis=-1) - (n + 1)


def pairwise_compare(a: dict, b: dict) -> int:
    """+1 if participant ``a`` fared better than ``b``, -1 if worse, 0 if tied.

    Each participant is ``{"event": bool, "time": float, "change": float}``.
    """
    if a["event"] and b["event"]:
        return int(np.sign(a["time"] - b["time"]))
    if a["event"] != b["event"]:
        return -1 if a["event"] else 1
    return int(np.sign(a["change"] - b["change"]))


def joint_rank_scores_pairwise(event, time, change):
    """The same scores by comparing every pair (slow; the definition itself)."""
    event, time, change = _arrays(event, time, change)
    people = [{"event": e, "time": t, "change": c} for e, t, c in zip(event, time, change, strict=True)]
    return np.array([sum(pairwise_compare(p, q) for q in people if q is not p) for p in people], float)


@dataclass(frozen=True)
class JointRankResult:
    statistic: np.ndarray  # sum of scores in the treated arm (positive: treated fared better)
    variance: np.ndarray  # its permutation variance
    z: np.ndarray
    p_value: np.ndarray


def joint_rank_test(event, time, change, treated) -> JointRankResult:
    """Two-sided joint rank test of treated against control.

    ``event``, ``time`` and ``change`` may be 1-D (one trial) or 2-D (one row
    per trial); ``treated`` is 1-D, the same arm layout for every row.
    """
    treated = np.asarray(treated, bool)
    scores = joint_rank_scores(event, time, change)
    n = scores.shape[-1]
    if treated.shape != (n,):
        raise ValueError("treated must be one flag per participant (the same layout in every trial)")
    n1 = int(treated.sum())
    n2 = n - n1
    if n1 == 0 or n2 == 0:
        raise ValueError("both arms need participants")
    statistic = (scores * treated).sum(axis=-1)
    variance = n1 * n2 / (n * (n - 1)) * (scores**2).sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(variance > 0, statistic / np.sqrt(variance), 0.0)[()]
    return JointRankResult(statistic, variance, z, 2 * normal_sf(np.abs(z)))
