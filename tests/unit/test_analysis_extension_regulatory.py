"""valor.analysis.extension and valor.analysis.regulatory."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from valor import data
from valor.analysis import extension, regulatory

MINUS = "\u2212"


def test_first_look_texts():
    texts = extension.first_look(data.load("ole_oct2021")).texts()
    assert texts["faster_diff"] == f"1.3 ({MINUS}4.1 to 6.7)"
    assert texts["faster_week"] == "40" and texts["faster_cut"] == "July 2021 cut"
    assert texts["nfl_fall_early"] == "55%"  # ratio 0.45


def test_week52_keeps_unverified_values_out():
    w52 = data.load("ole_week52")
    results = extension.week52_results(w52)
    assert (results.verified["verified"] == "yes").all() and len(results.unverified) == 5
    rows = extension.forest_rows(w52)
    assert (rows["verified"] == "yes").all() and "hhd" not in set(rows["endpoint"])
    texts = results.texts()
    assert texts["w52_diff"] == "3.5 (0.4 to 6.7)" and texts["w52_p"] == "P = 0.0272"
    assert texts["unverified_endpoints"] == "hand-held dynamometry, CSF SOD1 and plasma NfL"


def test_week52_refuses_data_the_prose_would_misdescribe():
    w52 = data.load("ole_week52")
    worse = w52.copy()
    worse.loc[(worse["endpoint"] == "svc") & (worse["comparison"] == "difference"), "ci_low"] = -1.0
    with pytest.raises(ValueError, match="favours early start"):
        extension.week52_results(worse)


def test_participation_and_long_term():
    taking_part = extension.participation_summary(
        data.load("ole_participation"), data.load("design"), data.load("enrolment")
    )
    assert taking_part.texts()["entered_pct"] == "88%"  # 95 of 108
    assert taking_part.completed == taking_part.completed_early + taking_part.completed_delayed
    later = extension.long_term(data.load("ole_longterm"))
    assert later.texts()["lt_alsfrs"] == f"{MINUS}9.9 against {MINUS}13.5 points"


def test_hazard_ratios_stay_apart_by_cut():
    texts = extension.hazard_ratio_summary(data.load("hazard_ratios")).texts()
    assert texts["hr_jul"] == "0.87 (95% CI 0.35 to 2.17)"
    assert texts["hr_jan_death"] == "0.27 (95% CI 0.08 to 0.89)"


def test_timeline_dates_and_days():
    timeline = regulatory.regulatory_timeline(data.load("regulatory_timeline"))
    texts = timeline.texts()
    assert texts["date_topline"] == "17 Oct 2021" and texts["date_nda_priority"] == "Jul 2022"
    assert timeline.date("nda_priority") == dt.date(2022, 7, 15)  # month only: mid-month
    assert (
        timeline.days_between("topline", "fda_accelerated")
        == (dt.date(2023, 4, 25) - dt.date(2021, 10, 17)).days
    )


def test_votes_table_keeps_every_report():
    votes = regulatory.committee_votes(data.load("regulatory_votes"))
    table = votes.table()
    assert len(table) == len(votes.rows) and sorted(set(table["Question"])) == ["1", "2"]
    assert (table["Question"] == "1").sum() >= 2  # both wordings of question 1 side by side
    assert votes.texts() == {"q1_yes": "9", "q1_no": "0", "q2_yes": "3", "q2_no": "5", "q2_abstain": "1"}


def _safety(rows):
    base = {"population": "p", "data_cut": "c", "event": "e"}
    return pd.DataFrame([base | r for r in rows])


def test_safety_table_computes_rates_only_where_both_numbers_are_reported():
    safety = regulatory.safety_reports(
        _safety(
            [
                {
                    "report": "A",
                    "counted": "participants",
                    "n": 4,
                    "denominator": 72,
                    "percent_reported": 5.6,
                    "source_key": "biogen2021ana",
                },
                {
                    "report": "B",
                    "counted": "events",
                    "n": 4,
                    "denominator": pd.NA,
                    "percent_reported": pd.NA,
                    "source_key": "lovett2025",
                },
                {
                    "report": "C",
                    "counted": "participants",
                    "n": pd.NA,
                    "denominator": 147,
                    "percent_reported": 4.1,
                    "source_key": "emasmpc",
                },
            ]
        )
    )
    table = safety.table()
    assert len(table) == 3  # one per report: nothing merged or summed
    assert table.iloc[0, 3:].tolist() == ["4 of 72 participants", "5.6% / 5.6%"]  # 4 / 72 = 5.56%
    assert table.iloc[1, 3:].tolist() == ["4 events", "— / not reported"]
    assert table.iloc[2, 3:].tolist() == ["not reported (of 147 participants)", "— / 4.1%"]
    assert table.iloc[0]["Report"] == "A {cite:p}`biogen2021ana`"


def test_safety_rows_of_the_book():
    safety = regulatory.safety_reports(data.load("safety_serious_neuro"))
    assert len(safety.table()) == len(safety.rows)
    counts = safety.table()["Count"].tolist()
    assert "1 participant" in counts and "1 of 72 participants" in counts  # never "1 participants"
    assert not [c for c in counts if c.startswith("1 participants")]
    summary = safety.summary()
    assert len(summary) == (safety.rows["event"] == regulatory.ANY).sum() < len(safety.rows)
    assert "Event" not in summary.columns
    row = safety.row("VALOR slides", "any serious neurologic event", "VALOR, tofersen arm")
    assert regulatory.count_text(row) == "4 of 72" and regulatory.printed_percent(row) == "5.6%"
    pooled = safety.row("Lovett et al. pooled review", "myelitis")
    assert (
        regulatory.count_text(pooled) == "4" and regulatory.printed_percent(pooled) == regulatory.NOT_REPORTED
    )
    with pytest.raises(KeyError, match="found 3"):  # tofersen arm, placebo arm, VALOR + extension
        safety.row("VALOR slides", "any serious neurologic event")
    assert safety.texts()["sn_valor_count"] == "4 of 72"


def test_atlas():
    atlas = regulatory.atlas_design(data.load("regulatory_atlas"))
    assert atlas.texts()["atlas_nfl_rise"] == "10"
