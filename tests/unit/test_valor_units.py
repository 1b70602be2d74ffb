"""Unit tests of the small helpers in valor/."""

from __future__ import annotations

import math

import matplotlib
import pandas as pd
import pytest

from booktools import build
from valor import book, data, figures, fmt, rules, style

# -- fmt ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, digits, text",
    [
        (1.2, 1, "1.2"),
        (-6.98, 2, "\u22126.98"),
        (-0.04, 1, "0.0"),
        (1.25, 0, "1"),
        (0, 1, "0.0"),
    ],
)
def test_num(value, digits, text):
    assert fmt.num(value, digits) == text


def test_signed_ci_percent_integer():
    assert fmt.signed(1.2) == "+1.2"
    assert fmt.signed(-1.2) == "\u22121.2"
    assert fmt.ci(-3.2, 5.5) == "\u22123.2 to 5.5"
    assert fmt.percent(0.38) == "38%"
    assert fmt.percent(0.555, 1) == "55.5%"
    assert fmt.integer(1080.0) == "1,080"
    with pytest.raises(ValueError):
        fmt.integer(2.5)


@pytest.mark.parametrize(
    "p, text",
    [
        (0.97, "P = 0.97"),
        (0.0272, "P = 0.03"),
        (0.004, "P = 0.004"),
        (0.00001, "P < 0.001"),
        (1.0, "P = 1.00"),
    ],
)
def test_p_value(p, text):
    assert fmt.p_value(p) == text


def test_formatting_refuses_missing_and_impossible_values():
    with pytest.raises(ValueError):
        fmt.num(math.nan)
    with pytest.raises(ValueError):
        fmt.p_value(1.5)


def test_numpy_scalars_format_like_floats():
    import numpy as np

    assert fmt.num(np.float64(9.634), 2) == "9.63"


# -- glue -----------------------------------------------------------------------


def test_glue_text_refuses_numbers():
    with pytest.raises(TypeError, match="format it with valor.fmt"):
        book.glue_text("key", 1.2)


def test_glue_markdown_refuses_non_text():
    with pytest.raises(TypeError, match="glue_markdown"):
        book.glue_markdown("key", 1.2)


def test_glue_markdown_lives_with_the_other_glue_helpers():
    from valor import factcheck

    assert not hasattr(factcheck, "glue_markdown")


# -- rules ----------------------------------------------------------------------


def test_ci_order_flags_only_bad_rows():
    frame = pd.DataFrame(
        {"estimate": [1.0, 1.0, None, 2.0], "ci_low": [0.0, 2.0, 3.0, None], "ci_high": [2.0, 3.0, 1.0, None]}
    )
    assert rules.RULES["ci_order"].keeps(frame).tolist() == [True, False, False, True]


def test_group_totals_flags_the_total_row():
    frame = pd.DataFrame(
        {"population": ["faster", "slower", "all"], "arm": ["tofersen"] * 3, "n": [39, 33, 70]}
    )
    assert rules.RULES["group_totals"].keeps(frame).tolist() == [True, True, False]


def test_difference_rule_tolerates_rounding_only():
    frame = pd.DataFrame(
        {
            "population": ["faster"] * 3,
            "comparison": ["tofersen", "placebo", "difference"],
            "estimate": [-6.98, -8.14, 1.2],
        }
    )
    assert rules.RULES["difference_matches_arms"].keeps(frame).all()
    frame.loc[2, "estimate"] = 1.3
    assert not rules.RULES["difference_matches_arms"].keeps(frame).iloc[2]


def test_unknown_rule_is_named():
    with pytest.raises(KeyError, match="unknown rule 'nope'"):
        rules.get("nope")


# -- figures --------------------------------------------------------------------


def test_dosing_timeline_draws_every_dose_and_the_endpoint():
    schedule, design = data.load("dosing_schedule"), data.load("design")
    fig = figures.dosing_timeline(schedule, design)
    ax = fig.axes[0]
    plotted = sorted(
        x for line in ax.get_lines() for x in line.get_xdata() if line.get_marker() in ("v", "o")
    )
    assert plotted == sorted(figures.study_week(schedule["study_day"].astype(float)))
    endpoint = figures.design_value(design, "primary_endpoint_week")
    assert any(list(line.get_xdata()) == [endpoint, endpoint] for line in ax.get_lines())
    matplotlib.pyplot.close(fig)


def test_enrolment_flow_shows_every_count():
    enrolment = data.load("enrolment")
    fig = figures.enrolment_flow(enrolment)
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    for row in enrolment.itertuples():
        assert f"n = {row.n}" in texts
    matplotlib.pyplot.close(fig)


def test_palette_is_okabe_ito_and_arms_differ_beyond_colour():
    assert set(style.ARM_COLOURS.values()) <= set(style.OKABE_ITO.values())
    assert style.ARM_LINESTYLES["tofersen"] != style.ARM_LINESTYLES["placebo"]
    assert style.ARM_MARKERS["tofersen"] != style.ARM_MARKERS["placebo"]


def test_study_week_and_missing_design_parameter():
    assert figures.study_week(1) == 0 and figures.study_week(169) == 24
    with pytest.raises(KeyError, match="no parameter 'nope'"):
        figures.design_value(data.load("design"), "nope")


# -- build helpers --------------------------------------------------------------


def test_deep_merge_keeps_siblings():
    base = {"sphinx": {"config": {"a": 1, "b": 2}, "x": 1}, "title": "t"}
    merged = build.deep_merge(base, {"sphinx": {"config": {"b": 3}}})
    assert merged == {"sphinx": {"config": {"a": 1, "b": 3}, "x": 1}, "title": "t"}
    assert base["sphinx"]["config"]["b"] == 2


def test_swap_in_replaces_the_site_whole(tmp_path):
    site, new = tmp_path / "html", tmp_path / "new"
    (site / "old").mkdir(parents=True)
    (site / "old" / "page.html").write_text("old")
    (new / "fresh").mkdir(parents=True)
    (new / "fresh" / "page.html").write_text("new")
    build.swap_in(new, site)
    assert [p.name for p in site.iterdir()] == ["fresh"]
    assert (new / "fresh" / "page.html").exists(), "the work copy is kept for incremental builds"
    assert not (tmp_path / "html.new").exists() and not (tmp_path / "html.old").exists()


# -- README ---------------------------------------------------------------------


def test_readme_layout_lists_every_valor_module():
    from book import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    modules = sorted(p.name for p in (ROOT / "valor").glob("*.py") if p.name != "__init__.py")
    missing = [m for m in modules if f"| `valor/{m}` |" not in readme]
    assert not missing, f"README.md's layout table does not list {missing}"
