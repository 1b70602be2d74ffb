"""valor.analysis.power: one model for the faster stratum, one number per question, and
independent checks against statsmodels."""

from __future__ import annotations

import math

import numpy as np
import pytest
from statsmodels.stats.power import TTestIndPower

from valor import assumptions, data
from valor.analysis import background, biomarkers, power, primary


@pytest.fixture(scope="module")
def faster():
    return primary.primary_result(data.load("alsfrs_week28"), data.load("enrolment"), data.load("design"))


@pytest.fixture(scope="module")
def enrich(faster):
    return power.enrichment(
        faster, primary.stratum_changes(data.load("alsfrs_week28")), data.load("enrolment")
    )


def _statsmodels_power(delta, sd, n1, n2):
    return TTestIndPower().power(
        effect_size=delta / sd, nobs1=n1, alpha=0.05, ratio=n2 / n1, alternative="two-sided"
    )


def test_power_at_is_the_pooled_t_test_statsmodels_computes(faster):
    for delta in (faster.difference, 4.0, 8.0):
        assert power.power_at(faster, delta) == pytest.approx(
            _statsmodels_power(delta, faster.sd, faster.n_tofersen, faster.n_placebo), rel=1e-9
        )


def test_the_benchmark_question_has_one_answer(faster, enrich):
    """Power against a drug that halves the decline: the same number wherever it is asked."""
    answer = power.benchmark_power(faster)
    assert answer == pytest.approx(
        _statsmodels_power(0.5 * faster.placebo_decline, faster.sd, faster.n_tofersen, faster.n_placebo)
    )
    assert power.benchmark(faster).power == answer
    assert enrich.at_benchmark["faster"] == pytest.approx(answer, abs=1e-12)
    hetero = power.heterogeneity(faster, background.survival_by_variant(data.load("sod1_natural_history")))
    assert hetero.power_unadjusted == answer
    assert power.benchmark(faster).texts()["benchmark_power"] == hetero.texts()["mix_unadj"] == "44%"


def test_detectable_difference_is_the_t_test_statsmodels_solves(faster):
    summary = power.power_summary(faster)
    for target, d in (
        (summary.target_power, summary.detect_target),
        (summary.high_power, summary.detect_high),
    ):
        assert power.power_at(faster, d) == pytest.approx(target, abs=1e-9)
        effect = TTestIndPower().solve_power(
            nobs1=faster.n_tofersen, power=target, alpha=0.05, ratio=faster.n_placebo / faster.n_tofersen
        )
        assert d == pytest.approx(effect * faster.sd, rel=1e-5)
    # a single significant result needs less than a reliably detected effect, which
    # needs more than the arms' CIs to stop overlapping at 80% power
    assert summary.critical < summary.non_overlap < summary.detect_target < summary.detect_high
    assert summary.power_observed == pytest.approx(0.083, abs=0.001)


def test_needed_table_lists_the_four_criteria(faster):
    table = power.power_summary(faster).needed_table()
    assert len(table) == 4 and table["Share of the placebo decline"].iloc[-1] == "90%"


def test_sample_sizes_agree_with_statsmodels(faster):
    sizes = power.sample_sizes(faster)
    placebo = TTestIndPower().solve_power(
        effect_size=faster.difference / faster.sd, power=0.8, alpha=0.05, ratio=2.0
    )
    assert sizes.observed_target.n_placebo == math.ceil(placebo)
    assert sizes.observed_target.n_tofersen == 2 * sizes.observed_target.n_placebo
    assert sizes.texts()["n_target_total"] == "1,653"
    curve = power.sample_size_curve(faster, [2.0, 4.0])
    assert list(curve.columns) == ["delta", "80% power", "90% power"]
    assert (curve["90% power"] > curve["80% power"]).all()


def test_power_check_simulation_agrees_with_the_formula(faster):
    check = power.power_check(faster, deltas=[0.0, 4.0])
    assert check.n_trials == assumptions.N_TRIALS
    assert check.worst_gap < 4  # Monte-Carlo standard errors
    assert check.table["analytic"].iloc[0] == pytest.approx(assumptions.ALPHA)


def test_trial_length_at_the_endpoint_is_the_plain_t_test(faster):
    length = power.trial_length(faster)
    slowing = assumptions.LENGTH_SLOWING
    expected = power.power_at(faster, slowing * faster.placebo_decline)
    assert length.quoted["len_28"] == pytest.approx(expected)
    # with all the variance in rates, length does not help; with noise, it does
    assert length.quoted["len_all_slope_104"] == pytest.approx(expected)
    assert length.quoted["len_half_52"] < length.quoted["len_half_104"] < length.quoted["len_quarter_104"]
    assert list(length.curves.columns) == ["week", *assumptions.RATE_VARIANCE_SHARES]


def test_joint_rank_example_by_hand():
    example = power.joint_rank_example()
    # Each score is (others beaten) - (others beating). Tofersen: -3 beats five and loses
    # to one (4); -6 beats three, loses to three (0); -1 beats all six (6); -9 beats only
    # the death (-4). Placebo: -5 (4 - 2 = 2), -8 (2 - 4 = -2); the death loses to all (-6).
    assert example.table["score"].tolist() == [4, 0, 6, -4, 2, -2, -6]
    assert example.statistic == 6
    swapped = power.joint_rank_example(swap=True)
    assert swapped.statistic < example.statistic and swapped.p_value > example.p_value


def test_event_scenarios(faster):
    scenarios = power.event_scenarios(faster, power.power_summary(faster))
    mc = 3 * math.sqrt(0.05 * 0.95 / scenarios.n_trials)
    # no effect on the change score: the t test on survivors rejects at the nominal rate
    assert scenarios.fewer_events_t_survivors == pytest.approx(assumptions.ALPHA, abs=mc)
    assert scenarios.fewer_events_joint_rank > scenarios.fewer_events_t_survivors
    assert scenarios.equal_events_t_survivors > scenarios.equal_events_joint_rank


def test_heterogeneity_removes_variance_without_moving_the_mean(faster):
    hetero = power.heterogeneity(faster, background.survival_by_variant(data.load("sod1_natural_history")))
    assert hetero.within_sd**2 == pytest.approx(faster.sd**2 * (1 - hetero.between_share))
    assert hetero.power_adjusted > hetero.power_unadjusted
    assert hetero.power_simulated == pytest.approx(hetero.power_unadjusted, abs=0.03)


def test_enrichment_designs(faster, enrich):
    assert list(enrich.curves.columns) == ["slowing", *power.ENRICHMENT_DESIGNS]
    at_zero = enrich.curves.iloc[0]
    for design in power.ENRICHMENT_DESIGNS:
        assert at_zero[design] == pytest.approx(assumptions.ALPHA)
    # if the slower stratum's SD scales with its decline, everyone carries the same signal
    assert enrich.at_benchmark["equal_cv"] > enrich.at_benchmark["faster"] > enrich.at_benchmark["equal_sd"]


def test_power_sources_quote_the_functions_numbers(faster, enrich):
    lag = biomarkers.lag_power(faster)
    summary, bench, length = power.power_summary(faster), power.benchmark(faster), power.trial_length(faster)
    table = power.power_sources(faster, summary, bench, length, enrich, lag)
    assert list(table.columns) == ["Power against", "Power", "Model and test", "Function"]
    assert table["Power"].tolist()[:3] == [
        summary.texts()["power_obs"],
        bench.texts()["benchmark_power"],
        length.texts()["len_28"],
    ]
    assert table["Power"].iloc[-1] == lag.texts()["power_d0"]
    assert np.all(table["Function"].str.startswith("{py:func}"))
