"""valor.analysis.design and valor.analysis.background: counts, parameters, the schedule,
the ALSFRS-R scale and the registry decline."""

from __future__ import annotations

import pandas as pd
import pytest

from valor import data
from valor.analysis import background, design


def test_enrolment_counts_read_every_stratum_and_arm():
    counts = design.enrolment_counts(data.load("enrolment"))
    assert (counts.n_all, counts.n_tofersen, counts.n_placebo) == (108, 72, 36)
    assert (counts.n_faster_tofersen, counts.n_faster_placebo, counts.n_slower) == (39, 21, 48)
    assert counts.share_faster == pytest.approx(60 / 108)
    assert counts.texts()["share_faster"] == "56%"


def test_trial_facts_and_their_texts():
    facts = design.trial_facts(data.load("design"))
    assert facts.allocation_ratio == 2
    texts = facts.texts()
    assert (texts["ratio"], texts["start"], texts["end"], texts["followup"]) == (
        "2:1",
        "March 2019",
        "July 2021",
        "4 to 8",
    )


def test_the_sources_that_list_the_countries_agree_or_the_facts_refuse():
    table = data.load("design")
    assert design.trial_facts(table).texts()["countries_fda"] == "9"  # the three lists name nine
    disagreeing = table.copy()
    disagreeing.loc[disagreeing["parameter"] == "countries_registry", "value"] = 10
    with pytest.raises(ValueError, match="countries_registry"):
        design.trial_facts(disagreeing)


def test_dosing_schedule_against_the_endpoint():
    doses = design.dosing(data.load("dosing_schedule"), data.load("design"))
    # label: 3 loading doses 14 days apart, then maintenance every 28 days; day 1 is week 0
    assert (doses.n_loading, doses.n_maintenance, doses.loading_gap_days, doses.maintenance_gap_days) == (
        3,
        5,
        14,
        28,
    )
    assert doses.last_dose_week == 24 and doses.gap_to_endpoint == 4
    assert design.study_week(1) == 0 and design.study_week(169) == 24


def test_alsfrs_scale_is_checked_against_the_design_table():
    facts, parameters = data.load("background_facts"), data.load("design")
    scale = background.alsfrs_scale(facts, parameters)
    assert scale.items * scale.item_max == scale.total_max == 48
    assert scale.bulbar_items + scale.limb_items + scale.respiratory_items == scale.items
    wrong = parameters.copy()
    wrong.loc[wrong["parameter"] == "alsfrs_r_max", "value"] = 40.0
    with pytest.raises(
        ValueError, match="12 items x 4 points = 48, but data/design.csv gives a maximum of 40"
    ):
        background.alsfrs_scale(facts, wrong)


def test_registry_decline_by_the_endpoint_worked_by_hand():
    decline = background.registry_decline(data.load("background_facts"), data.load("design"))
    months = 28 * 7 / (365.25 / 12)  # 6.44 months
    assert decline.months == pytest.approx(months)
    assert decline.by_endpoint == pytest.approx(0.84 * months)
    assert decline.texts()["decline_by_endpoint"] == "5.4"


def test_survival_by_variant_and_epidemiology():
    survival = background.survival_by_variant(data.load("sod1_natural_history"))
    assert survival.median_a5v < survival.median_all < survival.median_other
    assert survival.texts()["duration_a5v"] == "1.4 ± 0.7"
    epi = background.epidemiology(data.load("background_facts"))
    assert epi.texts()["sod1_familial"] == "13 to 20%"


def test_results_print_one_number_per_line():
    counts = design.enrolment_counts(
        pd.DataFrame(
            {
                "population": ["all"] * 3 + ["faster"] * 3 + ["slower"] * 3,
                "arm": ["both", "tofersen", "placebo"] * 3,
                "n": [1080, 720, 360, 600, 390, 210, 480, 330, 150],
            }
        )
    )
    lines = repr(counts).splitlines()
    assert lines[0] == "Enrolment"
    assert "  n_all" in lines[1] and lines[1].endswith("1,080")
    assert lines[-1].split()[-1] == "0.5556"


def test_progression_criteria_as_the_fda_review_quotes_the_protocol():
    criteria = data.load("progression_criteria")
    rule = design.progression_criteria(criteria)
    # review, p. 39: nine listed variants with a slope of at least 0.2 a month, any other with 0.9
    assert len(rule.listed_variants) == 9 and rule.listed_variants[0] == "p.Ala5Val"
    texts = rule.texts()
    assert (texts["crit_slope_listed"], texts["crit_slope_other"]) == ("0.2", "0.9")
    assert (texts["crit_svc_faster"], texts["crit_svc_slower"]) == ("65", "50")
    assert texts["crit_variants"].endswith("p.Leu107Val or p.Val149Gly")
    swapped = criteria.copy()
    swapped.loc[swapped["rule"] == "a", "min_slope_per_month"] = 1.0
    with pytest.raises(ValueError, match="smaller slope"):
        design.progression_criteria(swapped)
