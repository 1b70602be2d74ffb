"""valor.analysis.biomarkers: two readings of the week-28 ratios, the time courses, and
the lagged-effect model calibrated to the primary result."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from valor import assumptions, data, lagged
from valor.analysis import biomarkers, power, primary


def week28_frame(t=0.5, p=1.25, r=0.4):
    return pd.DataFrame(
        {
            "biomarker": ["csf_sod1"] * 3,
            "population": ["faster"] * 3,
            "comparison": ["tofersen", "placebo", "tofersen:placebo"],
            "estimate": [t, p, r],
        }
    )


def test_summary_separates_within_arm_change_from_placebo_relative_reduction():
    s = biomarkers.biomarker_summary(week28_frame()).iloc[0]
    assert s["tofersen_change"] == pytest.approx(-0.5)  # the tofersen arm halved
    assert s["placebo_change"] == pytest.approx(0.25)  # placebo rose a quarter
    assert s["computed_ratio"] == pytest.approx(0.4)  # 0.5 / 1.25
    assert s["reduction_vs_placebo"] == pytest.approx(0.6)  # "a 60% reduction"


def test_readings_of_the_trial_data_show_the_two_readings_differ():
    readings = biomarkers.week28_readings(data.load("biomarker_week28"))
    s = readings.summary.set_index(["biomarker", "population"])
    assert set(s.index) == {(b, p) for b in ("csf_sod1", "plasma_nfl") for p in ("faster", "slower")}
    rose = s["placebo_change"] > 0  # wherever placebo rose, the relative reduction is the larger
    assert rose.any() and (s.loc[rose, "reduction_vs_placebo"] > -s.loc[rose, "tofersen_change"]).all()
    np.testing.assert_allclose(s["computed_ratio"], s["reported_ratio"], atol=0.02)
    texts = readings.texts()
    assert (texts["sod1_faster_relative"], texts["sod1_faster_tofersen_fall"]) == ("38%", "29%")
    assert texts["nfl_faster_p"] == "P < 0.0001" and texts["nfl_itt"] == "60%"
    table = readings.table().set_index("Biomarker, group")
    assert len(table) == 4
    assert table.loc["CSF SOD1, faster", "Ratio, reported (from the arms)"] == "0.62 (0.612)"
    assert table.loc["CSF SOD1, faster", "Reduction (1 − ratio)"] == "38%"


def test_readings_refuse_data_the_prose_would_misdescribe():
    week28 = data.load("biomarker_week28")
    rising = week28.copy()
    mask = (rising["biomarker"] == "plasma_nfl") & (rising["population"] == "faster")
    rising.loc[mask & (rising["comparison"] == "tofersen"), "estimate"] = 1.1
    with pytest.raises(ValueError, match="fell on tofersen"):
        biomarkers.week28_readings(rising)
    steady = week28.copy()
    slower_placebo = (steady["population"] == "slower") & (steady["comparison"] == "placebo")
    steady.loc[slower_placebo & (steady["biomarker"] == "csf_sod1"), "estimate"] = 1.02
    with pytest.raises(ValueError, match="fell on placebo in the slower one"):
        biomarkers.week28_readings(steady)


def test_time_course_reads_the_quoted_weeks():
    course = biomarkers.time_course(
        data.load("biomarker_timecourse"), data.load("biomarker_week28"), data.load("ole_oct2021")
    )
    assert course.weeks == biomarkers.QUOTED_WEEKS
    assert course.nfl_delayed_w28 > 1 > course.nfl_delayed_after  # NfL fell once placebo switched
    assert course.week_after == 40


@pytest.fixture(scope="module")
def faster():
    return primary.primary_result(data.load("alsfrs_week28"), data.load("enrolment"), data.load("design"))


def test_lag_model_is_calibrated_to_the_placebo_arm(faster):
    model = biomarkers.lag_model(faster)
    assert model.expected_change(faster.week, start=None) == pytest.approx(faster.placebo_change)
    assert model.sd_change(faster.week, start=None) == pytest.approx(faster.sd)
    assert model.effect == assumptions.BENCHMARK_SLOWING
    assert biomarkers.lag_model(faster, noise_share=0.0).noise_sd == 0


def test_lag_power_grid_and_what_it_quotes(faster):
    lag = biomarkers.lag_power(faster)
    assert len(lag.grid) == len(assumptions.LAG_DELAYS) * (1 + len(assumptions.LONGER_ENDPOINT_WEEKS))
    assert lag.lengths[0] == faster.week
    # simulation and the noncentral-t approximation agree
    assert np.abs(lag.grid["power"] - lag.grid["analytic_power"]).max() < 0.03
    # a delay costs power at week 28, a longer trial wins some back
    assert lag.power(0, 28) > lag.power(12, 28) < lag.power(12, 52)
    # the observed 1.2 points are what a halving gives after about 20 weeks
    assert lag.texts()["implied_delay"] == "20"


def test_the_lag_model_differs_from_the_pooled_t_test_for_a_stated_reason(faster):
    """With no delay both models ask about the benchmark effect at week 28; the lagged model
    gives more power because slowing each rate also narrows the treated arm's spread."""
    model = biomarkers.lag_model(faster)
    treated_sd, placebo_sd = model.sd_change(faster.week, 0.0), model.sd_change(faster.week, None)
    assert treated_sd < placebo_sd
    analytic = float(lagged.analytic_power(model, faster.n_tofersen, faster.n_placebo, [faster.week])[0])
    assert analytic > power.benchmark_power(faster)
    same = lagged.expected_difference(model, faster.week)
    assert float(same) == pytest.approx(assumptions.BENCHMARK_SLOWING * faster.placebo_decline)
