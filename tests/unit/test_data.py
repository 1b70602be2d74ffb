"""Every data file validates, is described in the manifest, and cites real sources."""

from __future__ import annotations

import pandas as pd
import pytest

from valor import data, rules

MANIFEST = data.read_manifest()
TABLES = list(MANIFEST["tables"])


def test_validate_all_reports_no_errors():
    assert data.validate_all() == []


def test_every_csv_is_in_the_manifest():
    listed = {spec["file"] for spec in MANIFEST["tables"].values()}
    on_disk = {p.name for p in data.paths.data_dir().glob("*.csv")}
    assert on_disk == listed


@pytest.mark.parametrize("name", TABLES)
def test_manifest_entry_is_complete(name):
    spec = MANIFEST["tables"][name]
    assert spec.get("title") and spec.get("description"), "a title and a description"
    assert spec.get("unique"), "a unique key"
    for column, col in spec["columns"].items():
        assert col.get("description"), f"column {column} needs a description"
        if col.get("type") in ("int", "float") and "unit" not in spec["columns"]:
            assert col.get("unit"), f"numeric column {column} needs a unit (or the table a unit column)"
    for rule in spec.get("rules", []):
        assert rule in rules.RULES


@pytest.mark.parametrize("name", TABLES)
def test_table_loads_with_provenance_on_every_row(name):
    frame = data.load(name)
    assert len(frame) > 0
    keys = data.bib_keys()
    assert set(frame["source_key"]) <= keys
    assert frame["source_location"].str.len().min() >= 3
    assert set(frame["confidence"]) <= {"high", "medium", "low"}


def test_load_records_the_files_it_reads(tmp_path, monkeypatch):
    log = tmp_path / "reads.txt"
    monkeypatch.setenv("VALOR_READS_LOG", str(log))
    data.load("enrolment")
    read = log.read_text().split()
    assert any(p.endswith("data/enrolment.csv") for p in read)
    assert any(p.endswith("data/manifest.yml") for p in read)


def test_enrolment_adds_up_and_matches_the_trial():
    n = data.load("enrolment").set_index(["population", "arm"])["n"]
    assert n["all", "both"] == n["all", "tofersen"] + n["all", "placebo"]
    for arm in ("tofersen", "placebo", "both"):
        assert n["all", arm] == n["faster", arm] + n["slower", arm]


def test_week28_difference_is_consistent_with_the_arms():
    frame = data.load("alsfrs_week28").set_index(["population", "comparison"])
    for population in ("faster", "slower"):
        arms = (
            frame.loc[(population, "tofersen"), "estimate"] - frame.loc[(population, "placebo"), "estimate"]
        )
        assert abs(frame.loc[(population, "difference"), "estimate"] - arms) < 0.06
    p_row = frame.loc[("faster", "tofersen vs placebo")]
    assert p_row["test"] == "joint rank test"
    assert pd.isna(p_row["estimate"])


# -- row look-ups -----------------------------------------------------------------


def test_row_and_value_find_exactly_one_row():
    enrolment = data.load("enrolment")
    assert data.value(enrolment, "n", population="faster", arm="tofersen") == 39
    assert data.row(enrolment, population="all", arm="both")["source_key"] == "miller2022nejm"
    with pytest.raises(KeyError, match="found 3"):
        data.row(enrolment, population="faster")
    with pytest.raises(KeyError, match="found 0"):
        data.row(enrolment, population="nobody")


def test_row_ignores_missing_values_in_the_condition():
    frame = pd.DataFrame({"a": pd.array([None, 1], "Int64"), "b": ["x", "y"]}, index=[10, 20])
    found = data.row(frame, a=1)
    assert found["b"] == "y" and found.name == 20  # the frame's own row, with its label


def test_parameter_reads_a_parameter_table():
    design = data.load("design")
    assert data.parameter(design, "primary_endpoint_week") == 28
    with pytest.raises(KeyError, match="no parameter 'nope'"):
        data.parameter(design, "nope")
