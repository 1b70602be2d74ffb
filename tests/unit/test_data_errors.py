"""A broken data file gives one clear message: file, line, column and the rule broken."""

from __future__ import annotations

import shutil

import pytest
from book import ROOT

from valor import data

HEADER = "population,arm,n,source_key,source_location,confidence\n"
ROW = "faster,tofersen,39,biogen2021ana,slide legend,high\n"


@pytest.fixture
def book(tmp_path, monkeypatch):
    """A minimal book root holding a copy of data/ and references.bib."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copy(ROOT / "references.bib", tmp_path / "references.bib")
    (tmp_path / "_config.yml").write_text("title: test\n")
    monkeypatch.setenv("VALOR_BOOK_ROOT", str(tmp_path))
    return tmp_path


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def error_of(name):
    with pytest.raises(data.DataError) as info:
        data.load(name)
    return str(info.value)


def test_missing_file(book):
    (book / "data" / "enrolment.csv").unlink()
    message = error_of("enrolment")
    assert "data/enrolment.csv" in message and "file not found" in message


def test_empty_file(book):
    (book / "data" / "enrolment.csv").write_text("")
    assert "data/enrolment.csv: the file is empty" in error_of("enrolment")


def test_header_only(book):
    (book / "data" / "enrolment.csv").write_text(HEADER)
    assert "data/enrolment.csv: has a header but no data rows" in error_of("enrolment")


def test_not_utf8(book):
    (book / "data" / "enrolment.csv").write_bytes(
        (HEADER + ROW).encode() + "slower,placebo,15,biogen2021ana,l\u00e9gende,high\n".encode("latin-1")
    )
    message = error_of("enrolment")
    assert "data/enrolment.csv, line 3: not valid UTF-8 (byte 0xe9)" in message


def test_missing_column(book):
    path = book / "data" / "enrolment.csv"
    path.write_text(path.read_text().replace(",confidence", "", 1))
    message = error_of("enrolment")
    assert "data/enrolment.csv, line 1 (header): missing column(s) confidence" in message


EDITS = {
    "duplicated key": (
        "enrolment",
        "slower,placebo,15",
        "faster,placebo,15",
        "data/enrolment.csv, line 9 (data row 8): duplicate key (population=faster, arm=placebo)",
    ),
    "text in a numeric column": (
        "enrolment",
        "slower,placebo,15",
        "slower,placebo,fifteen",
        "data/enrolment.csv, line 9 (data row 8), column 'n': expected a number (int) (found 'fifteen')",
    ),
    "fraction in an integer column": (
        "enrolment",
        "slower,placebo,15",
        "slower,placebo,15.5",
        "column 'n': expected a whole number (found '15.5')",
    ),
    "negative count": (
        "enrolment",
        "slower,placebo,15",
        "slower,placebo,-15",
        "data/enrolment.csv, line 9 (data row 8), column 'n': must be ≥ 0 (found -15)",
    ),
    "totals that do not add up": (
        "enrolment",
        "all,both,108",
        "all,both,110",
        "data/enrolment.csv, line 4 (data row 3), columns population, arm, n: rule 'group_totals' broken",
    ),
    "inverted CI bounds": (
        "alsfrs_week28",
        "1.2,-3.2,5.5",
        "1.2,5.5,-3.2",
        "data/alsfrs_week28.csv, line 4 (data row 3), columns ci_low, estimate, ci_high: "
        "rule 'ci_order' broken: the 95% CI must hold the estimate",
    ),
    "P outside [0, 1]": (
        "alsfrs_week28",
        ",0.97,",
        ",1.97,",
        "data/alsfrs_week28.csv, line 5 (data row 4), column 'p_value': must be ≤ 1 (found 1.97)",
    ),
    "difference inconsistent with the arms": (
        "alsfrs_week28",
        "difference,adjusted mean difference,1.4",
        "difference,adjusted mean difference,4.1",
        "data/alsfrs_week28.csv, line 8 (data row 7), columns comparison, estimate: "
        "rule 'difference_matches_arms' broken",
    ),
    "unknown source key": (
        "enrolment",
        "slower,placebo,15,biogen2021ana",
        "slower,placebo,15,nosuchsource",
        "data/enrolment.csv, line 9 (data row 8), column 'source_key': source key not "
        "found in references.bib (found 'nosuchsource')",
    ),
}


@pytest.mark.parametrize("case", EDITS)
def test_broken_value_is_reported_with_file_line_column_and_rule(book, case):
    table, old, new, expected = EDITS[case]
    edit(book / "data" / f"{table}.csv", old, new)
    assert expected in error_of(table)


def test_bad_confidence_and_value_not_allowed(book):
    edit(
        book / "data" / "enrolment.csv",
        'slower,placebo,15,biogen2021ana,"ALSFRS-R slide, legend of the left panel (n=15)",high',
        'slower,plasebo,15,biogen2021ana,"ALSFRS-R slide, legend of the left panel (n=15)",certain',
    )
    message = error_of("enrolment")
    assert (
        "line 9 (data row 8), column 'arm': must be one of tofersen, placebo, both (found 'plasebo')"
        in message
    )
    assert (
        "line 9 (data row 8), column 'confidence': must be one of high, medium, low (found 'certain')"
        in message
    )


def test_unlisted_csv_is_reported(book):
    (book / "data" / "stray.csv").write_text(HEADER + ROW)
    errors = data.validate_all()
    assert any("data/stray.csv: not listed in data/manifest.yml" in e for e in errors)


def test_cli_exits_non_zero_with_the_message(book, capsys):
    edit(book / "data" / "enrolment.csv", "slower,placebo,15", "slower,placebo,-15")
    assert data.main([]) == 1
    err = capsys.readouterr().err
    assert "Data validation failed" in err and "column 'n': must be ≥ 0" in err
