"""Table rules, the build's helpers, and the README's layout table."""

from __future__ import annotations

import pandas as pd
import pytest

from booktools import build
from valor import rules

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
    modules = sorted(
        str(p.relative_to(ROOT)) for p in (ROOT / "valor").rglob("*.py") if p.name != "__init__.py"
    )
    missing = [m for m in modules if f"| `{m}` |" not in readme]
    assert not missing, f"README.md's layout table does not list {missing}"
