"""valor.synthetic: the SYNTHETIC trial reproduces each published summary it is calibrated
to, within Monte-Carlo error, and is built as a trial must be (one row per participant,
VALOR's strata and arms, a baseline that does not depend on the arm, whole-point scores on
the scale, no visit after an event).

Each calibration check draws REPLICATES synthetic trials of VALOR's size and compares the
average of a per-trial statistic with its target; the Monte-Carlo error is the SD of the
statistic over the trials divided by sqrt(REPLICATES), and an average passes within
Z_MC of them (a false alarm about once in 15,000 checks if the generator is right; the
draws are seeded, so every run gives the same answer). The tests with a wrong target show
that the criterion can fail.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from valor import assumptions, data, synthetic
from valor.analysis import primary

REPLICATES = 2_000
Z_MC = 4.0
SEED = 20_211_017  # the tests' own draws, apart from the book's


@pytest.fixture(scope="module")
def targets():
    return synthetic.published_targets()


@pytest.fixture(scope="module")
def full(targets):
    """Many synthetic trials with every visit kept (what the generator is calibrated on)."""
    return synthetic.generate(targets, seed=SEED, trials=REPLICATES, hide_after_events=False)


@pytest.fixture(scope="module")
def observed(targets):
    return synthetic.generate(targets, seed=SEED, trials=REPLICATES)


def within_mc(per_trial: pd.Series, target: float) -> tuple[bool, float, float]:
    """(average within Z_MC Monte-Carlo errors of target, average, Monte-Carlo error)."""
    per_trial = per_trial.dropna()
    mc_se = per_trial.std(ddof=1) / np.sqrt(per_trial.size)
    average = per_trial.mean()
    return abs(average - target) <= Z_MC * mc_se, average, mc_se


def change(frame: pd.DataFrame, week: int) -> pd.Series:
    return frame[f"alsfrs_w{week}"] - frame["baseline_alsfrs"]


def per_cell(frame: pd.DataFrame, values: pd.Series, stratum: str, arm: str, how: str) -> pd.Series:
    rows = (frame["stratum"] == stratum) & (frame["arm"] == arm)
    return values[rows].groupby(frame.loc[rows, "trial"]).agg(how)


# -- the targets come from the published tables, through the analysis layer -----


def test_targets_are_the_published_summaries(targets):
    faster = primary.primary_result(data.load("alsfrs_week28"), data.load("enrolment"), data.load("design"))
    slower = primary.stratum_changes(data.load("alsfrs_week28"), "slower")
    assert targets.change["faster", "tofersen"] == faster.tofersen_change
    assert targets.change["slower", "placebo"] == slower.placebo_change
    assert targets.sd["faster"] == faster.sd  # reconstructed from the published CI
    ratio = assumptions.SYNTHETIC_SLOWER_CV_RATIO
    assert targets.sd["slower"] == pytest.approx(
        ratio * faster.sd / faster.placebo_decline * slower.placebo_decline
    )
    assert targets.n["faster", "tofersen"] == faster.n_tofersen and targets.n_arm("placebo") == 36
    events = data.load("events")
    death = data.row(events, data_cut="July 2021", arm="delayed start", event="death")
    assert targets.expected_events("placebo", "death") == pytest.approx(death["n_events"])
    week52 = data.load("ole_week52")
    assert targets.extension_difference == pytest.approx(
        data.value(week52, "estimate", endpoint="alsfrs_r", comparison="difference")
    )
    biomarkers = data.load("biomarker_week28")
    nfl = data.value(
        biomarkers, "estimate", biomarker="plasma_nfl", population="faster", comparison="tofersen"
    )
    assert targets.nfl_ratio["faster", "tofersen"] == float(nfl)


# -- calibration: each target within Monte-Carlo error ---------------------------


@pytest.mark.parametrize("stratum", synthetic.STRATA)
@pytest.mark.parametrize("arm", synthetic.ARMS)
def test_arm_means_at_week_28(full, targets, stratum, arm):
    ok, average, mc_se = within_mc(
        per_cell(full, change(full, targets.week), stratum, arm, "mean"), targets.change[stratum, arm]
    )
    assert ok, f"{stratum}/{arm}: {average:.3f} vs {targets.change[stratum, arm]} (MC SE {mc_se:.3f})"


@pytest.mark.parametrize("stratum", synthetic.STRATA)
@pytest.mark.parametrize("arm", synthetic.ARMS)
def test_sd_of_the_change_is_the_one_reconstructed_from_the_ci(full, targets, stratum, arm):
    """Per-trial sample variances are unbiased for the variance, rounding included."""
    variances = per_cell(full, change(full, targets.week), stratum, arm, "var")
    ok, average, mc_se = within_mc(variances, targets.sd[stratum] ** 2)
    assert ok, (
        f"{stratum}/{arm}: variance {average:.2f} vs {targets.sd[stratum] ** 2:.2f} (MC SE {mc_se:.2f})"
    )


@pytest.mark.parametrize("arm", synthetic.ARMS)
@pytest.mark.parametrize("event", synthetic.EVENTS)
def test_event_counts(full, targets, arm, event):
    column = synthetic.EVENT_COLUMNS[event]
    rows = full["arm"] == arm
    counts = full.loc[rows, column].notna().groupby(full.loc[rows, "trial"]).sum()
    ok, average, mc_se = within_mc(counts, targets.expected_events(arm, event))
    assert ok, (
        f"{arm}/{event}: {average:.3f} vs {targets.expected_events(arm, event):.3f} (MC SE {mc_se:.3f})"
    )


@pytest.mark.parametrize("stratum", synthetic.STRATA)
@pytest.mark.parametrize("arm", synthetic.ARMS)
def test_nfl_geometric_mean_ratios(full, targets, stratum, arm):
    log_ratio = np.log(full[f"nfl_w{targets.week}"] / full["nfl_baseline"])
    ok, average, mc_se = within_mc(
        per_cell(full, log_ratio, stratum, arm, "mean"), np.log(targets.nfl_ratio[stratum, arm])
    )
    assert ok, (
        f"{stratum}/{arm}: log ratio {average:.4f} vs {np.log(targets.nfl_ratio[stratum, arm]):.4f} ({mc_se:.4f})"
    )


def test_delayed_start_difference_at_week_52(full, targets):
    means = change(full, targets.extension_week).groupby([full["trial"], full["arm"]]).mean().unstack()
    differences = means["tofersen"] - means["placebo"]
    ok, average, mc_se = within_mc(differences, targets.extension_difference)
    assert ok, f"{average:.3f} vs {targets.extension_difference} (MC SE {mc_se:.3f})"
    for arm in synthetic.ARMS:
        assert within_mc(means[arm], targets.extension_change[arm])[0], arm


def test_the_criterion_rejects_a_wrong_target(full, targets):
    """Half a point off in a mean, or one death too many, is caught."""
    cell = per_cell(full, change(full, targets.week), "faster", "placebo", "mean")
    assert not within_mc(cell, targets.change["faster", "placebo"] + 0.5)[0]
    deaths = full.loc[full["arm"] == "placebo", "death_week"].notna().groupby(full["trial"]).sum()
    assert not within_mc(deaths, targets.expected_events("placebo", "death") + 1)[0]


# -- built as a trial must be ------------------------------------------------------


def test_one_row_per_participant_in_valor_strata_and_arms(targets):
    trial = synthetic.generate(targets)
    assert trial["id"].is_unique and len(trial) == sum(targets.n.values())
    counts = trial.groupby(["stratum", "arm"]).size()
    for (stratum, arm), n in targets.n.items():
        assert counts[stratum, arm] == n
    assert trial.attrs["synthetic"].startswith("SYNTHETIC")
    visits = [c for c in trial.columns if c.startswith("alsfrs_w")]
    assert [int(c[8:]) for c in visits] == [4, 8, 12, 16, 20, 24, 28, 40, 52]


def test_the_same_seed_gives_the_same_trial_and_another_seed_another(targets):
    a, b = synthetic.generate(targets, seed=1), synthetic.generate(targets, seed=1)
    pd.testing.assert_frame_equal(a, b)
    assert not synthetic.generate(targets, seed=2)["baseline_alsfrs"].equals(a["baseline_alsfrs"])
    # without a seed, the book's seed
    pd.testing.assert_frame_equal(
        synthetic.generate(targets), synthetic.generate(targets, seed=assumptions.SEED)
    )


def test_scores_are_whole_points_on_the_scale(full, targets):
    scores = full[["baseline_alsfrs", *[c for c in full.columns if c.startswith("alsfrs_w")]]].to_numpy(float)
    assert np.array_equal(scores, np.rint(scores))
    assert scores.min() >= 0 and scores.max() <= targets.max_score


def test_the_baseline_does_not_depend_on_the_arm(full):
    per_trial = full.groupby(["trial", "arm"])["baseline_alsfrs"].mean().unstack()
    assert within_mc(per_trial["tofersen"] - per_trial["placebo"], 0.0)[0]


def test_at_most_one_event_and_no_visit_after_it(full, observed):
    flags = observed[["death", "ventilation", "withdrawn"]].to_numpy()
    assert flags.sum(axis=1).max() == 1
    weeks = observed[list(synthetic.EVENT_COLUMNS.values())].min(axis=1)
    for column in [c for c in observed.columns if c.startswith("alsfrs_w")]:
        after = weeks < int(column[8:])
        assert observed.loc[after, column].isna().all()
        # what is seen is what the full data hold, and only events hide visits
        kept = ~after
        assert observed.loc[kept, column].equals(full.loc[kept, column])
    assert full[[c for c in full.columns if c.startswith("alsfrs_w")]].notna().all().all()


def test_faster_decliners_have_events_more_often(full, targets):
    """The missing data are informative: those with an event had declined faster by week 28."""
    rows = full["stratum"] == "faster"
    event = full.loc[rows, list(synthetic.EVENT_COLUMNS.values())].notna().any(axis=1)
    loss = -change(full[rows], targets.week)
    assert loss[event].mean() > loss[~event].mean()


def test_long_format_has_one_row_per_observed_visit(targets):
    trial = synthetic.generate(targets)
    long = synthetic.long_format(trial, up_to=targets.week)
    visits = [c for c in trial.columns if c.startswith("alsfrs_w") and int(c[8:]) <= targets.week]
    assert len(long) == len(trial) + int(trial[visits].notna().sum().sum())
    first = long[long["id"] == "SYN-001"]
    assert first["week"].iloc[0] == 0 and first["change"].iloc[0] == 0
    assert long.attrs["synthetic"] == trial.attrs["synthetic"]


def test_refuses_a_published_week_52_that_cannot_follow_week_28(targets):
    from dataclasses import replace

    impossible = replace(targets, extension_change={"tofersen": -1.0, "placebo": -9.5})
    with pytest.raises(ValueError, match="early start: the published change at week 52"):
        synthetic.extension_factors(impossible)
    with pytest.raises(ValueError, match="trials must be at least 1"):
        synthetic.generate(targets, trials=0)
