"""valor.assumptions: each modelling assumption defined once, read in one place."""

from __future__ import annotations

import pytest

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
