"""valor.analysis.record: as-of dates from the data, questions of method, registry tables."""

from __future__ import annotations

import pandas as pd
import pytest

from valor import data
from valor.analysis import record


def test_dates_of_the_data_as_the_prose_shows_them():
    assert record.parse_date("2025-03-07") == (2025, 3, 7)
    assert record.parse_date("2021-04") == (2021, 4, None)
    assert record.date_text("2025-03-07") == "7 Mar 2025"
    assert record.date_text("2025-12") == "Dec 2025"
    for bad in ("07/03/2025", "2025", "2025-3-x"):
        with pytest.raises(ValueError, match="YYYY-MM"):
            record.parse_date(bad)


def test_as_of_is_the_newest_date_of_each_table():
    registry = pd.DataFrame({"as_of": ["2023-05-01", None, "2025-03", "2024-06-11"]})
    decisions = pd.DataFrame({"year": [2024, 2025, 2025], "month": [5, 8, 8], "day": [30, None, 1]})
    dated = record.as_of(registry=registry, decisions=decisions)
    # a month-only date counts as mid-month: 1 Aug 2025 < Aug 2025, shown as the month
    assert dated.texts() == {
        "as_of": "Aug 2025",
        "as_of_registry": "Mar 2025",
        "as_of_decisions": "Aug 2025",
    }
    with pytest.raises(ValueError, match="'empty' holds no date"):
        record.as_of(empty=pd.DataFrame({"as_of": [None]}))
    with pytest.raises(ValueError, match="holds no dates"):
        record.as_of(other=pd.DataFrame({"value": [1]}))


def test_as_of_of_the_books_registry_and_approvals():
    texts = record.as_of(atlas=data.load("atlas_registry"), approvals=data.load("approvals")).texts()
    # atlas_registry.csv: newest as_of is the registry record of 2025-03-07;
    # approvals.csv: the newest decision is South Korea's, 20 August 2025
    assert texts == {"as_of": "20 Aug 2025", "as_of_atlas": "7 Mar 2025", "as_of_approvals": "20 Aug 2025"}


def _questions(rows):
    base = {"question": "q?", "finding": "f", "source_key": "k", "source_location": "l", "confidence": "low"}
    return pd.DataFrame([base | r for r in rows])


def test_method_questions_check_what_the_chapter_says():
    frame = _questions(
        [
            {"item": "7a", "status": "not found"},
            {"item": "7a", "status": "partly sourced"},
            {"item": "7g", "status": "partly sourced"},
            {"item": "7g", "status": "sourced"},
        ]
    )
    both = record.method_questions(frame, settled="7g", open_items="7a")
    assert both.texts() == {"mq_7g_status": "sourced", "mq_7a_status": "partly sourced"}
    assert list(both.rows["item"]) == ["7g", "7g", "7a", "7a"]  # in the order named
    with pytest.raises(ValueError, match="item 7a: the chapter states it as sourced"):
        record.method_questions(frame, settled="7a")
    with pytest.raises(ValueError, match="item 7g: the chapter says no source settles it"):
        record.method_questions(frame, open_items="7g")
    with pytest.raises(KeyError, match="no item 7z"):
        record.method_questions(frame, settled="7z")


def test_method_question_table_names_each_question_once_and_cites_every_source():
    frame = data.load("method_questions")
    questions = record.method_questions(frame, settled="7g 7a 7b")
    table = questions.table()
    assert len(table) == len(questions.rows)
    named = table.loc[table["Question"] != "", "Question"].tolist()
    assert len(named) == 3 and named[1].startswith("Was the baseline-NfL covariate")
    assert all(cell.startswith("{cite:p}`") for cell in table["Source"])
    # the FDA's review settles 7a (baseline NfL added after unblinding); the sponsor's
    # briefing document settles 7b: interval and P from one ANCOVA + MI, not a joint rank test
    assert questions.status("7a") == record.SETTLED and questions.status("7b") == record.SETTLED
    settling = questions.rows[(questions.rows["item"] == "7b") & (questions.rows["status"] == record.SETTLED)]
    assert settling["source_key"].tolist() == ["biogen2023adcombriefing"]
    assert "95% CIs and nominal p-values are obtained from the ANCOVA model" in settling["finding"].iloc[0]
    with pytest.raises(ValueError, match="item 7b: the chapter says no source settles it"):
        record.method_questions(frame, open_items="7b")


def test_registry_table_keeps_disagreeing_versions_side_by_side():
    rows = pd.DataFrame(
        [
            {
                "parameter": "n",
                "value": "158",
                "kind": "count",
                "version": "now",
                "as_of": "2025-03-07",
                "source_key": "a",
            },
            {
                "parameter": "n",
                "value": "150",
                "kind": "count",
                "version": "then",
                "as_of": "2023-05-01",
                "source_key": "b",
            },
            {
                "parameter": "n",
                "value": "1500",
                "kind": "count",
                "version": "then",
                "as_of": None,
                "source_key": "c",
            },
            {
                "parameter": "end",
                "value": "2027-08-07",
                "kind": "date",
                "version": "now",
                "as_of": "2025-03-07",
                "source_key": "a",
            },
        ]
    )
    table = record.registry_table(
        rows, {"n": "Participants", "end": "Completion"}, {"Now": ("now",), "Then": ("then",)}
    )
    assert table.to_dict("records") == [
        {
            "Fact": "Participants",
            "Now": "158 (as of 7 Mar 2025) {cite:p}`a`",
            "Then": "150 (as of 1 May 2023) {cite:p}`b`; 1,500 (undated) {cite:p}`c`",
        },
        {"Fact": "Completion", "Now": "7 Aug 2027 (as of 7 Mar 2025) {cite:p}`a`", "Then": "—"},
    ]
