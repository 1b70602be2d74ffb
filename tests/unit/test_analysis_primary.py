"""valor.analysis.primary: the primary result, its reconstruction, events and tables."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as st

from valor import data
from valor.analysis import primary

MINUS = "\u2212"


def test_primary_reads_the_faster_stratum(faster):
    assert (faster.n_tofersen, faster.n_placebo, faster.week, faster.allocation_ratio) == (39, 21, 28, 2)
    assert faster.difference == pytest.approx(faster.tofersen_change - faster.placebo_change, abs=0.06)
    assert faster.ci_low < faster.difference < faster.ci_high
    assert faster.p_test == "joint rank test"
    assert faster.placebo_decline == pytest.approx(-faster.placebo_change)


def test_reconstruction_worked_by_hand_and_against_scipy(faster):
    # 1.2 (-3.2 to 5.5): SE = 8.7 / (2 x 1.95996) = 2.2194; SD = SE / sqrt(1/39 + 1/21)
    assert faster.se == pytest.approx(8.7 / (2 * st.norm.ppf(0.975)))
    assert faster.sd == pytest.approx(faster.se / np.sqrt(1 / 39 + 1 / 21))
    assert faster.z == pytest.approx(1.2 / faster.se)
    assert faster.p_implied == pytest.approx(2 * st.norm.sf(faster.z))
    # the implied P comes from the CI, not the reported joint-rank P
    assert 0.5 < faster.p_implied < 0.7 and faster.p_implied != faster.p_reported


def test_texts_are_what_the_prose_shows(faster):
    texts = faster.texts()
    assert texts["ci"] == f"{MINUS}3.2 to 5.5"
    assert texts["p_reported"] == "P = 0.97" and texts["p_implied"] == "P = 0.59"
    assert texts["upper_share"] == "68%"  # 5.5 / 8.14
    assert all(isinstance(v, str) for v in texts.values())


def test_the_slower_stratum_has_no_interval_or_test(alsfrs):
    with pytest.raises(KeyError):
        primary.primary_result(alsfrs, data.load("enrolment"), data.load("design"), "slower")
    slower = primary.stratum_changes(alsfrs, "slower")
    assert slower.texts() == {
        "slower_tof": f"{MINUS}1.33",
        "slower_pla": f"{MINUS}2.73",
        "slower_diff": "1.4",
    }


def test_result_table_says_not_reported_and_uses_the_typographic_minus(alsfrs):
    table = primary.result_table(alsfrs).set_index("Measure")
    assert list(table.columns) == ["Faster stratum", "Slower stratum"]  # one column per stratum
    assert table.loc["Tofersen: change", "Faster stratum"] == f"{MINUS}6.98"
    assert table.loc["Difference (95% CI)", "Slower stratum"] == "1.4 (CI not reported)"
    assert table.loc["P (test)", "Slower stratum"] == "not reported"
    assert table.loc["Difference (95% CI)", "Faster stratum"] == f"1.2 ({MINUS}3.2 to 5.5)"
    assert table.loc["P (test)", "Faster stratum"] == "P = 0.97 (joint rank test)"


def test_events_table_keeps_data_cuts_apart():
    table = primary.events_table(data.load("events"))
    assert set(table["Data cut"]) == {"July 2021", "January 2022"}
    july = table[(table["Data cut"] == "July 2021") & (table["Event"] == "death")].iloc[0]
    assert july["Early start"] == "4/72 (5.6%)"
    jan = table[table["Data cut"] == "January 2022"].iloc[0]
    assert jan["Early start"] == "25.0%"


def test_event_counts_for_the_prose():
    texts = primary.event_counts(data.load("events")).texts()
    assert texts["ev_july_early"] == "13 of 72" and texts["ev_july_early_pct"] == "18.1%"
    assert texts["deaths_delayed"] == "3" and texts["ev_jan_delayed_pct"] == "36.1%"


def test_event_counts_add_up_in_the_july_cut():
    events = data.load("events")
    july = events[events.data_cut == "July 2021"]
    for arm, rows in july.groupby("arm"):
        parts = rows[rows.event != "any of these"]["n_events"].sum()
        assert parts == rows[rows.event == "any of these"]["n_events"].iloc[0], arm


def test_secondary_endpoints_give_numbers_only_from_the_regulators_reviews():
    rows = data.load("secondary_week28")
    secondary = primary.secondary_endpoints(rows)
    assert (secondary.n_endpoints, secondary.n_statements, secondary.n_reporting_values) == (3, 13, 5)
    assert secondary.table["Source"].str.startswith("{cite:p}`").all()
    assert list(secondary.table.columns) == ["Endpoint", "What the source says", "Source", "Numbers"]
    given = secondary.table["Numbers"] == "given"
    assert set(rows.loc[given, "source_key"]) == {"fda2023integratedreview", "ema2024assessmentreport"}
    assert set(rows.loc[given, "endpoint"]) == {"slow vital capacity", "hand-held dynamometry", "ALSAQ-5"}
    assert secondary.texts()["secondary_reporting"] == "5 of them report values"


def test_secondary_reporting_reads_as_prose_for_any_count():
    rows = data.load("secondary_week28")
    one = rows.assign(numbers_reported=["yes"] + ["no"] * (len(rows) - 1))
    assert primary.secondary_endpoints(one).texts()["secondary_reporting"] == "one of them reports values"
    two = rows.assign(numbers_reported=["yes", "yes"] + ["no"] * (len(rows) - 2))
    assert primary.secondary_endpoints(two).texts()["secondary_reporting"] == "2 of them report values"
