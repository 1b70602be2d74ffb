"""The primary result read from data/, the event-table rule, and the chapter figures."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # tests only; notebooks keep the inline backend

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from valor import data, endpoint, rules
from valor import figures_endpoint as fe


@pytest.fixture(scope="module")
def alsfrs():
    return data.load("alsfrs_week28")


def test_primary_reads_the_faster_stratum(alsfrs):
    p = endpoint.primary(alsfrs, data.load("enrolment"))
    assert (p.n_tofersen, p.n_placebo) == (39, 21)
    assert p.difference == pytest.approx(p.tofersen_change - p.placebo_change, abs=0.06)
    assert p.ci_low < p.difference < p.ci_high
    assert p.p_test == "joint rank test"
    assert p.placebo_decline == pytest.approx(-p.placebo_change)
    # the implied P comes from the CI, not the reported joint-rank P
    assert 0.5 < p.p_implied < 0.7 and p.p_implied != p.p_reported


def test_result_table_says_not_reported_for_the_slower_stratum(alsfrs):
    table = endpoint.result_table(alsfrs)
    assert table.loc["slower", "95% CI"] == "not reported"
    assert table.loc["slower", "P (test)"] == "not reported"
    assert "joint rank" in table.loc["faster", "P (test)"]


def test_events_table_keeps_data_cuts_apart():
    table = endpoint.events_table(data.load("events"))
    assert set(table.index.get_level_values("data_cut")) == {"July 2021", "January 2022"}
    assert table.loc[("July 2021", "death"), "early start"].startswith("4/72")
    assert table.loc[("January 2022", "any of these"), "early start"].endswith("%")


def _events(percent, n_events=13, n_arm=72):
    return pd.DataFrame(
        {
            "n_events": pd.array([n_events], "Int64"),
            "n_arm": pd.array([n_arm], "Int64"),
            "percent": pd.array([percent], "Float64"),
        }
    )


def test_percent_rule_accepts_rounding_and_missing_counts():
    keeps = rules.get("percent_matches_counts").keeps
    assert keeps(_events(18.1)).all()
    assert keeps(_events(25.0, n_events=None, n_arm=None)).all()


def test_percent_rule_flags_a_wrong_percentage():
    keeps = rules.get("percent_matches_counts").keeps
    assert not keeps(_events(19.1)).any()


def test_event_counts_add_up_in_the_july_cut():
    events = data.load("events")
    july = events[events.data_cut == "July 2021"]
    for arm, rows in july.groupby("arm"):
        parts = rows[rows.event != "any of these"]["n_events"].sum()
        assert parts == rows[rows.event == "any of these"]["n_events"].iloc[0], arm


def test_figures_are_drawn_from_data(alsfrs):
    figs = [
        fe.primary_result(alsfrs),
        fe.hazard_ratio_forest(data.load("hazard_ratios")),
        fe.compatibility_curve(1.2, 2.2, 0.97),
        fe.power_curve(
            np.linspace(0, 8, 5), np.linspace(0.05, 0.9, 5), np.linspace(0.05, 0.9, 5), np.full(5, 0.003), 1.2
        ),
        fe.power_lines(np.arange(5), {"a": np.linspace(0, 1, 5)}, xlabel="x"),
    ]
    for fig in figs:
        assert isinstance(fig, Figure)
    # the forest plot has one y tick per hazard-ratio row
    assert len(figs[1].axes[0].get_yticks()) == len(data.load("hazard_ratios"))
