"""valor.assumptions: each modelling assumption defined once, read in one place, used."""

from __future__ import annotations

import re

import pytest
from book import ROOT, notebook_docnames

from valor import assumptions, data


def test_every_assumption_has_a_value_unit_and_reason():
    assert len(assumptions.names()) == len(set(assumptions.names()))
    for name in assumptions.names():
        a = assumptions.get(name)
        assert a.value is not None and a.unit and len(a.reason) > 40, name
        if a.source:
            assert a.source in data.bib_keys(), f"{name}: source {a.source} not in references.bib"


def test_attribute_and_name_read_the_same_value_through_one_function(monkeypatch):
    reads = []
    real = assumptions.value

    def recording(name, override=None):
        reads.append(name)
        return real(name, override)

    monkeypatch.setattr(assumptions, "value", recording)
    assert assumptions.ALPHA == assumptions.value("alpha") == 0.05
    assert reads == ["alpha", "alpha"]
    assert assumptions.value("alpha", 0.01) == 0.01


def test_unknown_names_are_refused_with_the_known_ones():
    with pytest.raises(KeyError, match="no assumption named 'alfa'.*alpha"):
        assumptions.value("alfa")
    with pytest.raises(AttributeError):
        assumptions.ALFA  # noqa: B018


def test_the_appendix_lists_every_assumption():
    rows = assumptions.table_rows()
    assert [r["assumption"] for r in rows] == [f"`{n}`" for n in assumptions.names()]
    seeds = next(r for r in rows if r["assumption"] == "`lag_delays`")
    assert seeds["value"] == "0, 4, 8, 12, 16, 20, 24"
    assert next(r for r in rows if r["assumption"] == "`n_trials`")["value"] == "10,000"


def _python_sources():
    return "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "valor").rglob("*.py"))


@pytest.mark.parametrize("name", assumptions.names())
def test_every_assumption_is_used(name):
    text = _python_sources() + "".join((ROOT / f"{d}.md").read_text("utf-8") for d in notebook_docnames())
    text = text.replace((ROOT / "valor" / "assumptions.py").read_text(encoding="utf-8"), "")
    assert f"assumptions.{name.upper()}" in text or re.search(rf"value\(\s*\"{name}\"", text), name


@pytest.mark.parametrize("doc", notebook_docnames())
def test_no_chapter_retypes_an_assumption(doc):
    """Assumptions are read from valor.assumptions, never set in a chapter's code."""
    code = "\n".join(
        re.findall(r"```\{code-cell\}[^\n]*\n(.*?)\n```", (ROOT / f"{doc}.md").read_text("utf-8"), re.S)
    )
    assert not re.search(
        r"^\s*(ALPHA|SEED|N_TRIALS|N_SIMS|NOISE_SHARE|EFFECT|SLOWING|TARGET_POWER)\b\s*=", code, re.M
    )
    assert "seed=" not in code.replace("seed=assumptions.SEED", ""), f"{doc}: a seed typed in a chapter"


def test_the_short_table_names_every_assumption_once_with_its_value():
    summary = assumptions.summary()
    named = [n for row in summary for n in re.findall(r"`(\w+)`", row["Name and value"])]
    assert sorted(named) == sorted(assumptions.names())
    assert sum(int(row["Assumptions"]) for row in summary) == len(assumptions.names())
    planning = next(row for row in summary if "alpha" in row["Name and value"])
    assert planning["Name and value"].startswith(f"`alpha` {assumptions.ALPHA:g};")


def test_a_long_list_of_values_is_shortened_to_its_count_and_range():
    assert assumptions.briefly((0.0, 0.5, 1.0)) == "0, 0.5, 1"
    assert assumptions.briefly((0, 4, 8, 12, 16)) == "5 values, 0 to 16"
    assert assumptions.briefly((3, 1, 2, 5, 4)) == "5 values, 1 to 5"


def test_an_assumption_left_out_of_every_group_is_refused(monkeypatch):
    monkeypatch.setitem(assumptions.GROUPS, "Significance level and power targets", ("alpha",))
    with pytest.raises(ValueError, match="GROUPS leaves out high_power, target_power"):
        assumptions.summary()


def test_the_full_table_has_human_column_labels():
    assert list(assumptions.table()[0]) == ["Assumption", "Value", "Unit", "Why", "Source"]
