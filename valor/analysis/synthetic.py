"""Analyses of the SYNTHETIC trial (:mod:`valor.synthetic`): what a trial team would run.

Chapter: *Analyse a VALOR-like trial yourself*. Every number here describes invented
participants, never VALOR's. The steps:

* :func:`primary_comparison`: the week-28 change compared between arms by ANCOVA
  (ordinary least squares with the baseline score as covariate, statsmodels), on complete
  cases or after carrying the last observation forward (:func:`week_change`);
* :func:`t_test` and :func:`joint_rank`: the unadjusted *t* test on survivors' changes
  against the joint rank test that ranks death and permanent ventilation worst
  (:func:`valor.stats.joint_rank_test`);
* :func:`slope_model`: a linear mixed model of every visit (random intercept and slope
  per participant, statsmodels' MixedLM), its difference in slopes carried to week 28;
* :func:`missing_data`: complete cases, last observation carried forward and the full
  data that only a synthetic trial has;
* :func:`replicate_trials`, :func:`power_of_tests` and :func:`recovery`: many synthetic
  trials of VALOR's size, analysed at once (a batched ANCOVA, :func:`ancova_by_trial`),
  for the power of each test and against the published numbers.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from valor import assumptions, deferred, fmt, stats, synthetic
from valor.analysis.result import Result

_st = deferred.module("scipy.stats")

IMPUTATIONS = {
    "complete": "complete cases",
    "locf": "last observation carried forward",
    "full": "full data (nobody missing: only a synthetic trial has it)",
}


def _column(week: int) -> str:
    return f"alsfrs_w{int(week)}"


def week_change(trial: pd.DataFrame, week: int, imputation: str = "complete") -> pd.Series:
    """Each participant's change in ALSFRS-R from baseline to ``week``: as observed
    (NaN when missing, ``"complete"``) or with the last observed visit, the baseline at
    worst, carried forward (``"locf"``). ``"full"`` expects a trial generated with
    ``hide_after_events=False`` and refuses one with missing visits."""
    if imputation not in IMPUTATIONS:
        raise ValueError(f"imputation must be one of {', '.join(IMPUTATIONS)}, got {imputation!r}")
    visits = [c for c in trial.columns if c.startswith("alsfrs_w") and int(c[8:]) <= week]
    if _column(week) not in visits:
        raise ValueError(f"the synthetic trial has no visit at week {week}")
    if imputation == "full" and trial[visits].isna().any().any():
        raise ValueError('imputation="full" needs the full data: generate(..., hide_after_events=False)')
    scores = trial[_column(week)]
    if imputation == "locf":
        scores = trial[["baseline_alsfrs", *visits]].ffill(axis=1)[_column(week)]
    return scores - trial["baseline_alsfrs"]


@dataclass(frozen=True, repr=False)
class Comparison(Result):
    """Tofersen minus placebo in the change at one week, in one stratum of the synthetic trial."""

    method: str
    imputation: str
    n_tofersen: int
    n_placebo: int
    tofersen_mean: float  # unadjusted mean change of the participants analysed
    placebo_mean: float
    difference: float
    ci_low: float
    ci_high: float
    p_value: float
    residual_sd: float  # SD of the change around the model

    def texts(self) -> dict[str, str]:
        return {
            "n_tof": fmt.integer(self.n_tofersen),
            "n_pla": fmt.integer(self.n_placebo),
            "tof_mean": fmt.num(self.tofersen_mean, 2),
            "pla_mean": fmt.num(self.placebo_mean, 2),
            "diff": fmt.num(self.difference, 2),
            "ci": fmt.ci(self.ci_low, self.ci_high),
            "p": fmt.p_value(self.p_value),
            "sd": fmt.num(self.residual_sd),
        }

    def row(self, label: str) -> dict[str, str]:
        return {
            "analysis": label,
            "participants (tofersen + placebo)": f"{self.n_tofersen} + {self.n_placebo}",
            "difference (points)": fmt.num(self.difference, 2),
            "95% CI": fmt.ci(self.ci_low, self.ci_high),
            "P": fmt.p_value(self.p_value),
        }


def _stratum(trial: pd.DataFrame, stratum: str | None) -> pd.DataFrame:
    if trial["trial"].nunique() != 1:
        raise ValueError("analyse one synthetic trial at a time (select one value of 'trial')")
    return trial if stratum is None else trial[trial["stratum"] == stratum]


def primary_comparison(
    trial: pd.DataFrame, week: int = 28, stratum: str | None = "faster", imputation: str = "complete"
) -> Comparison:
    """ANCOVA of the change at ``week``: ``change ~ tofersen + baseline`` by ordinary least
    squares (statsmodels), plus the stratum when both strata are analysed (``stratum=None``).
    VALOR's own model also adjusted for riluzole or edaravone use and imputed missing data
    by multiple imputation; the synthetic trial has neither."""
    import statsmodels.formula.api as smf

    rows = _stratum(trial, stratum)
    frame = pd.DataFrame(
        {
            "change": week_change(rows, week, imputation),
            "tofersen": (rows["arm"] == "tofersen").astype(float),
            "baseline": rows["baseline_alsfrs"],
            "stratum": rows["stratum"],
        }
    ).dropna()
    formula = "change ~ tofersen + baseline" + (" + C(stratum)" if stratum is None else "")
    fit = smf.ols(formula, data=frame).fit()
    low, high = fit.conf_int().loc["tofersen"]
    means = frame.groupby("tofersen")["change"].mean()
    counts = frame["tofersen"].value_counts()
    return Comparison(
        method="ANCOVA (OLS, baseline score as covariate)",
        imputation=imputation,
        n_tofersen=int(counts.get(1.0, 0)),
        n_placebo=int(counts.get(0.0, 0)),
        tofersen_mean=float(means[1.0]),
        placebo_mean=float(means[0.0]),
        difference=float(fit.params["tofersen"]),
        ci_low=float(low),
        ci_high=float(high),
        p_value=float(fit.pvalues["tofersen"]),
        residual_sd=float(np.sqrt(fit.scale)),
    )


def t_test(trial: pd.DataFrame, week: int = 28, stratum: str | None = "faster") -> Comparison:
    """The pooled two-sample *t* test of the observed changes at ``week`` (complete cases:
    whoever died, needed ventilation or withdrew before it is left out)."""
    rows = _stratum(trial, stratum)
    change = week_change(rows, week)
    a = change[rows["arm"] == "tofersen"].dropna().to_numpy()
    b = change[rows["arm"] == "placebo"].dropna().to_numpy()
    test = _st.ttest_ind(a, b)
    low, high = test.confidence_interval()
    pooled = np.sqrt(((a.size - 1) * a.var(ddof=1) + (b.size - 1) * b.var(ddof=1)) / (a.size + b.size - 2))
    return Comparison(
        method="pooled two-sample t test",
        imputation="complete",
        n_tofersen=a.size,
        n_placebo=b.size,
        tofersen_mean=float(a.mean()),
        placebo_mean=float(b.mean()),
        difference=float(a.mean() - b.mean()),
        ci_low=float(low),
        ci_high=float(high),
        p_value=float(test.pvalue),
        residual_sd=float(pooled),
    )


@dataclass(frozen=True)
class RankedTrial:
    """What the joint rank test sees: arrays over participants (or trials x participants)."""

    event: np.ndarray  # death or permanent ventilation by the week
    time: np.ndarray  # week of that event (NaN without)
    change: np.ndarray  # change at the week, last observation carried forward (NaN with an event)
    treated: np.ndarray  # 1-D: tofersen


def ranked(trial: pd.DataFrame, week: int = 28, stratum: str | None = "faster") -> RankedTrial:
    """Death or permanent ventilation by ``week`` ranks worst, the earlier the worse; everyone
    else ranks by their change, a withdrawal by their last observed change (LOCF). Several
    trials of one layout give 2-D arrays, one row per trial."""
    rows = trial if stratum is None else trial[trial["stratum"] == stratum]
    n_trials = rows["trial"].nunique()

    def shaped(values):
        values = np.asarray(values).reshape(n_trials, -1)
        return values[0] if n_trials == 1 else values

    first = rows[["death_week", "ventilation_week"]].min(axis=1).to_numpy()
    event = first <= week
    layout = (rows["arm"] == "tofersen").to_numpy().reshape(n_trials, -1)
    if not (layout == layout[0]).all():
        raise ValueError("every trial must list its participants in the same order of arms")
    return RankedTrial(
        event=shaped(event),
        time=shaped(np.where(event, first, np.nan)),
        change=shaped(np.where(event, np.nan, week_change(rows, week, "locf").to_numpy())),
        treated=layout[0],
    )


@dataclass(frozen=True, repr=False)
class JointRank(Result):
    """The joint rank test of one synthetic stratum, events (death or permanent
    ventilation) ranked worst."""

    events_tofersen: int
    events_placebo: int
    statistic: float
    z: float
    p_value: float

    def texts(self) -> dict[str, str]:
        return {
            "jr_events_tof": fmt.integer(self.events_tofersen),
            "jr_events_pla": fmt.integer(self.events_placebo),
            "jr_z": fmt.num(self.z, 2),
            "jr_p": fmt.p_value(self.p_value),
        }


def joint_rank(trial: pd.DataFrame, week: int = 28, stratum: str | None = "faster") -> JointRank:
    """:func:`valor.stats.joint_rank_test` on :func:`ranked`."""
    data = ranked(_stratum(trial, stratum), week, stratum)
    result = stats.joint_rank_test(data.event, data.time, data.change, data.treated)
    return JointRank(
        events_tofersen=int(data.event[data.treated].sum()),
        events_placebo=int(data.event[~data.treated].sum()),
        statistic=float(result.statistic),
        z=float(result.z),
        p_value=float(result.p_value),
    )


@dataclass(frozen=True, repr=False)
class SlopeModel(Result):
    """A linear mixed model of the ALSFRS-R score over the randomised phase."""

    week: int
    n_participants: int
    n_visits: int
    placebo_slope: float  # points a week
    slope_difference: float  # tofersen minus placebo, points a week
    slope_ci: tuple[float, float]
    p_value: float
    converged: bool

    @property
    def difference_at_week(self) -> float:
        return self.slope_difference * self.week

    def texts(self) -> dict[str, str]:
        low, high = self.slope_ci
        return {
            "slope_pla": fmt.num(self.placebo_slope, 3),
            "slope_diff": fmt.num(self.slope_difference, 3),
            "slope_ci": fmt.ci(low, high, 3),
            "slope_at_week": fmt.num(self.difference_at_week, 2),
            "slope_at_week_ci": fmt.ci(low * self.week, high * self.week),
            "slope_p": fmt.p_value(self.p_value),
            "slope_visits": fmt.integer(self.n_visits),
        }


def slope_model(trial: pd.DataFrame, week: int = 28, stratum: str | None = "faster") -> SlopeModel:
    """``alsfrs ~ week + week:tofersen`` with a random intercept and slope per participant
    (statsmodels' MixedLM, REML), on every observed visit up to ``week``: the arms share
    the intercept (randomisation) and differ in slope. It uses the visits of people who
    later died or withdrew, which is valid if their missing visits are missing at random
    given those they had."""
    import statsmodels.formula.api as smf
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    long = synthetic.long_format(_stratum(trial, stratum), up_to=week)
    long["tofersen"] = (long["arm"] == "tofersen").astype(float)
    model = smf.mixedlm("alsfrs ~ week + week:tofersen", long, groups=long["id"], re_formula="~week")
    # Powell's method first: the gradient-based optimisers fail on some draws of so small a trial.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        fit = model.fit(reml=True, method=["powell", "lbfgs"])
    failed = any("failed" in str(w.message) for w in caught if issubclass(w.category, ConvergenceWarning))
    converged = bool(fit.converged) and not failed
    low, high = fit.conf_int().loc["week:tofersen"]
    return SlopeModel(
        week=week,
        n_participants=long["id"].nunique(),
        n_visits=len(long),
        placebo_slope=float(fit.params["week"]),
        slope_difference=float(fit.params["week:tofersen"]),
        slope_ci=(float(low), float(high)),
        p_value=float(fit.pvalues["week:tofersen"]),
        converged=converged,
    )


def true_difference(t: synthetic.Targets, stratum: str = "faster") -> float:
    """The synthetic trial's true difference at the primary endpoint: tofersen minus placebo
    in the calibrated mean changes (what every analysis here tries to estimate)."""
    return t.change[stratum, "tofersen"] - t.change[stratum, "placebo"]


# -- many synthetic trials at once ----------------------------------------------


def replicate_trials(
    t: synthetic.Targets,
    replicates: int | None = None,
    seed: int | None = None,
    hide_after_events: bool = True,
) -> pd.DataFrame:
    """``synthetic_replicates`` synthetic trials of VALOR's size, drawn at once (the same
    seed gives the same trials with or without their hidden visits)."""
    n = assumptions.value("synthetic_replicates", replicates)
    return synthetic.generate(t, seed=seed, trials=n, hide_after_events=hide_after_events)


def ancova_by_trial(
    trials: pd.DataFrame, week: int = 28, stratum: str = "faster", imputation: str = "complete"
) -> pd.DataFrame:
    """The ANCOVA of :func:`primary_comparison` for every trial of ``trials`` at once
    (batched least squares; missing changes get weight 0). One row per trial:
    ``difference``, ``se``, ``ci_low``, ``ci_high``, ``p_value``, ``residual_sd``,
    ``tofersen_mean``, ``placebo_mean``."""
    rows = trials[trials["stratum"] == stratum]
    fit = _treatment_by_trial(rows, week_change(rows, week, imputation), with_baseline=True)
    t_crit = _st.t.ppf(1 - assumptions.ALPHA / 2, fit.df)

    def arm_mean(flag):
        kept = fit.weight * (fit.treated == flag)
        return (kept * fit.y).sum(axis=1) / kept.sum(axis=1)

    return pd.DataFrame(
        {
            "difference": fit.difference,
            "se": fit.se,
            "ci_low": fit.difference - t_crit * fit.se,
            "ci_high": fit.difference + t_crit * fit.se,
            "p_value": fit.p_value,
            "residual_sd": np.sqrt(fit.scale),
            "tofersen_mean": arm_mean(1.0),
            "placebo_mean": arm_mean(0.0),
        }
    )


@dataclass(frozen=True)
class _TrialFits:
    """Least squares of one change per person on the arm (and the baseline score), every
    trial at once; a missing change has weight 0."""

    y: np.ndarray  # trial x person: the change, 0 where missing
    weight: np.ndarray  # 1 where the change is known
    treated: np.ndarray  # 1 for tofersen
    difference: np.ndarray  # per trial: tofersen minus placebo
    se: np.ndarray
    df: np.ndarray
    scale: np.ndarray  # residual variance
    p_value: np.ndarray  # two-sided, t distribution with df degrees of freedom


def _treatment_by_trial(rows: pd.DataFrame, change: pd.Series, with_baseline: bool) -> _TrialFits:
    """Without the baseline this is the complete-case pooled *t* test of each trial, with
    it the complete-case ANCOVA (batched: scipy's ``ttest_ind`` with ``nan_policy="omit"``
    tests the trials one by one, 0.5 s for 2,000)."""
    n_trials = rows["trial"].nunique()
    change = change.to_numpy().reshape(n_trials, -1)
    treated = (rows["arm"] == "tofersen").to_numpy().reshape(n_trials, -1).astype(float)
    columns = [np.ones_like(treated), treated]
    if with_baseline:
        columns.append(rows["baseline_alsfrs"].to_numpy().reshape(n_trials, -1).astype(float))
    weight = (~np.isnan(change)).astype(float)
    y = np.where(weight > 0, change, 0.0)
    x = np.stack(columns, axis=-1)
    xtx = np.einsum("tni,tn,tnj->tij", x, weight, x)
    beta = np.linalg.solve(xtx, np.einsum("tni,tn,tn->ti", x, weight, y)[..., None])[..., 0]
    residual = weight * (y - np.einsum("tni,ti->tn", x, beta))
    df = weight.sum(axis=1) - len(columns)
    scale = (residual**2).sum(axis=1) / df
    se = np.sqrt(scale * np.linalg.inv(xtx)[:, 1, 1])
    p_value = 2 * _st.t.sf(np.abs(beta[:, 1] / se), df)
    return _TrialFits(y, weight, treated, beta[:, 1], se, df, scale, p_value)


def nfl_ratios(trials: pd.DataFrame, week: int = 28, stratum: str = "faster") -> pd.Series:
    """Per trial: the ratio of the arms' geometric mean NfL ratios to baseline at ``week``
    (tofersen over placebo), among participants with a sample at that week."""
    rows = trials[trials["stratum"] == stratum]
    log_ratio = np.log(rows[f"nfl_w{int(week)}"] / rows["nfl_baseline"])
    means = log_ratio.groupby([rows["trial"], rows["arm"]]).mean().unstack("arm")
    return np.exp(means["tofersen"] - means["placebo"])


def extension_differences(trials: pd.DataFrame, week: int) -> pd.Series:
    """Per trial: early minus delayed start in the mean change at ``week`` (whole cohort,
    participants seen at that week)."""
    change = week_change(trials, week)
    means = change.groupby([trials["trial"], trials["arm"]]).mean().unstack("arm")
    return means["tofersen"] - means["placebo"]


def _mc_se(values) -> float:
    values = np.asarray(values, float)
    return float(values.std(ddof=1) / np.sqrt(values.size))


@dataclass(frozen=True, repr=False)
class MissingData(Result):
    """The same ANCOVA under three ways of handling the visits that death, ventilation and
    withdrawal took away: in this trial, and on average over many."""

    comparisons: dict  # imputation -> Comparison, this trial
    averages: dict  # imputation -> mean difference over the replicates
    coverage: dict  # imputation -> share of the replicates' 95% CIs holding the true difference
    mc_se: float  # largest Monte-Carlo SE of the averages
    true_difference: float
    n_missing: int  # participants of this trial without a week-28 score
    replicates: int

    def texts(self) -> dict[str, str]:
        out = {
            "n_missing": fmt.integer(self.n_missing),
            "true_diff": fmt.num(self.true_difference, 2),
            "md_mcse": fmt.num(self.mc_se, 2),
        }
        for key, comparison in self.comparisons.items():
            out |= {f"{key}_{name}": text for name, text in comparison.texts().items()}
            out[f"{key}_average"] = fmt.num(self.averages[key], 2)
            out[f"{key}_bias"] = fmt.signed(self.averages[key] - self.true_difference, 2)
            out[f"{key}_coverage"] = fmt.percent(self.coverage[key])
        return out

    def table(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "Missing visits": IMPUTATIONS[key],
                    "This trial: participants": f"{c.n_tofersen} + {c.n_placebo}",
                    "This trial: difference (95% CI)": fmt.estimate_ci(
                        c.difference, c.ci_low, c.ci_high, 2, 2
                    ),
                    f"{fmt.integer(self.replicates)} trials: average difference": fmt.num(
                        self.averages[key], 2
                    ),
                    "CIs holding the true difference": fmt.percent(self.coverage[key]),
                }
                for key, c in self.comparisons.items()
            ]
        )


def missing_data(
    t: synthetic.Targets,
    trial: pd.DataFrame,
    full: pd.DataFrame,
    replicates: pd.DataFrame,
    replicates_full: pd.DataFrame,
    week: int = 28,
    stratum: str = "faster",
) -> MissingData:
    """:func:`primary_comparison` on complete cases, with LOCF, and on ``full`` (the same
    trial with every visit kept: ``generate(..., hide_after_events=False)``, same seed);
    then the same three on many trials (:func:`ancova_by_trial`), against the true
    difference (:func:`true_difference`)."""
    for observed, complete in ((trial, full), (replicates, replicates_full)):
        keys = ["trial", "id", "baseline_alsfrs"]
        if (
            observed.shape[0] != complete.shape[0]
            or not (observed[keys].to_numpy() == complete[keys].to_numpy()).all()
        ):
            raise ValueError(
                "each full trial must be the observed one with every visit kept (same targets, same seed)"
            )
    truth = true_difference(t, stratum)
    sources = {"complete": trial, "locf": trial, "full": full}
    comparisons = {key: primary_comparison(source, week, stratum, key) for key, source in sources.items()}
    batched = {
        key: ancova_by_trial(replicates_full if key == "full" else replicates, week, stratum, key)
        for key in IMPUTATIONS
    }
    averages = {key: float(r["difference"].mean()) for key, r in batched.items()}
    if not averages["locf"] < averages["complete"] < truth:
        raise ValueError(
            "the chapter says complete cases understate the true difference and LOCF more so; "
            f"the synthetic trials no longer say so: {averages} against {truth:.2f}"
        )
    return MissingData(
        comparisons=comparisons,
        averages=averages,
        coverage={
            key: float(((r["ci_low"] <= truth) & (truth <= r["ci_high"])).mean())
            for key, r in batched.items()
        },
        mc_se=max(_mc_se(r["difference"]) for r in batched.values()),
        true_difference=truth,
        n_missing=int(_stratum(trial, stratum)[_column(week)].isna().sum()),
        replicates=len(batched["full"]),
    )


@dataclass(frozen=True, repr=False)
class PowerOfTests(Result):
    """How often each test reaches P < alpha over many synthetic trials (the power against
    the synthetic trial's true difference)."""

    replicates: int
    alpha: float
    ancova: float
    t_test: float
    joint_rank: float

    def texts(self) -> dict[str, str]:
        def mc(p):
            return fmt.num(100 * np.sqrt(p * (1 - p) / self.replicates), 1)

        return {
            "alpha": f"{self.alpha:.2f}",
            "power_replicates": fmt.integer(self.replicates),
            "power_ancova": fmt.percent(self.ancova),
            "power_t": fmt.percent(self.t_test),
            "power_jr": fmt.percent(self.joint_rank),
            "power_mcse": mc(max(self.ancova, self.t_test, self.joint_rank, key=lambda p: p * (1 - p))),
        }


def power_of_tests(replicates: pd.DataFrame, week: int = 28, stratum: str = "faster") -> PowerOfTests:
    """The complete-case ANCOVA, the complete-case *t* test and the joint rank test
    (:func:`ranked`) of every trial in ``replicates``."""
    alpha = assumptions.ALPHA
    rows = replicates[replicates["stratum"] == stratum]
    t_test = _treatment_by_trial(rows, week_change(rows, week), with_baseline=False)
    data = ranked(rows, week, None)
    joint = stats.joint_rank_test(data.event, data.time, data.change, data.treated)
    return PowerOfTests(
        replicates=rows["trial"].nunique(),
        alpha=alpha,
        ancova=float((ancova_by_trial(rows, week, stratum)["p_value"] < alpha).mean()),
        t_test=float((t_test.p_value < alpha).mean()),
        joint_rank=float((joint.p_value < alpha).mean()),
    )


@dataclass(frozen=True, repr=False)
class Recovery(Result):
    """How close one synthetic trial, and the average of many, come to the published numbers."""

    table: pd.DataFrame  # quantity, published, this trial, average (complete cases), average (full data)
    differences: pd.DataFrame  # one row per replicate: the ANCOVA's difference, complete cases and full data
    this_trial: float  # the ANCOVA's difference in the one trial (complete cases)
    replicates: int
    mc_se: float  # largest Monte-Carlo SE of the averages in points (the ALSFRS-R rows)
    sd_of_differences: float  # spread of the replicates' differences: the true SE of one trial
    published_se: float

    def texts(self) -> dict[str, str]:
        return {
            "rec_replicates": fmt.integer(self.replicates),
            "rec_mcse": fmt.num(self.mc_se, 2),
            "sd_of_diffs": fmt.num(self.sd_of_differences, 2),
            "published_se": fmt.num(self.published_se, 2),
        }


def recovery(
    t: synthetic.Targets,
    trial: pd.DataFrame,
    replicates: pd.DataFrame,
    replicates_full: pd.DataFrame,
    week: int = 28,
) -> Recovery:
    """The published summaries beside what this chapter's analyses give on ``trial``
    (complete cases, as a trial team without imputation would see them) and averaged over
    ``replicates``: with their missing visits, and with every visit kept (``replicates_full``,
    the same trials; on it the calibration targets come back up to Monte-Carlo error)."""
    one = primary_comparison(trial, week)
    batched = [
        ancova_by_trial(r, week, imputation=i)
        for r, i in ((replicates, "complete"), (replicates_full, "full"))
    ]
    difference, low, high = t.published_difference
    rows, columns = [], []
    for label, published, column in (
        (
            "tofersen arm, mean change (faster stratum)",
            fmt.num(t.change["faster", "tofersen"], 2),
            "tofersen_mean",
        ),
        (
            "placebo arm, mean change (faster stratum)",
            fmt.num(t.change["faster", "placebo"], 2),
            "placebo_mean",
        ),
        ("difference, tofersen minus placebo", fmt.num(difference), "difference"),
        ("95% CI, lower end", fmt.num(low), "ci_low"),
        ("95% CI, upper end", fmt.num(high), "ci_high"),
        ("SD of the change", fmt.num(t.sd["faster"]), "residual_sd"),
    ):
        rows.append(
            (
                label,
                published,
                fmt.num(getattr(one, column), 2),
                *(fmt.num(b[column].mean(), 2) for b in batched),
            )
        )
        columns.append(column)
    mc = max(_mc_se(b[column]) for b in batched for column in columns)
    for arm in synthetic.ARMS:
        for event, column in synthetic.EVENT_COLUMNS.items():
            label = f"{synthetic.GROUPS[arm]}: {event} (of {t.n_arm(arm)})"
            counts = replicates[replicates["arm"] == arm].groupby("trial")[column].count()
            mine = int(trial.loc[trial["arm"] == arm, column].notna().sum())
            average = fmt.num(counts.mean(), 2)
            rows.append(
                (
                    label,
                    fmt.integer(round(t.expected_events(arm, event))),
                    fmt.integer(mine),
                    average,
                    average,
                )
            )
    published_ratio = t.nfl_ratio["faster", "tofersen"] / t.nfl_ratio["faster", "placebo"]
    rows.append(
        (
            f"plasma NfL, tofersen:placebo ratio at week {fmt.integer(week)} (faster stratum)",
            fmt.num(published_ratio, 2),
            fmt.num(nfl_ratios(trial, week).iloc[0], 3),
            *(fmt.num(np.exp(np.log(nfl_ratios(r, week)).mean()), 3) for r in (replicates, replicates_full)),
        )
    )
    rows.append(
        (
            f"early minus delayed start, week {fmt.integer(t.extension_week)} (whole cohort)",
            fmt.num(t.extension_difference),
            fmt.num(extension_differences(trial, t.extension_week).iloc[0], 2),
            *(
                fmt.num(extension_differences(r, t.extension_week).mean(), 2)
                for r in (replicates, replicates_full)
            ),
        )
    )
    n = fmt.integer(len(batched[0]))
    header = [
        "Quantity",
        "Published",
        "This synthetic trial",
        f"{n} trials, complete cases",
        f"{n} trials, full data",
    ]
    return Recovery(
        table=pd.DataFrame(rows, columns=header),
        differences=pd.DataFrame(
            {"complete cases": batched[0]["difference"], "full data": batched[1]["difference"]}
        ),
        this_trial=one.difference,
        replicates=len(batched[0]),
        mc_se=mc,
        sd_of_differences=float(batched[1]["difference"].std(ddof=1)),
        published_se=float(stats.se_from_ci(low, high)),
    )
