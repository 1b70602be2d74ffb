"""The context chapters' logic: mechanism and timeline figures, the fact check, and the
regulatory tables (valor.figures_context, valor.factcheck, rule percent_matches_counts)."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import matplotlib

matplotlib.use("Agg")  # tests only; notebooks never set a backend

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from book import ROOT
from matplotlib.figure import Figure

from valor import data, factcheck, figures_context, rules


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _texts(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


# -- mechanism diagram ------------------------------------------------------------


def test_mechanism_diagram_shows_each_step_of_the_mechanism():
    fig = figures_context.mechanism_diagram()
    assert isinstance(fig, Figure)
    text = " ".join(_texts(fig)).replace("\n", " ")
    for step in (
        "SOD1 gene",
        "SOD1 mRNA",
        "SOD1 protein",
        "antisense",
        "RNase H",
        "Less SOD1",
        "CSF total SOD1",
        "(NfL)",
        "ALSFRS-R",
    ):
        assert step in text, step


def test_mechanism_diagram_kinds_differ_by_line_style_not_only_colour():
    fig = figures_context.mechanism_diagram()
    legend = fig.axes[0].get_legend()
    labels = [t.get_text() for t in legend.get_texts()]
    assert labels == ["disease pathway", "what tofersen does", "what VALOR measured"]
    styles = {line.get_linestyle() for line in legend.get_lines()}
    assert len(styles) == 3
    # every box is drawn with the edge style of its kind
    boxes = [p for p in fig.axes[0].patches if p.__class__.__name__ == "FancyBboxPatch"]
    assert len(boxes) == 10
    assert {b.get_linestyle() for b in boxes} == {"-", "--", ":"}


# -- timeline ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def timeline():
    return data.load("regulatory_timeline")


@pytest.fixture(scope="module")
def design():
    return data.load("design")


def test_event_dates_and_their_text():
    full = {"year": 2023, "month": 3, "day": 22}
    month_only = {"year": 2022, "month": 7, "day": pd.NA}
    assert figures_context.event_date(full) == dt.date(2023, 3, 22)
    assert figures_context.event_date(month_only) == dt.date(2022, 7, 15)
    assert figures_context.date_text(full) == "22 Mar 2023"
    assert figures_context.date_text(month_only) == "Jul 2022"


def test_valor_period_comes_from_design(design):
    # design.csv: VALOR ran from March 2019 through July 2021 (NEJM, Trial Design)
    assert figures_context.valor_period(design) == (dt.date(2019, 3, 1), dt.date(2021, 7, 31))


def test_timeline_labels_every_event_with_its_date(timeline, design):
    fig = figures_context.regulatory_timeline(timeline, design)
    ax = fig.axes[0]
    annotations = [c.get_text() for c in ax.get_children() if isinstance(c, matplotlib.text.Annotation)]
    assert len(annotations) == len(timeline)
    for _, row in timeline.iterrows():
        assert f"{row['label']}\n{figures_context.date_text(row)}" in annotations
    # the x axis holds the trial and every event
    low, high = (matplotlib.dates.num2date(x).date() for x in ax.get_xlim())
    assert low <= dt.date(2019, 3, 1)
    assert high >= max(figures_context.event_date(r) for _, r in timeline.iterrows())


def test_timeline_marks_month_only_events_hollow(timeline, design):
    fig = figures_context.regulatory_timeline(timeline, design)
    markers = [line for line in fig.axes[0].get_lines() if line.get_marker() not in ("None", "")]
    assert len(markers) == len(timeline)
    hollow = sum(line.get_markerfacecolor() == "white" for line in markers)
    assert hollow == timeline["day"].isna().sum() > 0


def test_timeline_follows_the_data(timeline, design):
    extra = pd.DataFrame(
        [
            {
                "event_id": "x",
                "year": 2025,
                "month": 6,
                "day": 2,
                "agency": "FDA",
                "event": "test",
                "label": "A test event",
            }
        ]
    )
    grown = pd.concat([timeline, extra], ignore_index=True)
    fig = figures_context.regulatory_timeline(grown, design)
    assert "A test event\n2 Jun 2025" in [t.get_text() for t in fig.axes[0].texts]


# -- fact check -------------------------------------------------------------------


@pytest.fixture(scope="module")
def tables():
    return factcheck.load_tables()


def _table_rows(markdown: str) -> list[list[str]]:
    lines = markdown.splitlines()[2:]
    return [[c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]] for line in lines]


def test_fact_check_table_has_every_claim_and_verdict(tables):
    markdown = factcheck.fact_check_markdown(tables)
    rows = _table_rows(markdown)
    claims = tables["fact_check"]
    assert len(rows) == len(claims)
    for row, (_, claim) in zip(rows, claims.iterrows(), strict=True):
        topic = factcheck.TOPIC_LABELS[claim["topic"]]
        assert row[1] == f"*{topic}.* " + " ".join(claim["claim"].split())
        assert row[2] == f"**{factcheck.VERDICT_LABELS[claim['verdict']]}**"
        assert claim["source_key"] in row[3] and claim["source_location"] in row[3]


def test_every_verdict_has_a_label_and_the_schema_allows_only_those():
    assert set(factcheck.verdicts()) == {"correct", "imprecise", "unverified", "wrong"}
    assert set(factcheck.VERDICT_LABELS) == set(factcheck.verdicts())
    assert set(factcheck.TOPIC_LABELS) == set(data.table_spec("fact_check")["columns"]["topic"]["allowed"])


def test_evidence_is_filled_from_the_data(tables):
    rows = factcheck.fact_check_rows(tables)
    for text in rows["evidence_text"]:
        assert "{" not in text and "}" not in text
    evidence = dict(zip(rows["claim_id"], rows["evidence_text"], strict=True))
    # worked by hand from the slide's tofersen:placebo ratios (0.62, 0.33) and the
    # abstract's counts: the usual account's 38% and 67% are 1 - ratio
    assert "1 − 0.62 = 38%" in evidence["csf_sod1_percent"]
    assert "1 − 0.33 = 67%" in evidence["nfl_percent"]
    assert "108 randomised 2:1: 72 to tofersen, 36 to placebo" in evidence["sample_total"]
    assert "3 loading doses 14 days apart, then 5 maintenance doses every 28 days" in evidence["schedule"]


def _edited(tables, name, where: dict, column: str, value):
    """A copy of ``tables`` with one cell of one table changed."""
    frame = tables[name].copy()
    mask = pd.Series(True, index=frame.index)
    for col, wanted in where.items():
        mask &= frame[col] == wanted
    assert mask.sum() == 1, (name, where)
    frame.loc[mask, column] = value
    return {**tables, name: frame}


def test_evidence_reads_the_canonical_tables_only():
    # the values behind the evidence stand in the tables the trial chapters read;
    # no table of the fact check's own repeats them
    assert "fact_check_values" not in data.table_names()
    assert set(factcheck.TABLES) <= set(data.table_names())
    assert {"biomarker_week28", "ole_oct2021", "ole_week52"} <= set(factcheck.TABLES)


def test_evidence_changes_with_the_biomarker_table(tables):
    changed = _edited(
        tables,
        "biomarker_week28",
        {"biomarker": "csf_sod1", "population": "faster", "comparison": "tofersen:placebo"},
        "estimate",
        0.5,
    )
    rows = factcheck.fact_check_rows(changed).set_index("claim_id")
    assert "1 − 0.50 = 50%" in rows.at["csf_sod1_percent", "evidence_text"]
    assert (
        "1 − 0.62 = 38%"
        in factcheck.fact_check_rows(tables).set_index("claim_id").at["csf_sod1_percent", "evidence_text"]
    )


def test_evidence_changes_with_the_extension_tables(tables):
    # week 52 (data/ole_week52.csv): the slide's 3.5 (0.4 to 6.7) becomes 2.5
    changed = _edited(
        tables, "ole_week52", {"endpoint": "alsfrs_r", "comparison": "difference"}, "estimate", 2.5
    )
    rows = factcheck.fact_check_rows(changed).set_index("claim_id")
    assert "difference 2.5 (95% CI 0.4 to 6.7)" in rows.at["alsfrs_12_months", "evidence_text"]
    # week 40 (data/ole_oct2021.csv): early-start NfL ratio 0.45 is a 55% fall; 0.30 is 70%
    before = factcheck.fact_check_rows(tables).set_index("claim_id")
    assert "NfL down 55%" in before.at["biomarkers_12_months", "evidence_text"]
    changed = _edited(
        tables,
        "ole_oct2021",
        {"endpoint": "plasma_nfl", "population": "faster", "comparison": "early start"},
        "estimate",
        0.30,
    )
    rows = factcheck.fact_check_rows(changed).set_index("claim_id")
    assert "NfL down 70%" in rows.at["biomarkers_12_months", "evidence_text"]


def test_implied_p_from_a_confidence_interval():
    # an estimate 1.96 standard errors from zero has two-sided P = 0.05
    assert factcheck.implied_p_from_ci(1.96, 0.0, 3.92) == pytest.approx(0.05, abs=1e-4)
    # VALOR's 1.2 (-3.2 to 5.5): SE = 8.7 / 3.92 = 2.219, z = 0.541, P = 0.588
    assert factcheck.implied_p_from_ci(1.2, -3.2, 5.5) == pytest.approx(0.588, abs=0.002)
    with pytest.raises(ValueError):
        factcheck.implied_p_from_ci(1.0, 2.0, 2.0)


def test_unknown_template_name_is_reported_with_its_claim():
    with pytest.raises(KeyError, match="claim 'c1'.*no_such_value"):
        factcheck.fill("see {no_such_value}", {"x": "1"}, "c1")


def test_unknown_source_key_is_reported(tables):
    row = tables["fact_check"].iloc[0].copy()
    row["also_sources"] = "miller2022nejm; not_a_key"
    with pytest.raises(KeyError, match="not_a_key"):
        factcheck.source_keys(row)


def test_verdict_counts_include_verdicts_nobody_got():
    claims = pd.DataFrame({"verdict": ["correct", "correct", "unverified"]})
    assert factcheck.verdict_counts(claims) == {"correct": 2, "imprecise": 0, "unverified": 1, "wrong": 0}


@pytest.fixture
def book_copy(tmp_path, monkeypatch):
    """A throwaway copy of the book's data, for breaking it."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copy(ROOT / "references.bib", tmp_path / "references.bib")
    shutil.copy(ROOT / "_config.yml", tmp_path / "_config.yml")
    monkeypatch.setenv("VALOR_BOOK_ROOT", str(tmp_path))
    return tmp_path


def test_a_verdict_outside_the_schema_is_rejected(book_copy):
    path = book_copy / "data" / "fact_check.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",correct,", ",mostly right,", 1), encoding="utf-8")
    with pytest.raises(
        data.DataError,
        match=r"fact_check\.csv, line 2.*column 'verdict'.*"
        r"correct, imprecise, unverified, wrong",
    ):
        data.load("fact_check")


# -- regulatory tables ------------------------------------------------------------


def test_votes_table_keeps_every_report():
    votes = data.load("regulatory_votes")
    rows = _table_rows(factcheck.votes_markdown(votes))
    assert len(rows) == len(votes)
    assert sorted({r[0] for r in rows}) == ["1", "2"]
    # both wordings of question 1 stand side by side
    assert len([r for r in rows if r[0] == "1"]) == (votes["question"] == 1).sum() >= 2


def test_safety_table_computes_rates_only_where_both_numbers_are_reported():
    safety = pd.DataFrame(
        [
            {
                "report": "A",
                "population": "p",
                "data_cut": "c",
                "event": "e",
                "counted": "participants",
                "n": 4,
                "denominator": 72,
                "percent_reported": 5.6,
                "source_key": "biogen2021ana",
            },
            {
                "report": "B",
                "population": "p",
                "data_cut": "c",
                "event": "e",
                "counted": "events",
                "n": 4,
                "denominator": pd.NA,
                "percent_reported": pd.NA,
                "source_key": "lovett2025",
            },
            {
                "report": "C",
                "population": "p",
                "data_cut": "c",
                "event": "e",
                "counted": "participants",
                "n": pd.NA,
                "denominator": 147,
                "percent_reported": 4.1,
                "source_key": "emasmpc",
            },
        ]
    )
    rows = _table_rows(factcheck.safety_markdown(safety))
    assert len(rows) == 3  # one per report: nothing merged or summed
    assert rows[0][3:] == ["4 of 72 participants", "5.6% / 5.6%"]  # 4 / 72 = 5.56%
    assert rows[1][3:] == ["4 events", "— / not reported"]
    assert rows[2][3:] == ["not reported (of 147 participants)", "— / 4.1%"]
    assert rows[0][1] == "p (c)"


def test_safety_table_of_the_book_lists_every_row():
    safety = data.load("safety_serious_neuro")
    assert len(_table_rows(factcheck.safety_markdown(safety))) == len(safety)


def test_rule_percent_matches_counts():
    frame = pd.DataFrame(
        {
            "n": pd.array([4, 2, 4, None, 3], dtype="Int64"),
            "denominator": pd.array([72, 104, 72, 147, None], dtype="Int64"),
            "percent_reported": pd.array([5.6, 2.0, 8.0, 4.1, 9.0], dtype="Float64"),
        }
    )
    keeps = rules.get("percent_matches_counts").keeps(frame)
    # 5.56% ok; 1.92% printed 2.0 ok (rounding); 5.56% printed 8.0 broken; rest unknown
    assert keeps.tolist() == [True, True, False, True, True]


def test_broken_safety_percentage_stops_validation(book_copy):
    path = book_copy / "data" / "safety_serious_neuro.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",4,72,5.6,", ",4,72,7.6,", 1), encoding="utf-8")
    with pytest.raises(data.DataError, match="rule 'percent_matches_counts' broken"):
        data.load("safety_serious_neuro")


# -- background facts -------------------------------------------------------------


def test_alsfrs_structure_agrees_with_the_design_table():
    facts = data.load("background_facts").set_index("parameter")["value"]
    design = data.load("design").set_index("parameter")["value"]
    assert facts["alsfrs_items"] * facts["alsfrs_item_max"] == design["alsfrs_r_max"]
    assert (
        facts["alsfrs_bulbar_items"] + facts["alsfrs_limb_items"] + facts["alsfrs_respiratory_items"]
    ) == facts["alsfrs_items"]


def test_safety_lookup_and_its_text():
    safety = data.load("safety_serious_neuro")
    row = factcheck.safety_row(safety, "VALOR slides", "any serious neurologic event", "VALOR, tofersen arm")
    # the adverse-event slide: 4 of 72 tofersen participants, printed 5.6%
    assert factcheck.count_text(row) == "4 of 72"
    assert factcheck.printed_percent(row) == "5.6%"
    pooled = factcheck.safety_row(safety, "Lovett et al. pooled review", "myelitis")
    assert factcheck.count_text(pooled) == "4"  # events, no denominator
    assert factcheck.printed_percent(pooled) == factcheck.NOT_REPORTED
    tofersen_rows = safety[safety["population"] != "VALOR, placebo arm"]
    with pytest.raises(KeyError, match="found 2"):  # VALOR alone and VALOR + extension
        factcheck.safety_row(tofersen_rows, "VALOR slides", "any serious neurologic event")
