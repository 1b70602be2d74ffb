"""valor.analysis.synthetic: each analysis step of the synthetic-trial chapter, checked
against an independent computation (NumPy least squares, SciPy, hand-made trials)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as st

from valor import stats, synthetic
from valor.analysis import synthetic as analysis

SEED = 20_211_018


@pytest.fixture(scope="module")
def targets():
    return synthetic.published_targets()


@pytest.fixture(scope="module")
def trial(targets):
    return synthetic.generate(targets, seed=SEED)


@pytest.fixture(scope="module")
def many(targets):
    return analysis.replicate_trials(targets, replicates=300, seed=SEED)


def _hand_made() -> pd.DataFrame:
    """Four people, one trial: B withdraws after week 8, D dies in week 10."""
    frame = pd.DataFrame(
        {
            "trial": 1,
            "id": ["A", "B", "C", "D"],
            "arm": ["tofersen", "tofersen", "placebo", "placebo"],
            "stratum": "faster",
            "baseline_alsfrs": [40, 38, 36, 30],
            "alsfrs_w4": [39.0, 37.0, 35.0, 28.0],
            "alsfrs_w8": [38.0, 35.0, 33.0, 27.0],
            "alsfrs_w12": [36.0, np.nan, 31.0, np.nan],
            "death_week": [np.nan, np.nan, np.nan, 10.0],
            "ventilation_week": np.nan,
            "withdrawal_week": [np.nan, 9.0, np.nan, np.nan],
        }
    )
    return frame


def test_week_change_as_observed_and_carried_forward():
    frame = _hand_made()
    assert analysis.week_change(frame, 12).tolist()[:1] == [-4.0] and np.isnan(
        analysis.week_change(frame, 12)[1]
    )
    assert analysis.week_change(frame, 12, "locf").tolist() == [-4.0, -3.0, -5.0, -3.0]
    with pytest.raises(ValueError, match="needs the full data"):
        analysis.week_change(frame, 12, "full")
    with pytest.raises(ValueError, match="imputation must be one of"):
        analysis.week_change(frame, 12, "mean")
    with pytest.raises(ValueError, match="no visit at week 10"):
        analysis.week_change(frame, 10)


def test_ranked_puts_death_first_and_carries_a_withdrawal_forward():
    ranked = analysis.ranked(_hand_made(), week=12, stratum=None)
    assert ranked.event.tolist() == [False, False, False, True]
    assert ranked.time[3] == 10.0 and np.isnan(ranked.time[:3]).all()
    assert ranked.change[:3].tolist() == [-4.0, -3.0, -5.0] and np.isnan(ranked.change[3])
    assert ranked.treated.tolist() == [True, True, False, False]


def test_ancova_is_least_squares_on_the_complete_cases(trial):
    result = analysis.primary_comparison(trial)
    rows = trial[trial["stratum"] == "faster"]
    y = analysis.week_change(rows, 28)
    kept = y.notna()
    x = np.column_stack([np.ones(kept.sum()), rows["arm"][kept] == "tofersen", rows["baseline_alsfrs"][kept]])
    beta, residual, *_ = np.linalg.lstsq(x.astype(float), y[kept].to_numpy(), rcond=None)
    assert result.difference == pytest.approx(beta[1])
    df = kept.sum() - 3
    se = np.sqrt(residual[0] / df * np.linalg.inv(x.T.astype(float) @ x.astype(float))[1, 1])
    assert result.ci_high - result.ci_low == pytest.approx(2 * st.t.ppf(0.975, df) * se)
    assert result.n_tofersen + result.n_placebo == kept.sum()


def test_the_batched_ancova_equals_the_one_trial_ancova(targets):
    trials = analysis.replicate_trials(targets, replicates=5, seed=SEED)
    for imputation in ("complete", "locf"):
        batched = analysis.ancova_by_trial(trials, imputation=imputation)
        for number, one in trials.groupby("trial"):
            single = analysis.primary_comparison(one, imputation=imputation)
            row = batched.iloc[number - 1]
            assert row["difference"] == pytest.approx(single.difference)
            assert (row["ci_low"], row["ci_high"]) == pytest.approx((single.ci_low, single.ci_high))
            assert row["p_value"] == pytest.approx(single.p_value)
            assert row["placebo_mean"] == pytest.approx(single.placebo_mean)


def test_the_t_test_is_scipys_on_the_observed_changes(trial):
    result = analysis.t_test(trial)
    rows = trial[trial["stratum"] == "faster"]
    change = analysis.week_change(rows, 28)
    a, b = change[rows["arm"] == "tofersen"].dropna(), change[rows["arm"] == "placebo"].dropna()
    assert result.p_value == pytest.approx(st.ttest_ind(a, b).pvalue)
    assert result.difference == pytest.approx(a.mean() - b.mean())


def test_joint_rank_ranks_death_and_ventilation_by_week_28(trial):
    result = analysis.joint_rank(trial)
    rows = trial[trial["stratum"] == "faster"]
    first = rows[["death_week", "ventilation_week"]].min(axis=1)
    event = first <= 28
    assert result.events_tofersen == int(event[rows["arm"] == "tofersen"].sum())
    assert result.events_placebo == int(event[rows["arm"] == "placebo"].sum())
    change = analysis.week_change(rows, 28, "locf").where(~event)
    expected = stats.joint_rank_test(event, first.where(event), change, rows["arm"] == "tofersen")
    assert result.p_value == pytest.approx(float(expected.p_value))


def test_power_of_tests_analyses_each_trial_as_the_one_trial_functions_do(targets):
    trials = analysis.replicate_trials(targets, replicates=40, seed=SEED)
    power = analysis.power_of_tests(trials)
    one_by_one = [
        (analysis.t_test(g).p_value, analysis.joint_rank(g).p_value) for _, g in trials.groupby("trial")
    ]
    assert power.t_test == pytest.approx(np.mean([p < 0.05 for p, _ in one_by_one]))
    assert power.joint_rank == pytest.approx(np.mean([p < 0.05 for _, p in one_by_one]))


def test_slope_model_recovers_known_slopes():
    """Straight lines with person-specific slopes and a little noise: the model's slopes."""
    rng = np.random.default_rng(0)
    n, weeks = 40, np.arange(0, 29, 4)
    treated = np.arange(n) < n // 2
    slopes = np.where(treated, -0.2, -0.3) + rng.normal(0, 0.05, n)
    scores = 40 + rng.normal(0, 2, (n, 1)) + slopes[:, None] * weeks + rng.normal(0, 0.5, (n, weeks.size))
    frame = pd.DataFrame(
        {"trial": 1, "id": [f"P{i}" for i in range(n)], "arm": np.where(treated, "tofersen", "placebo")}
        | {"stratum": "faster", "baseline_alsfrs": scores[:, 0]}
        | {f"alsfrs_w{w}": scores[:, j] for j, w in enumerate(weeks) if w}
    )
    fit = analysis.slope_model(frame)
    assert fit.converged
    assert fit.placebo_slope == pytest.approx(-0.3, abs=0.03)
    assert fit.slope_ci[0] < 0.1 < fit.slope_ci[1]
    assert fit.difference_at_week == pytest.approx(fit.slope_difference * 28)
    assert fit.n_visits == n * weeks.size


def test_the_slope_model_of_a_synthetic_trial_converges(trial):
    fit = analysis.slope_model(trial)
    assert fit.converged and fit.n_participants == 60


def test_missing_data_full_data_is_unbiased_and_the_others_are_compared(targets, trial):
    full = synthetic.generate(targets, seed=SEED, hide_after_events=False)
    many_full = analysis.replicate_trials(targets, replicates=300, seed=SEED, hide_after_events=False)
    many = analysis.replicate_trials(targets, replicates=300, seed=SEED)
    result = analysis.missing_data(targets, trial, full, many, many_full)
    assert set(result.averages) == {"complete", "locf", "full"}
    assert abs(result.averages["full"] - result.true_difference) < 4 * result.mc_se
    assert result.comparisons["full"].n_tofersen + result.comparisons["full"].n_placebo == 60
    assert result.n_missing == 60 - (
        result.comparisons["complete"].n_tofersen + result.comparisons["complete"].n_placebo
    )
    assert list(result.table().columns)[0] == "Missing visits"
    with pytest.raises(ValueError, match="same targets, same seed"):
        analysis.missing_data(targets, trial, synthetic.generate(targets, seed=SEED + 1), many, many_full)


def test_one_trial_at_a_time(many):
    with pytest.raises(ValueError, match="one synthetic trial at a time"):
        analysis.primary_comparison(many)


def test_recovery_lists_every_target(targets, trial, many):
    full = analysis.replicate_trials(targets, replicates=300, seed=SEED, hide_after_events=False)
    result = analysis.recovery(targets, trial, many, full)
    assert len(result.table) == 6 + 6 + 2
    assert result.table.iloc[2]["Published"] == "1.2"
    assert result.texts()["rec_replicates"] == "300"
    assert result.published_se == pytest.approx(stats.se_from_ci(-3.2, 5.5))


def test_the_batched_t_test_is_scipys_pooled_t_test_of_each_trial(targets):
    """Complete cases, unequal arms after the missing visits: scipy trial by trial."""
    from scipy import stats as st

    from valor.analysis.synthetic import _treatment_by_trial

    trials = analysis.replicate_trials(targets, replicates=30, seed=SEED)
    rows = trials[trials["stratum"] == "faster"]
    change = analysis.week_change(rows, 28)
    batched = _treatment_by_trial(rows, change, with_baseline=False)
    expected = []
    for _, trial in rows.assign(change=change).groupby("trial"):
        known = trial.dropna(subset=["change"])
        tofersen, placebo = (known.loc[known["arm"] == arm, "change"] for arm in ("tofersen", "placebo"))
        expected.append((tofersen.mean() - placebo.mean(), st.ttest_ind(tofersen, placebo).pvalue))
    assert change.isna().any(), "no missing changes: the complete-case path is not tested"
    assert batched.difference == pytest.approx([d for d, _ in expected], rel=1e-9)
    assert batched.p_value == pytest.approx([p for _, p in expected], rel=1e-9)
