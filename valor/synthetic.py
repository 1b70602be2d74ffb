"""A SYNTHETIC, VALOR-like trial: made-up participants, calibrated to the published summaries.

Nothing here is trial data. :func:`generate` draws one row per invented participant
(seeded, vectorised NumPy) so that students can run the analyses a trial team would
run; :func:`targets` reads the published summaries it is calibrated to, through the
book's own analysis functions:

* the arms' mean change in ALSFRS-R at week 28, per progression stratum
  (:func:`valor.analysis.primary.primary_result`, :func:`~valor.analysis.primary.stratum_changes`);
* the SD of that change reconstructed from the faster stratum's published 95% CI
  (the slower stratum's is unreported: assumption ``synthetic_slower_cv_ratio``);
* the counts of deaths, permanent ventilation and withdrawals for progression per
  group (``data/events.csv``, July 2021 cut);
* the geometric mean ratios of plasma NfL to baseline at week 28
  (``data/biomarker_week28.csv``);
* the early- against delayed-start difference at week 52 (``data/ole_week52.csv``).

The model, each part an assumption of ``valor/assumptions.py``:

* each participant loses ALSFRS-R points at their own steady rate; rates vary between
  people and each visit adds noise (``synthetic_noise_share`` of the week-28 variance is
  noise); rounding to whole points adds variance 1/12,
  which the noise leaves room for (Sheppard's correction), so the rounded change has the
  calibrated SD;
* after week 28 (everyone on tofersen) each group keeps a fixed fraction of its own
  rate, chosen so that the group's mean change at week 52 is the published one;
* the baseline score is drawn from a normal distribution truncated so that no visit
  leaves the 0 to 48 scale (clipping would bias the calibrated means) under either arm
  (each participant's course under the other arm shares their deviation from the mean
  rate and their visit noise), so the baseline never depends on the arm; the few courses
  that span more than the whole scale stop at its ends;
* a participant has at most one event (death, permanent ventilation or withdrawal for
  progression) at a uniform time over the follow-up; faster decliners are more likely to
  have one (a probit model whose correlation with the rate is an assumption); no visit
  is recorded after the event;
* plasma NfL is log-normal at baseline and its ratio to baseline at week 28 is
  log-normal around the published geometric mean ratio.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from valor import assumptions, data, deferred, fmt, stats
from valor.analysis import primary
from valor.analysis.result import Result

optimize = deferred.module("scipy.optimize")

STRATA = ("faster", "slower")
ARMS = ("tofersen", "placebo")
#: The extension's group each randomised arm became.
GROUPS = {"tofersen": "early start", "placebo": "delayed start"}
#: The events of ``data/events.csv``, each a participant's first and only one here.
EVENTS = ("death", "permanent ventilation", "withdrawal for progression")
#: Column of the event's week, per event.
EVENT_COLUMNS = {
    "death": "death_week",
    "permanent ventilation": "ventilation_week",
    "withdrawal for progression": "withdrawal_week",
}
#: Column of the event's flag (true or false), per event.
FLAGS = {"death": "death", "permanent ventilation": "ventilation", "withdrawal for progression": "withdrawn"}
LABEL = "SYNTHETIC: invented participants calibrated to VALOR's published summaries, not trial data"


@dataclass(frozen=True, repr=False)
class Targets(Result):
    """The published summaries the synthetic trial is calibrated to."""

    week: int  # the primary endpoint's week
    extension_week: int  # the week of the delayed-start comparison
    max_score: int  # top of the ALSFRS-R scale
    n: dict  # (stratum, arm) -> participants randomised
    change: dict  # (stratum, arm) -> mean change in ALSFRS-R at ``week``
    sd: dict  # stratum -> SD of that change (faster: from the published CI)
    event_share: dict  # (arm, event) -> share of the arm with that event (July 2021 cut)
    nfl_ratio: dict  # (stratum, arm) -> geometric mean ratio of NfL to baseline at ``week``
    extension_change: dict  # arm -> the group's mean change at ``extension_week``, whole cohort
    published_difference: tuple  # faster stratum: (difference, CI low, CI high) as published

    @property
    def extension_difference(self) -> float:
        """Early minus delayed start at the extension week."""
        return self.extension_change["tofersen"] - self.extension_change["placebo"]

    def n_arm(self, arm: str) -> int:
        return sum(self.n[s, arm] for s in STRATA)

    def expected_events(self, arm: str, event: str) -> float:
        return self.n_arm(arm) * self.event_share[arm, event]

    def texts(self) -> dict[str, str]:
        return {
            "week": fmt.integer(self.week),
            "ext_week": fmt.integer(self.extension_week),
            "n_trial": fmt.integer(sum(self.n.values())),
            "sd_faster": fmt.num(self.sd["faster"]),
            "sd_slower": fmt.num(self.sd["slower"]),
            "ext_diff": fmt.num(self.extension_difference),
        } | {f"events_{arm}": fmt.percent(sum(self.event_share[arm, e] for e in EVENTS)) for arm in ARMS}


def targets(
    alsfrs: pd.DataFrame,
    enrolment: pd.DataFrame,
    design: pd.DataFrame,
    events: pd.DataFrame,
    biomarker_week28: pd.DataFrame,
    ole_week52: pd.DataFrame,
) -> Targets:
    """The calibration targets, read from the published tables through the analysis layer."""
    faster = primary.primary_result(alsfrs, enrolment, design)
    slower = primary.stratum_changes(alsfrs, "slower")
    cv_faster = faster.sd / faster.placebo_decline
    sd = {
        "faster": faster.sd,
        "slower": assumptions.SYNTHETIC_SLOWER_CV_RATIO * cv_faster * slower.placebo_decline,
    }
    changes = {"faster": faster, "slower": slower}
    july = events[events["data_cut"] == "July 2021"]
    return Targets(
        week=faster.week,
        extension_week=int(ole_week52["week"].iloc[0]),
        max_score=int(data.parameter(design, "alsfrs_r_max")),
        n={(s, a): int(data.value(enrolment, "n", population=s, arm=a)) for s in STRATA for a in ARMS},
        change={
            (s, a): changes[s].tofersen_change if a == "tofersen" else changes[s].placebo_change
            for s in STRATA
            for a in ARMS
        },
        sd=sd,
        event_share={
            (a, e): float(
                data.value(july, "n_events", arm=GROUPS[a], event=e)
                / data.value(july, "n_arm", arm=GROUPS[a], event=e)
            )
            for a in ARMS
            for e in EVENTS
        },
        nfl_ratio={
            (s, a): float(
                data.value(biomarker_week28, "estimate", biomarker="plasma_nfl", population=s, comparison=a)
            )
            for s in STRATA
            for a in ARMS
        },
        extension_change={
            a: float(data.value(ole_week52, "estimate", endpoint="alsfrs_r", comparison=GROUPS[a]))
            for a in ARMS
        },
        published_difference=(faster.difference, faster.ci_low, faster.ci_high),
    )


#: The published tables :func:`targets` reads, in the order it takes them.
TABLES = ("alsfrs_week28", "enrolment", "design", "events", "biomarker_week28", "ole_week52")


def published_targets() -> Targets:
    """:func:`targets` of the tables in ``data/`` (:data:`TABLES`)."""
    return targets(*(data.load(name) for name in TABLES))


def visit_weeks(t: Targets) -> np.ndarray:
    """The visits after baseline: every ``synthetic_visit_interval`` weeks to the primary
    endpoint, then the extension's looks (``longer_endpoint_weeks``)."""
    step = assumptions.SYNTHETIC_VISIT_INTERVAL
    extension = [w for w in assumptions.LONGER_ENDPOINT_WEEKS if w > t.week]
    if t.extension_week not in extension:
        raise ValueError(f"the extension's week {t.extension_week} is not a visit: {extension}")
    return np.array([*range(step, t.week + 1, step), *extension], float)


def extension_factors(t: Targets) -> dict[str, float]:
    """arm -> the fraction of its own rate each participant keeps after ``t.week``,
    so that the group's mean change at ``t.extension_week`` is the published one."""
    factors = {}
    for arm in ARMS:
        loss = sum(t.n[s, arm] * -t.change[s, arm] for s in STRATA) / t.n_arm(arm)  # by t.week
        later = -t.extension_change[arm] - loss  # further loss to the extension week
        factor = later / (loss * (t.extension_week - t.week) / t.week)
        if factor < 0:
            raise ValueError(
                f"{GROUPS[arm]}: the published change at week {t.extension_week} "
                f"({t.extension_change[arm]}) is less than the loss by week {t.week} ({-loss:.2f})"
            )
        factors[arm] = factor
    return factors


def _rate_moments(t: Targets, arm: str) -> tuple[float, float]:
    """Mean and SD of the rate of decline (points a week) over an arm, a mixture of the strata."""
    noise_share = assumptions.SYNTHETIC_NOISE_SHARE
    parts = [
        (t.n[s, arm] / t.n_arm(arm), -t.change[s, arm] / t.week, np.sqrt(1 - noise_share) * t.sd[s] / t.week)
        for s in STRATA
    ]
    mean = sum(w * m for w, m, _ in parts)
    return mean, float(np.sqrt(sum(w * (sd**2 + m**2) for w, m, sd in parts) - mean**2))


def event_threshold(t: Targets, arm: str, share: float) -> float:
    """The probit threshold c such that P(rho z + sqrt(1 - rho^2) e > c) = ``share``, where
    z is a participant's rate standardised by the arm's mean and SD (over both strata)
    and e is standard normal: exact for the mixture of strata, since within a stratum z is
    normal and E[Phi(a + b z)] has a closed form."""
    rho = assumptions.SYNTHETIC_EVENT_RATE_CORRELATION
    mean, spread = _rate_moments(t, arm)
    noise_share = assumptions.SYNTHETIC_NOISE_SHARE

    def probability(c):
        total = 0.0
        for s in STRATA:
            m = (-t.change[s, arm] / t.week - mean) / spread
            v = (1 - noise_share) * (t.sd[s] / t.week / spread) ** 2
            total += (
                t.n[s, arm]
                / t.n_arm(arm)
                * stats.normal_cdf((rho * m - c) / np.sqrt(1 - rho**2 + rho**2 * v))
            )
        return total

    return float(optimize.brentq(lambda c: probability(c) - share, -10, 10))


def _truncated_normal(rng, mean, sd, low, high):
    """Draws from N(mean, sd) truncated to [low, high] (arrays), by inverting the CDF."""
    a, b = stats.normal_cdf((low - mean) / sd), stats.normal_cdf((high - mean) / sd)
    return mean + sd * stats.normal_ppf(a + rng.uniform(size=np.shape(low)) * (b - a))


def _courses(rng, t: Targets, cell: np.ndarray, cells: list, weeks: np.ndarray):
    """Each participant's rate of decline (points a week) and rounded changes from baseline
    at each visit, under the arm they were randomised to and under the other arm (the same
    deviation from the mean rate and the same visit noise: potential outcomes)."""
    noise_share = assumptions.SYNTHETIC_NOISE_SHARE
    sd = np.array([t.sd[s] for s, _ in cells])[cell]
    deviation = rng.normal(0, np.sqrt(1 - noise_share) * sd / t.week)
    noise_sd = np.sqrt(noise_share * sd**2 - 1 / 12)  # rounding adds 1/12 to the variance
    noise = rng.normal(0, noise_sd[:, None], (cell.size, weeks.size))
    factors = extension_factors(t)
    rates, courses = {}, {}
    for arm in ARMS:
        rates[arm] = np.array([-t.change[s, arm] / t.week for s, _ in cells])[cell] + deviation
        elapsed = np.minimum(weeks, t.week) + factors[arm] * np.maximum(weeks - t.week, 0)
        courses[arm] = np.rint(-rates[arm][:, None] * elapsed + noise)
    treated = np.array([a == "tofersen" for _, a in cells])[cell]
    rate = np.where(treated, rates["tofersen"], rates["placebo"])
    change = np.where(treated[:, None], courses["tofersen"], courses["placebo"])
    return rate, change, np.hstack(list(courses.values()))


def _baselines(rng, t: Targets, courses: np.ndarray) -> np.ndarray:
    """Whole-point baseline scores from which no visit of either potential course leaves
    the scale: they depend on the person, never on the arm, as a baseline must."""
    low = np.maximum(0, -courses.min(axis=1))
    high = np.minimum(t.max_score, t.max_score - courses.max(axis=1))
    mean, sd = assumptions.SYNTHETIC_BASELINE_ALSFRS
    return np.clip(np.rint(_truncated_normal(rng, mean, sd, low - 0.5, high + 0.5)), low, high)


def _events(rng, t: Targets, arm: np.ndarray, rate: np.ndarray, follow_up: float):
    """Each participant's event (one of EVENTS, or "") and its week (NaN without)."""
    rho = assumptions.SYNTHETIC_EVENT_RATE_CORRELATION
    kind = np.full(arm.size, "", dtype=object)
    for a in ARMS:
        rows = arm == a
        mean, spread = _rate_moments(t, a)
        latent = rho * (rate[rows] - mean) / spread + np.sqrt(1 - rho**2) * rng.normal(size=rows.sum())
        shares = np.array([t.event_share[a, e] for e in EVENTS])
        chosen = np.array(EVENTS, dtype=object)[
            rng.choice(len(EVENTS), size=rows.sum(), p=shares / shares.sum())
        ]
        kind[rows] = np.where(latent > event_threshold(t, a, shares.sum()), chosen, "")
    return kind, np.where(kind != "", rng.uniform(0, follow_up, arm.size), np.nan)


def _nfl(rng, t: Targets, cell: np.ndarray, cells: list):
    """Plasma NfL at baseline and at the primary endpoint (pg/ml), log-normal."""
    geometric_means = dict(zip(STRATA, assumptions.SYNTHETIC_NFL_BASELINE, strict=True))
    base_sd, ratio_sd = assumptions.SYNTHETIC_NFL_LOG_SD
    baseline = np.exp(rng.normal(np.log([geometric_means[s] for s, _ in cells])[cell], base_sd))
    return baseline, baseline * np.exp(rng.normal(np.log([t.nfl_ratio[c] for c in cells])[cell], ratio_sd))


def generate(
    t: Targets, seed: int | None = None, trials: int = 1, hide_after_events: bool = True
) -> pd.DataFrame:
    """``trials`` synthetic trials of VALOR's size and strata, one row per participant.

    Columns: ``trial``, ``id``, ``arm``, ``stratum``, ``baseline_alsfrs``, one
    ``alsfrs_w<week>`` column per visit (:func:`visit_weeks`), ``death`` and
    ``death_week``, ``ventilation`` and ``ventilation_week``, ``withdrawn`` and
    ``withdrawal_week`` (NaN without the event), ``nfl_baseline`` and ``nfl_w<week>``
    (pg/ml). Visits after a participant's event are missing unless
    ``hide_after_events`` is false (what the visits would have been: the full data no
    real trial has). The same seed gives the same trials either way. The frame's
    ``attrs["synthetic"]`` says what it is.
    """
    if trials < 1:
        raise ValueError(f"trials must be at least 1, got {trials}")
    rng = np.random.default_rng(assumptions.value("seed", seed))
    cells = [(s, a) for s in STRATA for a in ARMS]
    per_trial = np.repeat(np.arange(len(cells)), [t.n[c] for c in cells])
    cell = np.tile(per_trial, trials)
    stratum, arm = (np.array([c[i] for c in cells], dtype=object)[cell] for i in (0, 1))
    weeks = visit_weeks(t)

    rate, change, courses = _courses(rng, t, cell, cells, weeks)
    baseline = _baselines(rng, t, courses)
    kind, event_week = _events(rng, t, arm, rate, weeks[-1])
    nfl_baseline, nfl_week = _nfl(rng, t, cell, cells)
    # The rare course spanning more than the whole scale stops at its ends.
    scores = np.clip(baseline[:, None] + change, 0, t.max_score)
    if hide_after_events:
        scores = np.where(event_week[:, None] < weeks, np.nan, scores)
        nfl_week = np.where(event_week < t.week, np.nan, nfl_week)

    frame = pd.DataFrame(
        {
            "trial": np.repeat(np.arange(1, trials + 1), per_trial.size),
            "id": np.tile([f"SYN-{i:03d}" for i in range(1, per_trial.size + 1)], trials),
            "arm": arm,
            "stratum": stratum,
            "baseline_alsfrs": baseline.astype(int),
        }
        | {f"alsfrs_w{int(w)}": scores[:, j] for j, w in enumerate(weeks)}
    )
    for event, column in EVENT_COLUMNS.items():
        frame[FLAGS[event]] = kind == event
        frame[column] = np.where(kind == event, event_week, np.nan)
    frame["nfl_baseline"] = nfl_baseline.round(1)
    frame[f"nfl_w{t.week}"] = nfl_week.round(1)
    frame.attrs["synthetic"] = LABEL
    return frame


def long_format(trial: pd.DataFrame, up_to: float | None = None) -> pd.DataFrame:
    """One row per participant and observed visit (week 0 is the baseline): ``trial``,
    ``id``, ``arm``, ``stratum``, ``baseline_alsfrs``, ``week``, ``alsfrs``, ``change``."""
    visits = [c for c in trial.columns if c.startswith("alsfrs_w")]
    frame = trial.assign(alsfrs_w0=trial["baseline_alsfrs"])
    long = frame.melt(
        id_vars=["trial", "id", "arm", "stratum", "baseline_alsfrs"],
        value_vars=["alsfrs_w0", *visits],
        var_name="week",
        value_name="alsfrs",
    ).dropna(subset=["alsfrs"])
    long["week"] = long["week"].str.removeprefix("alsfrs_w").astype(float)
    if up_to is not None:
        long = long[long["week"] <= up_to]
    long["change"] = long["alsfrs"] - long["baseline_alsfrs"]
    long = long.sort_values(["trial", "id", "week"]).reset_index(drop=True)
    long.attrs["synthetic"] = LABEL
    return long
