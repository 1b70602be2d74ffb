"""The lessons chapter recomputes numbers that other chapters derive; it must show the
same values as they do. The golden snapshots are the contract: each lessons key maps,
explicitly, to the key of the chapter that first derives the value, and the two golden
values must be equal (tests/site/test_notebooks.py checks that each chapter's execution
matches its golden file, so the executed values agree too)."""
from __future__ import annotations

import json
import re

import pytest

from book import ROOT

GOLDEN = ROOT / "tests" / "golden"
LESSONS = ROOT / "chapters" / "lessons.md"

# lessons key -> (source chapter, key glued there)
SOURCES = {
    "ls_week": ("primary_endpoint", "pe_week"),
    "ls_n_faster": ("why_it_missed", "wm_n_faster"),
    "ls_n_all": ("why_it_missed", "wm_n_all"),
    "ls_diff": ("primary_endpoint", "pe_diff"),
    "ls_ci": ("primary_endpoint", "pe_ci"),
    "ls_decline": ("why_it_missed", "wm_decline"),
    # duration against lag
    "ls_slowing": ("why_it_missed", "wm_slowing"),
    "ls_len_28": ("why_it_missed", "wm_len_28"),
    "ls_len_all_slope_104": ("why_it_missed", "wm_len_all_slope_104"),
    "ls_len_half_104": ("why_it_missed", "wm_len_half_104"),
    "ls_effect": ("biomarkers", "bm_effect"),
    "ls_power_d0_w28": ("biomarkers", "bm_power_d0_w28"),
    "ls_mid_delay": ("biomarkers", "bm_mid_delay"),
    "ls_power_mid_w28": ("biomarkers", "bm_power_mid_w28"),
    "ls_len_long": ("biomarkers", "bm_len_long"),
    "ls_power_mid_w52": ("biomarkers", "bm_power_mid_w52"),
    "ls_power_max": ("biomarkers", "bm_power_max"),
    "ls_target_power": ("biomarkers", "bm_target_power"),
    # enrichment
    "ls_slower_decline": ("why_it_missed", "wm_slower_decline"),
    "ls_decline_ratio": ("why_it_missed", "wm_decline_ratio"),
    "ls_n_slower": ("why_it_missed", "wm_n_slower"),
    "ls_a4v_survival": ("why_it_missed", "wm_a4v_survival"),
    "ls_other_survival": ("why_it_missed", "wm_other_survival"),
    "ls_enrich_faster": ("why_it_missed", "wm_enrich_faster"),
    "ls_enrich_equal_sd": ("why_it_missed", "wm_enrich_equal_sd"),
    "ls_enrich_equal_cv": ("why_it_missed", "wm_enrich_equal_cv"),
    # endpoint choice
    "ls_sd": ("why_it_missed", "wm_sd"),
    "ls_cv": ("why_it_missed", "wm_cv"),
    "ls_p_reported": ("primary_endpoint", "pe_p_reported"),
    "ls_p_implied": ("primary_endpoint", "pe_p_implied"),
    "ls_upper_share": ("primary_endpoint", "pe_upper_share"),
    # biomarkers as surrogates
    "ls_nfl_relative": ("biomarkers", "bm_nfl_faster_relative"),
    "ls_nfl_fall": ("biomarkers", "bm_nfl_faster_tofersen_fall"),
    "ls_nfl_placebo_abs": ("biomarkers", "bm_nfl_faster_placebo_abs"),
    "ls_q1_yes": ("regulatory", "rg_q1_yes"),
    "ls_q1_no": ("regulatory", "rg_q1_no"),
    "ls_q2_yes": ("regulatory", "rg_q2_yes"),
    "ls_q2_no": ("regulatory", "rg_q2_no"),
    # delayed start
    "ls_ole_faster_week": ("open_label_extension", "ole_faster_week"),
    "ls_ole_faster_diff": ("open_label_extension", "ole_faster_diff"),
    "ls_w52_week": ("open_label_extension", "ole_w52_week"),
    "ls_w52_diff": ("open_label_extension", "ole_w52_diff"),
    "ls_w52_p": ("open_label_extension", "ole_w52_p"),
    "ls_completed_early_pct": ("open_label_extension", "ole_completed_early_pct"),
    "ls_completed_delayed_pct": ("open_label_extension", "ole_completed_delayed_pct"),
    # sample size
    "ls_power_obs": ("why_it_missed", "wm_power_obs"),
    "ls_detect80_share": ("why_it_missed", "wm_detect80_share"),
    "ls_n80_total": ("why_it_missed", "wm_n80_total"),
    "ls_n80_times": ("why_it_missed", "wm_n80_times"),
    "ls_n_half_total": ("why_it_missed", "wm_n_half_total"),
}

# The introduction's short answer: intro key -> (chapter that earns it, key glued there)
INTRO_SOURCES = {
    "intro_week": ("primary_endpoint", "pe_week"),
    "intro_difference": ("primary_endpoint", "pe_diff"),
    "intro_ci": ("primary_endpoint", "pe_ci"),
    "intro_p": ("primary_endpoint", "pe_p_reported"),
    "intro_n_faster": ("why_it_missed", "wm_n_faster"),
    "intro_n_all": ("why_it_missed", "wm_n_all"),
    "intro_power_obs": ("why_it_missed", "wm_power_obs"),
    "intro_target_power": ("biomarkers", "bm_target_power"),
    "intro_detect80_share": ("why_it_missed", "wm_detect80_share"),
    "intro_p_implied": ("primary_endpoint", "pe_p_implied"),
    "intro_nfl_relative": ("biomarkers", "bm_nfl_faster_relative"),
    "intro_nfl_fall": ("biomarkers", "bm_nfl_faster_tofersen_fall"),
    "intro_w52_week": ("open_label_extension", "ole_w52_week"),
    "intro_w52_diff": ("open_label_extension", "ole_w52_diff"),
    "intro_w52_p": ("open_label_extension", "ole_w52_p"),
}


def _golden(chapter: str) -> dict[str, str]:
    return json.loads((GOLDEN / f"{chapter}.json").read_text(encoding="utf-8"))


def test_every_lessons_value_has_a_declared_source():
    """No value in the lessons chapter without a source chapter, and no stale mapping."""
    assert set(_golden("lessons")) == set(SOURCES)


@pytest.mark.parametrize("key", sorted(SOURCES))
def test_lessons_value_equals_its_source_chapter(key):
    chapter, source_key = SOURCES[key]
    source = _golden(chapter)
    assert source_key in source, f"{chapter} no longer glues {source_key}"
    assert _golden("lessons")[key] == source[source_key], (
        f"lessons {key} = {_golden('lessons')[key]!r} but {chapter} {source_key} = "
        f"{source[source_key]!r}: the two computations have drifted apart")


def test_prose_uses_only_glued_keys_the_preamble_defines():
    text = LESSONS.read_text(encoding="utf-8")
    used = set(re.findall(r"\{glue:text\}`([^`]+)`", text))
    assert used <= set(SOURCES), used - set(SOURCES)
    assert set(SOURCES) <= used, f"glued but never shown: {set(SOURCES) - used}"


def test_no_cross_document_glue():
    """`doc::key` glue would not re-execute when the other chapter's data change."""
    assert "::" not in "".join(re.findall(r"\{glue(?::\w+)?\}`[^`]+`", LESSONS.read_text("utf-8")))


def test_every_cited_figure_is_drawn_by_another_chapter():
    text = LESSONS.read_text(encoding="utf-8")
    cited = set(re.findall(r"\{numref\}`(fig-[^`]+)`", text))
    defined = {name for path in (ROOT / "chapters").glob("*.md") if path != LESSONS
               for name in re.findall(r"^:name: (fig-\S+)", path.read_text("utf-8"), re.M)}
    assert len(cited) >= 6
    assert cited <= defined, cited - defined


@pytest.mark.parametrize("key", sorted(INTRO_SOURCES))
def test_intro_value_equals_the_chapter_that_earns_it(key):
    chapter, source_key = INTRO_SOURCES[key]
    intro, source = _golden("intro"), _golden(chapter)
    assert key in intro, f"the introduction no longer glues {key}"
    assert intro[key] == source[source_key], (
        f"intro {key} = {intro[key]!r} but {chapter} {source_key} = {source[source_key]!r}")


def test_each_point_of_the_short_answer_links_its_chapter():
    text = (ROOT / "chapters" / "intro.md").read_text(encoding="utf-8")
    answer = text.split("## The short answer", 1)[1].split("\n## ", 1)[0]
    points = re.split(r"^\d\. ", answer, flags=re.M)[1:]
    assert len(points) == 4
    for point, label in zip(points, ("why-it-missed", "primary-endpoint", "biomarkers",
                                     "open-label-extension")):
        assert re.search(r"\{ref\}`[^`]*<" + label + ">`", point), label
