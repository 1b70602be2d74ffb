"""The statistics of the miss: power, sample size, trial length, events, heterogeneity
and enrichment, all worked out from the faster stratum's published result.

Chapter: *The statistics of a miss* (also the introduction and the lessons).

One model answers "how much power?" for the faster stratum at week 28: the pooled
two-sample t test (:func:`valor.stats.power_t`) with the SD reconstructed from the
published interval. :func:`benchmark_power` is its answer for the book's benchmark
effect; heterogeneity and enrichment reuse it. Where a question needs another model
(a linear decline over time, events ranked first, a lag before the drug acts), the
result says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from valor import assumptions, data, fmt, simulate, stats
from valor.analysis.background import Survival
from valor.analysis.primary import PrimaryResult, StratumChanges
from valor.analysis.result import Result

# Scenarios the prose quotes from the trial-length figure: (share of the week-28
# variance from differing rates, trial length in weeks) -> text key.
QUOTED_LENGTHS = {
    (1.0, None): "len_28",  # None: the primary endpoint's week
    (1.0, 104): "len_all_slope_104",
    (0.5, 52): "len_half_52",
    (0.5, 104): "len_half_104",
    (0.25, 104): "len_quarter_104",
}


def power_at(primary: PrimaryResult, delta, sd: float | None = None, alpha: float | None = None):
    """Power of the faster stratum's pooled t test against a true difference ``delta``
    (points), with the reconstructed SD unless another ``sd`` is given."""
    alpha = assumptions.value("alpha", alpha)
    return stats.power_t(
        delta, primary.sd if sd is None else sd, primary.n_tofersen, primary.n_placebo, alpha
    )


def benchmark_power(primary: PrimaryResult, slowing: float | None = None) -> float:
    """Power against the benchmark effect (a drug that removes the share
    ``benchmark_slowing`` of the placebo decline by week 28): the book's one answer
    to "how likely was VALOR to detect a drug that halves the decline?"."""
    slowing = assumptions.value("benchmark_slowing", slowing)
    return float(power_at(primary, slowing * primary.placebo_decline))


@dataclass(frozen=True, repr=False)
class Benchmark(Result):
    """The benchmark effect in points, and the power against it (:func:`benchmark_power`)."""

    slowing: float  # share of the placebo decline removed
    difference: float  # points at the primary endpoint
    power: float

    def texts(self) -> dict[str, str]:
        return {
            "benchmark_share": fmt.percent(self.slowing),
            "benchmark": fmt.num(self.difference),
            "benchmark_power": fmt.percent(self.power),
        }


def benchmark(primary: PrimaryResult) -> Benchmark:
    """The book's benchmark effect (``benchmark_slowing`` of the placebo decline) for the
    faster stratum, and its power under the pooled t test."""
    slowing = assumptions.BENCHMARK_SLOWING
    return Benchmark(slowing, slowing * primary.placebo_decline, benchmark_power(primary, slowing))


@dataclass(frozen=True, repr=False)
class PowerSummary(Result):
    """What the faster stratum could detect (pooled t test, SD from the interval)."""

    alpha: float
    power_observed: float  # if the true difference were the observed one
    target_power: float
    high_power: float
    detect_target: float  # true difference detected with the target power (points)
    detect_high: float
    critical: float  # smallest observed difference reaching P < alpha (points)
    non_overlap: float  # observed difference at which the arms' 95% CIs stop overlapping
    decline: float  # the placebo arm's decline (points)

    def texts(self) -> dict[str, str]:
        def share(points):
            return fmt.percent(points / self.decline)

        return {
            "alpha": f"{self.alpha:.2f}",
            "power_obs": fmt.percent(self.power_observed),
            "target_power": fmt.percent(self.target_power),
            "high_power": fmt.percent(self.high_power),
            "detect_target": fmt.num(self.detect_target),
            "detect_target_share": share(self.detect_target),
            "detect_high": fmt.num(self.detect_high),
            "detect_high_share": share(self.detect_high),
            "critical": fmt.num(self.critical),
            "critical_share": share(self.critical),
            "non_overlap": fmt.num(self.non_overlap),
            "non_overlap_share": share(self.non_overlap),
        }

    def needed_table(self) -> pd.DataFrame:
        """The differences each criterion needs, in points and as shares of the decline."""
        rows = [
            (f"the observed difference reaches P < {self.alpha:.2f}", self.critical),
            ("the two arms' 95% CIs no longer overlap", self.non_overlap),
            (f"a true effect detected with {fmt.percent(self.target_power)} power", self.detect_target),
            (f"a true effect detected with {fmt.percent(self.high_power)} power", self.detect_high),
        ]
        return pd.DataFrame(
            [
                {
                    "Criterion": name,
                    "Difference needed (points)": fmt.num(points),
                    "Share of the placebo decline": fmt.percent(points / self.decline),
                }
                for name, points in rows
            ]
        )


def power_summary(primary: PrimaryResult) -> PowerSummary:
    """Power for the observed difference, the differences detectable with the target
    and the high power, and two bars an observed difference has to clear."""
    alpha = assumptions.ALPHA
    target, high = assumptions.TARGET_POWER, assumptions.HIGH_POWER
    n1, n2, sd = primary.n_tofersen, primary.n_placebo, primary.sd
    return PowerSummary(
        alpha=alpha,
        power_observed=float(power_at(primary, primary.difference)),
        target_power=target,
        high_power=high,
        detect_target=stats.detectable_difference(sd, n1, n2, target, alpha),
        detect_high=stats.detectable_difference(sd, n1, n2, high, alpha),
        critical=float(stats.critical_difference(primary.se, alpha)),
        non_overlap=float(stats.non_overlap_difference(sd, n1, n2)),
        decline=primary.placebo_decline,
    )


@dataclass(frozen=True, repr=False)
class SampleSizes(Result):
    """Trials (at VALOR's allocation) that reach the target and the high power."""

    observed_target: stats.SampleSize  # for the observed difference, target power
    observed_high: stats.SampleSize
    benchmark: stats.SampleSize  # for the benchmark effect, target power
    n_faster: int
    allocation_ratio: float

    def texts(self) -> dict[str, str]:
        return {
            "ratio": fmt.ratio(self.allocation_ratio, 1),
            "n_target_total": fmt.integer(self.observed_target.total),
            "n_target_tof": fmt.integer(self.observed_target.n_tofersen),
            "n_target_pla": fmt.integer(self.observed_target.n_placebo),
            "n_high_total": fmt.integer(self.observed_high.total),
            "n_target_times": fmt.integer(round(self.observed_target.total / self.n_faster)),
            "n_benchmark_total": fmt.integer(self.benchmark.total),
        }


def sample_sizes(primary: PrimaryResult) -> SampleSizes:
    """Participants needed (exact t-test power, :func:`valor.stats.sample_size`) to
    detect the observed difference, and the benchmark effect."""
    alpha, target = assumptions.ALPHA, assumptions.TARGET_POWER
    ratio, sd = primary.allocation_ratio, primary.sd
    benchmark = assumptions.BENCHMARK_SLOWING * primary.placebo_decline
    return SampleSizes(
        observed_target=stats.sample_size(primary.difference, sd, target, ratio, alpha),
        observed_high=stats.sample_size(primary.difference, sd, assumptions.HIGH_POWER, ratio, alpha),
        benchmark=stats.sample_size(benchmark, sd, target, ratio, alpha),
        n_faster=primary.n,
        allocation_ratio=ratio,
    )


def sample_size_curve(primary: PrimaryResult, deltas=None) -> pd.DataFrame:
    """Total participants needed for the target and the high power at each true
    difference (columns: delta and one per power level)."""
    deltas = np.linspace(1, 9, 33) if deltas is None else np.asarray(deltas, float)
    alpha, ratio = assumptions.ALPHA, primary.allocation_ratio
    out = {"delta": deltas}
    for power in (assumptions.TARGET_POWER, assumptions.HIGH_POWER):
        out[fmt.percent(power) + " power"] = [
            stats.sample_size(d, primary.sd, power, ratio, alpha).total for d in deltas
        ]
    return pd.DataFrame(out)


@dataclass(frozen=True, repr=False)
class PowerCheck(Result):
    """Analytic against simulated power over a range of true differences."""

    table: pd.DataFrame  # delta, analytic, simulated, mc_se
    worst_gap: float  # largest |simulated - analytic| in Monte-Carlo SEs
    observed: simulate.SimResult  # simulated power at the observed difference
    n_trials: int

    def texts(self) -> dict[str, str]:
        return {
            "n_trials": fmt.integer(self.n_trials),
            "n_deltas": fmt.integer(len(self.table)),
            "worst_gap": fmt.num(self.worst_gap, 1),
            "power_obs_sim": fmt.percent(self.observed.power, 1),
            "power_obs_mcse": fmt.num(100 * self.observed.mc_se, 1),
        }


def power_check(primary: PrimaryResult, deltas=None) -> PowerCheck:
    """Simulate the faster stratum's t test (vectorised, seeded) at each true
    difference and compare with :func:`valor.stats.power_t`."""
    deltas = np.linspace(0, 9, 10) if deltas is None else np.asarray(deltas, float)
    alpha, seed, n_trials = assumptions.ALPHA, assumptions.SEED, assumptions.N_TRIALS
    n1, n2, sd = primary.n_tofersen, primary.n_placebo, primary.sd
    analytic = power_at(primary, deltas)
    simulated, mc_se = simulate.simulated_power_curve(
        deltas, sd, n1, n2, n_trials=n_trials, alpha=alpha, seed=seed
    )
    observed = simulate.simulate_t_power(
        primary.difference, sd, n1, n2, n_trials=n_trials, alpha=alpha, seed=seed
    )
    table = pd.DataFrame({"delta": deltas, "analytic": analytic, "simulated": simulated, "mc_se": mc_se})
    return PowerCheck(table, float(np.max(np.abs(simulated - analytic) / mc_se)), observed, n_trials)


def length_power(primary: PrimaryResult, share: float, weeks, slowing: float | None = None):
    """Power at each trial length ``weeks`` under linear decline, when the share
    ``share`` of the week-28 variance comes from differing rates of decline and
    tofersen slows decline by ``slowing`` from the first dose
    (:func:`valor.stats.power_by_length`)."""
    slowing = assumptions.value("length_slowing", slowing)
    sd_slope, sd_noise = stats.calibrate_linear(primary.sd, primary.week, share)
    return stats.power_by_length(
        weeks,
        placebo_slope=-primary.placebo_decline / primary.week,
        slowing=slowing,
        sd_slope=sd_slope,
        sd_noise=sd_noise,
        n1=primary.n_tofersen,
        n2=primary.n_placebo,
        alpha=assumptions.ALPHA,
    )


@dataclass(frozen=True, repr=False)
class TrialLength(Result):
    """Power against trial length for several splits of the variance."""

    curves: pd.DataFrame  # week, then one column per share of variance from rates
    quoted: dict  # text key -> power
    slowing: float

    def texts(self) -> dict[str, str]:
        return {"slowing": fmt.percent(self.slowing)} | {k: fmt.percent(v) for k, v in self.quoted.items()}


def trial_length(primary: PrimaryResult, weeks=None) -> TrialLength:
    """:func:`length_power` for every share in the assumption ``rate_variance_shares``
    over trial lengths from 12 to 104 weeks, and the scenarios the prose quotes."""
    weeks = np.arange(12, 105, 2) if weeks is None else np.asarray(weeks, float)
    curves = {"week": weeks}
    for share in assumptions.RATE_VARIANCE_SHARES:
        curves[share] = length_power(primary, share, weeks)
    quoted = {
        key: float(length_power(primary, share, primary.week if week is None else week))
        for (share, week), key in QUOTED_LENGTHS.items()
    }
    return TrialLength(pd.DataFrame(curves), quoted, assumptions.LENGTH_SLOWING)


@dataclass(frozen=True, repr=False)
class Trajectories(Result):
    """Simulated individual courses on placebo under the linear-decline model of
    :func:`trial_length`, for two splits of the week-28 variance (an illustration: no
    participant's data)."""

    courses: pd.DataFrame  # share, person, week, change (points from baseline)
    mean_slope: float  # points per week, the placebo arm's mean decline
    shares: tuple  # share of the week-28 variance from differing rates, one per panel

    def texts(self) -> dict[str, str]:
        return {
            "traj_people": fmt.integer(self.courses["person"].nunique()),
            "traj_shares": " and ".join(fmt.percent(share) for share in self.shares),
        }


def simulated_trajectories(primary: PrimaryResult, n_people: int = 12, weeks=None) -> Trajectories:
    """ALSFRS-R change from baseline of ``n_people`` simulated placebo participants at
    visits ``weeks`` (every 4 weeks to week 52), each declining linearly at their own
    rate plus visit-to-visit noise (:func:`valor.stats.calibrate_linear`), for the largest
    and the smallest share of ``rate_variance_shares``. Seeded; vectorised."""
    weeks = np.arange(0, 53, 4) if weeks is None else np.asarray(weeks, float)
    shares = (max(assumptions.RATE_VARIANCE_SHARES), min(assumptions.RATE_VARIANCE_SHARES))
    mean_slope = -primary.placebo_decline / primary.week
    rng = np.random.default_rng(assumptions.SEED)
    frames = []
    for share in shares:
        sd_slope, sd_noise = stats.calibrate_linear(primary.sd, primary.week, share)
        slopes = rng.normal(mean_slope, sd_slope, size=(n_people, 1))
        noise = rng.normal(0.0, sd_noise, size=(n_people, len(weeks))) * (weeks > 0)
        change = slopes * weeks + noise
        frames.append(
            pd.DataFrame(
                {
                    "share": share,
                    "person": np.repeat(np.arange(n_people), len(weeks)),
                    "week": np.tile(weeks, n_people),
                    "change": change.ravel(),
                }
            )
        )
    return Trajectories(pd.concat(frames, ignore_index=True), mean_slope, shares)


@dataclass(frozen=True, repr=False)
class JointRankExample(Result):
    """The joint rank test worked on seven people (a toy example, not trial data)."""

    table: pd.DataFrame  # arm, change, died (week), score
    statistic: float
    z: float
    p_value: float


def joint_rank_example(swap: bool = False) -> JointRankExample:
    """Four people on tofersen and three on placebo, one of whom dies in week 20.
    With ``swap``, the tofersen participant who lost most points dies instead, and
    the placebo participant gets that change score."""
    treated = np.array([True, True, True, True, False, False, False])
    change = np.array([-3.0, -6.0, -1.0, -9.0, -5.0, -8.0, np.nan])  # NaN: died before the endpoint
    event = np.array([False] * 6 + [True])
    time = np.array([np.nan] * 6 + [20.0])  # week of the death
    if swap:
        order = np.array([0, 1, 2, 6, 4, 5, 3])  # exchange the fourth and the seventh person's fates
        change, event, time = change[order], event[order], time[order]
    result = stats.joint_rank_test(event, time, change, treated)
    table = pd.DataFrame(
        {
            "arm": np.where(treated, "tofersen", "placebo"),
            "change": change,
            "died (week)": time,
            "score": stats.joint_rank_scores(event, time, change),
        }
    )
    return JointRankExample(table, float(result.statistic), float(result.z), float(result.p_value))


@dataclass(frozen=True, repr=False)
class EventScenarios(Result):
    """The joint rank test against a t test on survivors, in simulated trials."""

    p_event_low: float
    p_event_high: float
    # no effect on ALSFRS-R, fewer events on tofersen
    fewer_events_joint_rank: float
    fewer_events_t_survivors: float
    # events equally common, tofersen shifts the change by the target-power effect
    equal_events_joint_rank: float
    equal_events_t_survivors: float
    n_trials: int

    def texts(self) -> dict[str, str]:
        return {
            "p_event_low": fmt.percent(self.p_event_low),
            "p_event_high": fmt.percent(self.p_event_high),
            "ev_fewer_jr": fmt.percent(self.fewer_events_joint_rank),
            "ev_fewer_t": fmt.percent(self.fewer_events_t_survivors),
            "ev_equal_jr": fmt.percent(self.equal_events_joint_rank),
            "ev_equal_t": fmt.percent(self.equal_events_t_survivors),
        }


def event_scenarios(primary: PrimaryResult, power: PowerSummary) -> EventScenarios:
    """Two scenarios with events before week 28 (:func:`valor.simulate.simulate_event_power`):
    tofersen lowers the event probability but not the change score; or events are equally
    common and tofersen shifts the change by the difference detectable with the target power."""
    low, high = assumptions.EVENT_PROBABILITIES
    common = dict(
        sd=primary.sd,
        n_tofersen=primary.n_tofersen,
        n_placebo=primary.n_placebo,
        weeks=primary.week,
        n_trials=assumptions.N_TRIALS,
        alpha=assumptions.ALPHA,
        seed=assumptions.SEED,
    )
    fewer = simulate.simulate_event_power(0.0, p_event_tofersen=low, p_event_placebo=high, **common)
    equal = simulate.simulate_event_power(
        power.detect_target, p_event_tofersen=high, p_event_placebo=high, **common
    )
    return EventScenarios(
        low,
        high,
        fewer.joint_rank.power,
        fewer.t_survivors.power,
        equal.joint_rank.power,
        equal.t_survivors.power,
        common["n_trials"],
    )


@dataclass(frozen=True, repr=False)
class Heterogeneity(Result):
    """How a mix of fast and slower variants inflates the SD (an illustration)."""

    speed_ratio: float  # other variants' median survival over A5V's: a crude proxy for speed
    fast_share: float
    between_share: float  # share of the reconstructed variance between the two subgroups
    within_sd: float
    sd: float
    power_unadjusted: float  # = benchmark_power
    power_simulated: float
    power_adjusted: float  # with the between-variant spread removed

    def texts(self) -> dict[str, str]:
        return {
            "speed_ratio": fmt.num(self.speed_ratio),
            "share_fast": fmt.percent(self.fast_share),
            "between_share": fmt.percent(self.between_share),
            "within_sd": fmt.num(self.within_sd),
            "mix_unadj": fmt.percent(self.power_unadjusted),
            "mix_sim": fmt.percent(self.power_simulated),
            "mix_adj": fmt.percent(self.power_adjusted),
            "n_adj_saving": fmt.percent(1 - self.within_sd**2 / self.sd**2),
        }


def heterogeneity(primary: PrimaryResult, survival: Survival) -> Heterogeneity:
    """Split the faster stratum into a fast-variant subgroup (share ``fast_variant_share``)
    declining ``speed_ratio`` times as fast as the rest (the ratio of median survivals,
    :func:`valor.analysis.background.survival_by_variant`), and compare the power against
    the benchmark effect, given as the same number of points to everyone, with and
    without the spread between the subgroups."""
    fast_share = assumptions.FAST_VARIANT_SHARE
    decline, sd = primary.placebo_decline, primary.sd
    speed_ratio = survival.median_other / survival.median_a5v
    fast_mean, other_mean = stats.two_subgroup_means(decline, speed_ratio, fast_share)
    weights = [fast_share, 1 - fast_share]
    between_sd = stats.mixture_sd(0.0, [fast_mean, other_mean], weights)
    within_sd = float(np.sqrt(sd**2 - between_sd**2))
    shift = assumptions.BENCHMARK_SLOWING * decline
    simulated = simulate.simulate_mixture_power(
        means=[-fast_mean, -other_mean],
        weights=weights,
        sd_within=within_sd,
        shift=shift,
        n_tofersen=primary.n_tofersen,
        n_placebo=primary.n_placebo,
        n_trials=assumptions.N_TRIALS,
        alpha=assumptions.ALPHA,
        seed=assumptions.SEED,
    )
    return Heterogeneity(
        speed_ratio=speed_ratio,
        fast_share=fast_share,
        between_share=between_sd**2 / sd**2,
        within_sd=within_sd,
        sd=sd,
        power_unadjusted=benchmark_power(primary),
        power_simulated=simulated.power,
        power_adjusted=float(power_at(primary, shift, sd=within_sd)),
    )


#: The designs :func:`enrichment` compares, and how the figure names them.
ENRICHMENT_DESIGNS = {
    "faster": "faster stratum only (as VALOR was analysed)",
    "equal_sd": "both strata, slower stratum's SD as large",
    "equal_cv": "both strata, SD in proportion to decline",
}


@dataclass(frozen=True, repr=False)
class Enrichment(Result):
    """Power of analysing the faster stratum alone or both strata together."""

    curves: pd.DataFrame  # slowing, then one column per design (ENRICHMENT_DESIGNS)
    at_benchmark: dict  # design -> power against the benchmark slowing
    faster_decline: float
    slower_decline: float
    n_slower: int

    def texts(self) -> dict[str, str]:
        return {
            "slower_decline": fmt.num(self.slower_decline, 2),
            "decline_ratio": fmt.num(self.faster_decline / self.slower_decline),
            "n_slower": fmt.integer(self.n_slower),
        } | {f"enrich_{design}": fmt.percent(p) for design, p in self.at_benchmark.items()}


def enrichment_power(
    primary: PrimaryResult, slower: StratumChanges, enrolment: pd.DataFrame, slowing
) -> dict[str, np.ndarray]:
    """Power of each design (:data:`ENRICHMENT_DESIGNS`) when tofersen slows decline by
    the share ``slowing`` in both strata. Both strata together: an inverse-variance
    weighted t test (:func:`valor.stats.power_stratified`); the faster stratum alone is
    exactly :func:`power_at`."""
    slowing = np.asarray(slowing, float)
    n3 = int(data.value(enrolment, "n", population="slower", arm="tofersen"))
    n4 = int(data.value(enrolment, "n", population="slower", arm="placebo"))
    decline, slower_decline, sd = primary.placebo_decline, slower.placebo_decline, primary.sd
    se_faster = stats.se_of_difference(sd, primary.n_tofersen, primary.n_placebo)
    deltas = np.stack([slowing * decline, slowing * slower_decline], axis=-1)
    df_both = primary.n + n3 + n4 - 4
    alpha = assumptions.ALPHA
    return {
        "faster": stats.power_stratified(deltas[..., :1], [se_faster], primary.n - 2, alpha),
        "equal_sd": stats.power_stratified(
            deltas, [se_faster, stats.se_of_difference(sd, n3, n4)], df_both, alpha
        ),
        "equal_cv": stats.power_stratified(
            deltas, [se_faster, stats.se_of_difference(sd * slower_decline / decline, n3, n4)], df_both, alpha
        ),
    }


def enrichment(primary: PrimaryResult, slower: StratumChanges, enrolment: pd.DataFrame) -> Enrichment:
    """:func:`enrichment_power` over slowings from none to all of the decline, and at the
    benchmark slowing. The slower stratum's SD is not reported: two assumptions bound it."""
    slowing = np.linspace(0, 1, 41)
    curves = pd.DataFrame({"slowing": slowing} | enrichment_power(primary, slower, enrolment, slowing))
    at = enrichment_power(primary, slower, enrolment, assumptions.BENCHMARK_SLOWING)
    return Enrichment(
        curves=curves,
        at_benchmark={design: float(p) for design, p in at.items()},
        faster_decline=primary.placebo_decline,
        slower_decline=slower.placebo_decline,
        n_slower=int(data.value(enrolment, "n", population="slower", arm="both")),
    )


def power_sources(
    primary: PrimaryResult,
    detectable: PowerSummary,
    benchmark_result: Benchmark,
    length: TrialLength,
    enrichment_result: Enrichment,
    lag,
) -> pd.DataFrame:
    """Where the book's power figures come from: for each question, the model, the test,
    the function and the number. ``lag`` is a :class:`valor.analysis.biomarkers.LagPower`.
    The faster stratum at week 28 has one model (the pooled t test); the other rows say
    why their question needs another."""
    week = fmt.integer(primary.week)
    pooled = f"pooled two-sample *t* test, SD from the published CI ({fmt.integer(primary.n)} people)"
    rows = [
        (
            "the observed difference, week " + week,
            pooled,
            "{py:func}`~valor.analysis.power.power_summary`",
            fmt.percent(detectable.power_observed),
        ),
        (
            f"the benchmark effect ({fmt.percent(benchmark_result.slowing)} of the decline), week {week}",
            pooled + "; the same number wherever this question is asked",
            "{py:func}`~valor.analysis.power.benchmark_power`",
            fmt.percent(benchmark_result.power),
        ),
        (
            f"a {fmt.percent(length.slowing)} slowing from day one, week {week} ({{numref}}`fig-dc-length`)",
            "the same test; the SD grows with time under linear decline, so a longer trial can help",
            "{py:func}`~valor.analysis.power.trial_length`",
            fmt.percent(length.quoted["len_28"]),
        ),
        (
            "the benchmark effect, both strata together ({numref}`fig-dc-enrich`)",
            "*t* test of the inverse-variance weighted difference; the slower stratum's SD is "
            "unreported, so two assumptions bound it",
            "{py:func}`~valor.analysis.power.enrichment`",
            f"{fmt.percent(enrichment_result.at_benchmark['equal_sd'])} to "
            f"{fmt.percent(enrichment_result.at_benchmark['equal_cv'])}",
        ),
        (
            f"the benchmark effect with no delay, week {week} ({{numref}}`fig-bm-power`)",
            "lagged-effect model, Welch's test, simulated: slowing each person's rate narrows the "
            "treated arm's spread, which the pooled test would ignore",
            "{py:func}`~valor.analysis.biomarkers.lag_power`",
            fmt.percent(lag.power(0, lag.primary_week)),
        ),
    ]
    table = pd.DataFrame(rows, columns=["Power against", "Model and test", "Function", "Power"])
    return table[["Power against", "Power", "Model and test", "Function"]]
