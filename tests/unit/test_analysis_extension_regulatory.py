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
    assert (results.verified["verified"] == "yes").all() and len(results.unverified) == 4
    rows = extension.forest_rows(w52)
    # HHD has its interval from the sponsor's briefing document (Table 11: 0.28 (0.05, 0.52));
    # ALSAQ-5's (Table 13: -10.3 (-17.33, -3.20)) lies below zero, lower being better
    assert (rows["verified"] == "yes").all()
    assert set(rows["endpoint"]) == {"alsfrs_r", "svc", "eq5d5l", "hhd", "alsaq5"}
    assert rows.loc[rows["lower_is_better"], "endpoint"].tolist() == ["alsaq5"]
    hhd = rows[rows["endpoint"] == "hhd"].iloc[0]
    assert (hhd["ci_low"], hhd["ci_high"]) == (0.05, 0.52) and hhd["source_key"] == "biogen2023adcombriefing"
    texts = results.texts()
    assert texts["w52_diff"] == "3.5 (0.4 to 6.7)" and texts["w52_p"] == "P = 0.0272"
    assert texts["w52_hhd"] == "0.28 (0.05 to 0.52)" and texts["w52_hhd_p"] == "P = 0.0186"
    assert (
        texts["w52_alsaq5"] == f"{MINUS}10.3 ({MINUS}17.33 to {MINUS}3.20)"
        and texts["w52_alsaq5_p"] == "P = 0.0044"
    )
    assert texts["unverified_endpoints"] == "CSF SOD1 and plasma NfL"


def test_week52_refuses_data_the_prose_would_misdescribe():
    w52 = data.load("ole_week52")
    worse = w52.copy()
    worse.loc[(worse["endpoint"] == "svc") & (worse["comparison"] == "difference"), "ci_low"] = -1.0
    with pytest.raises(ValueError, match="favours early start"):
        extension.week52_results(worse)
    # on the ALSAQ-5 a lower score is better: an interval above zero would favour delayed start
    alsaq5 = (w52["endpoint"] == "alsaq5") & (w52["comparison"] == "difference")
    flipped = w52.copy()
    flipped.loc[alsaq5, ["estimate", "ci_low", "ci_high"]] = [10.3, 3.2, 17.33]
    with pytest.raises(ValueError, match="favours early start"):
        extension.week52_results(flipped)


def test_favours_early_start_reads_the_direction_of_each_endpoint():
    rows = pd.DataFrame(
        {
            "endpoint": ["svc", "svc", "alsaq5", "alsaq5", "alsaq5"],
            "ci_low": [1.7, -0.5, -17.33, 3.2, -5.0],
            "ci_high": [16.6, 4.0, -3.20, 17.33, 1.0],
        }
    )
    assert extension.favours_early_start(rows).tolist() == [True, False, True, False, False]


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


# -- The record at the end of 2026 (issue 13) -------------------------------------


def test_week52_implied_p_is_the_normal_reading_of_the_interval():
    import math

    results = extension.week52_results(data.load("ole_week52"))
    # by hand: SE = (6.7 - 0.4) / (2 * 1.959964) = 1.607; z = 3.5 / 1.607 = 2.178
    se = (6.7 - 0.4) / (2 * 1.959964)
    assert results.p_implied("alsfrs_r") == pytest.approx(math.erfc(3.5 / se / math.sqrt(2)), rel=1e-4)
    assert results.texts()["w52_p_implied"] == "P = 0.029"


def test_extension_registry_record_beside_the_paper():
    texts = extension.registry_record(data.load("trial_registry")).texts()
    assert texts["reg_id"] == "NCT03070119" and texts["reg_as_of"] == "22 May 2023"
    assert texts["reg_enrolled"] == "138"  # everyone from Parts A, B and C, not only VALOR's 95
    assert texts["reg_completion_estimate"] == "13 Jun 2024" and texts["reg_completed"] == "Aug 2024"


def test_long_term_statements_label_each_speaker():
    statements = data.load("longterm_statements")
    framed = extension.long_term_statements(statements)
    table = framed.table()
    assert set(table["About"]) == set(extension.FRAMING_TOPICS)
    efs = table[table["Statement (quoted, or paraphrased)"].str.contains("event-free survival")]
    assert efs["Who says it"].tolist() == ["the sponsor"]
    assert efs.iloc[0, 2].startswith("“")  # quoted in the release: in quotation marks
    texts = framed.texts()
    assert texts["lt_efs_years"] == "3.4" and texts["lt_strength_pct"] == "27%"
    # the regulator's medians in the high-NfL subgroup: 253.6 - 76.0 = 177.6 weeks = 3.4 years
    assert (texts["lt_high_nfl_early_weeks"], texts["lt_high_nfl_delayed_weeks"]) == ("253.6", "76.0")
    assert texts["lt_high_nfl_gap_years"] == "3.4"
    assert "HR [95% CI]: 0.64 [0.28, 1.46]" in texts["lt_regulator_hr"]
    moved = statements.copy()
    moved.loc[moved["statement_id"] == "sponsor_event_free_survival", "speaker"] = "paper"
    with pytest.raises(ValueError, match="attributed to the paper"):
        extension.long_term_statements(moved)
    shifted = statements.copy()
    shifted.loc[shifted["statement_id"] == "regulator_high_nfl_delayed", "value"] = 100.0
    with pytest.raises(ValueError, match="years apart"):
        extension.long_term_statements(shifted)


def test_week52_assessed_counts_come_from_the_fda_review():
    participation = data.load("ole_participation")
    assessed = extension.assessed_week52(participation)
    # review, p. 49: 57/72 (79%) early and 28/36 (78%) delayed start had a week-52 score
    assert assessed.texts() == {
        "assessed_early": "57",
        "assessed_early_pct": "79%",
        "assessed_delayed": "28",
        "assessed_delayed_pct": "78%",
    }
    rows = participation[participation["measure"] == "assessed_alsfrs_w52"]
    assert set(rows["source_key"]) == {"fda2023integratedreview"}


def test_real_world_cohorts_have_no_control_group():
    cohorts = data.load("realworld_cohorts")
    rw = extension.real_world(cohorts)
    # realworld_cohorts.csv: NfL changes -58, -57.9, -62 (percent)
    assert rw.texts()["rw_nfl_falls"] == "57.9% to 62%"
    assert rw.texts()["rw_n_cohorts"] == str(len(cohorts))
    assert len(rw.table()) == len(cohorts)
    controlled = cohorts.copy()
    controlled.loc[0, "comparison"] = "matched natural-history controls"
    with pytest.raises(ValueError, match="de_eap_multicentre may"):
        extension.real_world(controlled)
    rising = cohorts.copy()
    rising.loc[0, "nfl_change_pct"] = 5.0
    with pytest.raises(ValueError, match="NfL fell"):
        extension.real_world(rising)


def test_atlas_registry_now_and_as_first_planned():
    atlas = data.load("atlas_registry")
    registry = regulatory.atlas_registry(atlas)
    texts = registry.texts()
    assert texts["atlas_status"] == "Active, not recruiting" and texts["atlas_as_of"] == "7 Mar 2025"
    assert (texts["atlas_enrolled"], texts["atlas_planned"]) == ("158", "150")
    assert (texts["atlas_parts_first"], texts["atlas_parts_now"]) == ("3", "4")
    assert texts["atlas_completion"] == "7 Aug 2027"
    table = registry.table().set_index("Fact")
    assert "Recruiting (as of 1 May 2023)" in table.at["Recruitment status", "Earlier, or as first planned"]
    assert "Closed (UK) (undated)" in table.at["Recruitment status", "Other sources"]
    parts = atlas["parameter"] == "design_parts"
    unchanged = atlas.copy()
    unchanged.loc[parts & (atlas["version"] == "other"), "value"] = "3"
    with pytest.raises(ValueError, match="a part was added"):
        regulatory.atlas_registry(unchanged)
    disagreeing = atlas.copy()
    disagreeing.loc[parts & (atlas["source_key"] == "tricals_atlas"), "value"] = "5"
    with pytest.raises(ValueError, match="disagree on the parts"):
        regulatory.atlas_registry(disagreeing)


def test_approvals_in_date_order_with_both_dates_where_sources_differ():
    approvals = data.load("approvals")
    summary = regulatory.approvals_summary(approvals, data.load("longterm_statements"))
    table = summary.table()
    assert len(table) == len(approvals)  # nothing merged
    # China's month-only September 2024 sorts before its 8 October notice and Japan's December
    assert table["Jurisdiction"].tolist()[:7] == ["United States"] + ["European Union"] * 4 + ["China"] * 2
    texts = summary.texts()
    assert (texts["ap_eu_decision"], texts["ap_eu_announced"], texts["ap_eu_reported"]) == (
        "29 May 2024",
        "30 May 2024",
        "31 May 2024",
    )
    assert (texts["ap_uk"], texts["ap_uk_reported"]) == ("22 Jul 2025", "28 Jul 2025")
    assert texts["ap_later"] == "China, Japan, Canada, the United Kingdom and South Korea"
    assert texts["ap_countries_sponsor"] == "44"
    eu = table[table["Jurisdiction"] == "European Union"]
    assert eu["The date is"].tolist() == [
        "the regulator's decision",
        "the regulator's decision",
        "the sponsor's announcement",
        "a news report",
    ]


def test_ema_statements_are_labelled_and_quoted_as_the_data_say():
    statements = data.load("ema_statements")
    reasoning = regulatory.ema_reasoning(statements)
    texts = reasoning.texts()
    assert texts["ema_epar_benefits"].startswith("“The benefits of Qalsody")
    assert not texts["ema_raw_data_project"].startswith("“")  # paraphrased
    assert reasoning.table()["Who"].notna().all()
    unknown = statements.copy()
    unknown.loc[0, "source_key"] = "somebody2025"
    with pytest.raises(KeyError, match="somebody2025"):
        regulatory.ema_reasoning(unknown)


def test_safety_totals_fda_counts_first_and_news_percentages_beside_them():
    totals = data.load("safety_totals")
    summary = regulatory.safety_totals(totals)
    texts = summary.texts()
    # Study 101 Part C, FDA integrated review Table 20 p. 86 and Section 7.6.1.2
    assert (texts["st_sae_valor_tofersen"], texts["st_sae_valor_placebo"]) == (
        "13 of 72 (18.1%)",
        "5 of 36 (13.9%)",
    )
    assert (texts["st_deaths_valor_tofersen"], texts["st_deaths_valor_placebo"]) == (
        "1 of 72 (1.4%)",
        "0 of 36",
    )
    # pooled Studies 101 and 102, Tables 59, 60 and 64
    assert (texts["st_sae_pooled"], texts["st_stop_pooled"], texts["st_deaths_pooled"]) == (
        "59 of 147 (40.1%)",
        "26 of 147 (17.7%)",
        "19 of 147 (12.9%)",
    )
    assert (texts["st_sae_12m"], texts["st_stop_12m"], texts["st_deaths_12m"]) == ("36.5%", "17.3%", "14")
    assert texts["st_cut_pooled"] == "120-day safety update"
    table = summary.table()
    assert table["Report"].iloc[0].startswith(regulatory.FDA_VALOR)  # the FDA's rows first
    from_news = totals["source_key"] != regulatory.FDA_RECORD
    assert set(table.loc[from_news.to_numpy(), "Out of"]) == {regulatory.NOT_REPORTED}
    news_with_denominator = totals.copy()
    news_row = int(from_news.to_numpy().nonzero()[0][0])
    news_with_denominator.loc[news_row, ["n", "denominator"]] = [13, 72]
    with pytest.raises(ValueError, match=f"rows {news_row + 2} do not fit"):
        regulatory.safety_totals(news_with_denominator)
    fda_without_denominator = totals.copy()
    fda_without_denominator.loc[0, "denominator"] = None
    with pytest.raises(ValueError, match="rows 2 do not fit"):
        regulatory.safety_totals(fda_without_denominator)


def test_question_two_brought_in_the_biomarkers():
    questions = data.load("adcom_questions")
    texts = regulatory.committee_questions(questions).texts()
    assert "with additional supporting results from the effects on relevant biomarkers" in texts["q2_wording"]
    assert "'convincing evidence" in texts["q2_wording"]
    changed = questions.copy()
    changed.loc[
        (changed["question"] == 2) & (changed["source_key"] == "thefly2023briefing"), "includes_biomarkers"
    ] = "no"
    with pytest.raises(ValueError, match="included the biomarker results"):
        regulatory.committee_questions(changed)


def test_prespecified_hazard_ratios_of_the_january_cut_stay_apart_from_the_sponsor():
    frame = data.load("hazard_ratios_prespecified")
    texts = extension.prespecified_hazard_ratios(frame).texts()
    # FDA review, p. 50: ITT 0.70 (0.28, 1.75) and 0.64 (0.22, 1.88); mITT 1.69 (0.53, 5.40)
    assert texts["hr_pre_all_dpv"] == "0.70 (95% CI 0.28 to 1.75)"
    assert texts["hr_pre_faster_dpv"] == "1.69 (95% CI 0.53 to 5.40)"
    sponsor = extension.hazard_ratio_summary(data.load("hazard_ratios")).texts()["hr_jan_dpv"]
    assert sponsor != texts["hr_pre_all_dpv"]  # the same cut and cohort, another model
    flipped = frame.copy()
    flipped.loc[flipped["population"] == "faster", "estimate"] = 0.9
    with pytest.raises(ValueError, match="favour delayed start"):
        extension.prespecified_hazard_ratios(flipped)
