"""Monte-Carlo simulation of VALOR-like trials: vectorised, seeded, reproducible.

Every function draws all simulated trials at once as arrays of shape
(trials, participants) from ``np.random.default_rng(seed)`` and analyses them
with array operations, so one scenario of 10,000 trials takes a fraction of a
second. :func:`simulate_t_power_loop` is the naive one-trial-at-a-time version,
kept for the benchmark (``benchmarks/bench_simulation.py``) and the tests.

The trial model is deliberately simple and stated in each docstring: normal
change scores with a common SD; where deaths are simulated, they occur with a
fixed probability per arm at a uniform time before the endpoint, and a death
removes the change score.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from valor import deferred, stats

_st = deferred.module("scipy.stats")


@dataclass(frozen=True)
class SimResult:
    """Share of simulated trials with P < alpha, and its Monte-Carlo SE."""

    power: float
    mc_se: float
    n_trials: int

    @classmethod
    def from_rejections(cls, rejected: np.ndarray) -> SimResult:
        n = rejected.size
        p = float(rejected.mean())
        return cls(p, float(np.sqrt(max(p * (1 - p), 1e-12) / n)), n)


def t_test_p(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Two-sided pooled two-sample t test along the last axis (one P per row)."""
    n1, n2 = x.shape[-1], y.shape[-1]
    diff = x.mean(axis=-1) - y.mean(axis=-1)
    pooled = ((n1 - 1) * x.var(axis=-1, ddof=1) + (n2 - 1) * y.var(axis=-1, ddof=1)) / (n1 + n2 - 2)
    t = diff / np.sqrt(pooled * (1 / n1 + 1 / n2))
    return 2 * _st.t.sf(np.abs(t), n1 + n2 - 2)


def draw_changes(
    rng: np.random.Generator,
    n_trials: int,
    n_tofersen: int,
    n_placebo: int,
    placebo_mean: float,
    delta: float,
    sd: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Normal change scores: tofersen mean = placebo_mean + delta, common SD."""
    tofersen = rng.normal(placebo_mean + delta, sd, size=(n_trials, n_tofersen))
    placebo = rng.normal(placebo_mean, sd, size=(n_trials, n_placebo))
    return tofersen, placebo


def simulate_t_power(
    delta: float,
    sd: float,
    n_tofersen: int,
    n_placebo: int,
    *,
    n_trials: int = 10_000,
    placebo_mean: float = 0.0,
    alpha: float = 0.05,
    seed: int = 0,
) -> SimResult:
    """Power of the t test on the change score, by simulation (vectorised)."""
    rng = np.random.default_rng(seed)
    tofersen, placebo = draw_changes(rng, n_trials, n_tofersen, n_placebo, placebo_mean, delta, sd)
    return SimResult.from_rejections(t_test_p(tofersen, placebo) < alpha)


def simulate_t_power_loop(
    delta: float,
    sd: float,
    n_tofersen: int,
    n_placebo: int,
    *,
    n_trials: int = 10_000,
    placebo_mean: float = 0.0,
    alpha: float = 0.05,
    seed: int = 0,
) -> SimResult:
    """The same simulation written the naive way: one trial per loop iteration,
    each analysed with ``scipy.stats.ttest_ind`` (for the benchmark)."""
    rng = np.random.default_rng(seed)
    rejected = np.empty(n_trials, bool)
    for i in range(n_trials):
        tofersen = rng.normal(placebo_mean + delta, sd, size=n_tofersen)
        placebo = rng.normal(placebo_mean, sd, size=n_placebo)
        rejected[i] = _st.ttest_ind(tofersen, placebo).pvalue < alpha
    return SimResult.from_rejections(rejected)


@dataclass(frozen=True)
class EventTrials:
    """Simulated trials with events: arrays of shape (trials, participants)."""

    event: np.ndarray
    time: np.ndarray
    change: np.ndarray  # NaN where an event removed the score
    treated: np.ndarray  # 1-D: the arm of each column


def draw_trials_with_events(
    rng: np.random.Generator,
    n_trials: int,
    n_tofersen: int,
    n_placebo: int,
    *,
    placebo_mean: float,
    delta: float,
    sd: float,
    p_event_tofersen: float,
    p_event_placebo: float,
    weeks: float,
) -> EventTrials:
    """Change scores as in :func:`draw_changes`; each participant also has an
    event (death, say) with the arm's probability at a uniform time in
    (0, weeks), which removes their change score."""
    tofersen, placebo = draw_changes(rng, n_trials, n_tofersen, n_placebo, placebo_mean, delta, sd)
    change = np.concatenate([tofersen, placebo], axis=1)
    treated = np.r_[np.ones(n_tofersen, bool), np.zeros(n_placebo, bool)]
    p_event = np.where(treated, p_event_tofersen, p_event_placebo)
    event = rng.random(change.shape) < p_event
    time = np.where(event, rng.uniform(0, weeks, change.shape), np.nan)
    return EventTrials(event, time, np.where(event, np.nan, change), treated)


def survivors_t_test_p(trials: EventTrials) -> np.ndarray:
    """Pooled t test on survivors only (events dropped), one P per trial."""
    x = np.where(trials.treated, trials.change, np.nan)
    y = np.where(~trials.treated, trials.change, np.nan)
    n1 = np.sum(~np.isnan(x), axis=-1)
    n2 = np.sum(~np.isnan(y), axis=-1)
    m1, m2 = np.nanmean(x, axis=-1), np.nanmean(y, axis=-1)
    ss = np.nansum((x - m1[:, None]) ** 2, axis=-1) + np.nansum((y - m2[:, None]) ** 2, axis=-1)
    df = n1 + n2 - 2
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (m1 - m2) / np.sqrt(ss / df * (1 / n1 + 1 / n2))
    p = 2 * _st.t.sf(np.abs(t), df)
    return np.where((n1 >= 2) & (n2 >= 2), p, 1.0)


@dataclass(frozen=True)
class EventPower:
    joint_rank: SimResult
    t_survivors: SimResult


def simulate_event_power(
    delta: float,
    sd: float,
    n_tofersen: int,
    n_placebo: int,
    *,
    p_event_tofersen: float,
    p_event_placebo: float,
    weeks: float,
    n_trials: int = 10_000,
    placebo_mean: float = 0.0,
    alpha: float = 0.05,
    seed: int = 0,
) -> EventPower:
    """Power of the joint rank test and of a t test on survivors, same trials."""
    rng = np.random.default_rng(seed)
    trials = draw_trials_with_events(
        rng,
        n_trials,
        n_tofersen,
        n_placebo,
        placebo_mean=placebo_mean,
        delta=delta,
        sd=sd,
        p_event_tofersen=p_event_tofersen,
        p_event_placebo=p_event_placebo,
        weeks=weeks,
    )
    jr = stats.joint_rank_test(trials.event, trials.time, trials.change, trials.treated)
    return EventPower(
        SimResult.from_rejections(jr.p_value < alpha),
        SimResult.from_rejections(survivors_t_test_p(trials) < alpha),
    )


def draw_mixture_changes(
    rng: np.random.Generator,
    n_trials: int,
    n: int,
    *,
    means,
    weights,
    sd_within: float,
    slowing: float = 0.0,
    shift: float = 0.0,
) -> np.ndarray:
    """Change scores in an arm whose participants belong to subgroups (for
    example SOD1 variants) with different mean changes ``means``; treatment
    shrinks each subgroup's mean by the fraction ``slowing`` and then adds
    ``shift`` points."""
    means, weights = np.asarray(means, float), np.asarray(weights, float)
    group = rng.choice(means.size, size=(n_trials, n), p=weights)
    return rng.normal((1 - slowing) * means[group] + shift, sd_within)


def simulate_mixture_power(
    *,
    means,
    weights,
    sd_within: float,
    n_tofersen: int,
    n_placebo: int,
    slowing: float = 0.0,
    shift: float = 0.0,
    n_trials: int = 10_000,
    alpha: float = 0.05,
    seed: int = 0,
) -> SimResult:
    """Power of the unadjusted t test when both arms mix subgroups of differing
    speed; tofersen slows every subgroup by the fraction ``slowing`` and/or
    improves every change by ``shift`` points."""
    rng = np.random.default_rng(seed)
    tofersen = draw_mixture_changes(
        rng,
        n_trials,
        n_tofersen,
        means=means,
        weights=weights,
        sd_within=sd_within,
        slowing=slowing,
        shift=shift,
    )
    placebo = draw_mixture_changes(
        rng, n_trials, n_placebo, means=means, weights=weights, sd_within=sd_within
    )
    return SimResult.from_rejections(t_test_p(tofersen, placebo) < alpha)


def simulated_power_curve(
    deltas,
    sd: float,
    n_tofersen: int,
    n_placebo: int,
    *,
    n_trials: int = 10_000,
    alpha: float = 0.05,
    seed: int = 0,
):
    """Simulated t-test power at each true difference (one seeded scenario each)."""
    results = [
        simulate_t_power(d, sd, n_tofersen, n_placebo, n_trials=n_trials, alpha=alpha, seed=seed + i)
        for i, d in enumerate(deltas)
    ]
    return (np.array([r.power for r in results]), np.array([r.mc_se for r in results]))
