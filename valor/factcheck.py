"""The fact check of the usual account, and the Markdown tables of the context chapters.

``data/fact_check.csv`` holds each claim as it is commonly stated, a verdict and
an evidence *template*: names in braces (``{pe_p}``) are filled in here from the
canonical data tables (``TABLES``: the same rows the chapters on the trial read), so
the evidence follows the data and no number is stored or typed twice.
The tables are returned as MyST Markdown for ``{glue:md}`` with ``:format: myst``
(so that citations inside them resolve); glue them with ``valor.book.glue_markdown``.
"""

from __future__ import annotations

import math
import string

import pandas as pd

from valor import data, fmt

# How a verdict is shown: a symbol and a word, so that nothing relies on colour.
VERDICT_LABELS = {
    "correct": "✓ correct",
    "imprecise": "≈ imprecise",
    "unverified": "? unverified",
    "wrong": "✗ wrong",
}
TOPIC_LABELS = {
    "p_value": "P value",
    "biomarkers": "Biomarkers",
    "schedule": "Schedule",
    "twelve_month": "12-month results",
    "sample": "Sample",
}
# The claims, and the canonical tables their evidence is computed from (each value
# stands in one table only: the chapters on the trial read the same rows).
TABLES = (
    "fact_check",
    "alsfrs_week28",
    "enrolment",
    "dosing_schedule",
    "design",
    "biomarker_week28",
    "ole_oct2021",
    "ole_week52",
)
NOT_REPORTED = "not reported"


def verdicts() -> list[str]:
    """The verdicts the data may use, as the manifest allows them."""
    return list(data.table_spec("fact_check")["columns"]["verdict"]["allowed"])


def load_tables() -> dict[str, pd.DataFrame]:
    """Every table the fact check reads, validated."""
    return {name: data.load(name) for name in TABLES}


def implied_p_from_ci(estimate: float, ci_low: float, ci_high: float) -> float:
    """Two-sided P of ``estimate`` under a normal approximation whose standard error
    is read back from a 95% confidence interval (width / (2 × 1.96))."""
    se = (ci_high - ci_low) / (2 * 1.959964)
    if se <= 0:
        raise ValueError("the confidence interval must have a positive width")
    return math.erfc(abs(estimate / se) / math.sqrt(2))


def _fall(ratio: float) -> str:
    """A ratio to baseline (or to placebo) as a reduction: ``0.62`` -> ``'38%'``."""
    return fmt.percent(1 - ratio)


def _change(ratio: float) -> str:
    """A ratio to baseline as a signed change: ``1.16`` -> ``'+16%'``."""
    return fmt.signed(100 * (ratio - 1), 0) + "%"


def _p(p: float) -> str:
    return f"P = {p:g}"


def evidence_values(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """Every name an evidence template may use, formatted for the prose."""
    week28 = tables["alsfrs_week28"].set_index(["population", "comparison"])
    n = tables["enrolment"].set_index(["population", "arm"])["n"]
    design = tables["design"].set_index("parameter")["value"]
    schedule = tables["dosing_schedule"]
    biomarker = tables["biomarker_week28"].set_index(["biomarker", "population", "comparison"])
    biomarker = biomarker["estimate"]
    w40 = tables["ole_oct2021"].set_index(["endpoint", "population", "comparison"])
    w52 = tables["ole_week52"].set_index(["endpoint", "comparison"])
    w40_row = w40.loc[("csf_sod1", "faster", "early start")]
    alsfrs_w52 = w52.loc[("alsfrs_r", "difference")]
    svc_w52 = w52.loc[("svc", "difference")]

    diff = week28.loc[("faster", "difference")]
    test = week28.loc[("faster", "tofersen vs placebo")]
    loading = schedule[schedule["phase"] == "loading"]["study_day"]
    maintenance = schedule[schedule["phase"] == "maintenance"]["study_day"]
    out = {
        "pe_week": fmt.integer(design["primary_endpoint_week"]),
        "pe_tofersen": fmt.num(week28.loc[("faster", "tofersen"), "estimate"], 2),
        "pe_placebo": fmt.num(week28.loc[("faster", "placebo"), "estimate"], 2),
        "pe_difference": fmt.num(diff["estimate"]),
        "pe_ci": fmt.ci(diff["ci_low"], diff["ci_high"]),
        "pe_p": fmt.p_value(test["p_value"]),
        "pe_test": str(test["test"]),
        "pe_implied_p": f"{implied_p_from_ci(diff['estimate'], diff['ci_low'], diff['ci_high']):.2f}",
        "n_all": fmt.integer(n["all", "both"]),
        "n_tofersen": fmt.integer(n["all", "tofersen"]),
        "n_placebo": fmt.integer(n["all", "placebo"]),
        "ratio": f"{design['randomisation_tofersen']:.0f}:{design['randomisation_placebo']:.0f}",
        "n_faster": fmt.integer(n["faster", "both"]),
        "n_faster_tofersen": fmt.integer(n["faster", "tofersen"]),
        "n_faster_placebo": fmt.integer(n["faster", "placebo"]),
        "n_slower": fmt.integer(n["slower", "both"]),
        "n_slower_tofersen": fmt.integer(n["slower", "tofersen"]),
        "n_slower_placebo": fmt.integer(n["slower", "placebo"]),
        "n_doses": fmt.integer(len(schedule)),
        "n_loading": fmt.integer(len(loading)),
        "n_maintenance": fmt.integer(len(maintenance)),
        "loading_gap_days": fmt.integer(loading.diff().dropna().iloc[0]),
        "maintenance_gap_days": fmt.integer(maintenance.diff().dropna().iloc[0]),
        "treatment_weeks": fmt.integer(design["treatment_weeks"]),
        # biomarkers at the primary endpoint's week (data/biomarker_week28.csv)
        "bm_week": fmt.integer(design["primary_endpoint_week"]),
        "sod1_itt": fmt.percent(biomarker["csf_sod1", "all", "reduction vs placebo"]),
        "nfl_itt": fmt.percent(biomarker["plasma_nfl", "all", "reduction vs placebo"]),
        # the open-label extension: week 40 (data/ole_oct2021.csv), week 52 (data/ole_week52.csv)
        "w40_week": fmt.integer(w40_row["week"]),
        "w40_cut": str(w40_row["data_cut"]) + " cut",
        "w52_week": fmt.integer(alsfrs_w52["week"]),
        "w52_cut": str(alsfrs_w52["data_cut"]),
        "alsfrs_early_w52": fmt.num(w52.loc[("alsfrs_r", "early start"), "estimate"]),
        "alsfrs_delayed_w52": fmt.num(w52.loc[("alsfrs_r", "delayed start"), "estimate"]),
        "alsfrs_diff_w52": fmt.num(alsfrs_w52["estimate"]),
        "alsfrs_ci_w52": fmt.ci(alsfrs_w52["ci_low"], alsfrs_w52["ci_high"]),
        "alsfrs_p_w52": _p(alsfrs_w52["p_value"]),
        "svc_diff_w52": fmt.num(svc_w52["estimate"]),
        "svc_ci_w52": fmt.ci(svc_w52["ci_low"], svc_w52["ci_high"]),
        "svc_p_w52": _p(svc_w52["p_value"]),
    }
    for marker, name in (("sod1", "csf_sod1"), ("nfl", "plasma_nfl")):
        for group in ("faster", "slower"):
            ratio = biomarker[name, group, "tofersen:placebo"]
            out[f"{marker}_ratio_{group}"] = fmt.num(ratio, 2)
            out[f"{marker}_rel_{group}"] = _fall(ratio)
            out[f"{marker}_fall_tofersen_{group}"] = _fall(biomarker[name, group, "tofersen"])
            out[f"{marker}_change_placebo_{group}"] = _change(biomarker[name, group, "placebo"])
        for start in ("early", "delayed"):
            out[f"{marker}_fall_{start}_w40"] = _fall(w40.loc[(name, "faster", f"{start} start"), "estimate"])
    return out


def template_names(template: str) -> list[str]:
    """The names in braces of an evidence template."""
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def fill(template: str, values: dict[str, str], claim_id: str = "?") -> str:
    """The evidence text with every ``{name}`` replaced by its value."""
    missing = [name for name in template_names(template) if name not in values]
    if missing:
        raise KeyError(
            f"data/fact_check.csv, claim '{claim_id}': the evidence names "
            f"{', '.join(missing)}, which valor.factcheck.evidence_values does not define"
        )
    return template.format_map(values)


def source_keys(row) -> list[str]:
    """The row's source key first, then its further sources."""
    keys = [row["source_key"]]
    if isinstance(row.get("also_sources"), str):
        keys += [k.strip() for k in row["also_sources"].split(";") if k.strip()]
    unknown = [k for k in keys if k not in data.bib_keys()]
    if unknown:
        raise KeyError(
            f"data/fact_check.csv, claim '{row['claim_id']}': {', '.join(unknown)} not in references.bib"
        )
    return keys


def _cell(text) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def cite(keys: list[str]) -> str:
    return "{cite:p}`" + ",".join(keys) + "`"


def fact_check_rows(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per claim with its evidence filled in from the data."""
    values = evidence_values(tables)
    claims = tables["fact_check"].copy()
    claims["evidence_text"] = [fill(r["evidence"], values, r["claim_id"]) for _, r in claims.iterrows()]
    claims["sources"] = [source_keys(r) for _, r in claims.iterrows()]
    return claims


def fact_check_markdown(tables: dict[str, pd.DataFrame]) -> str:
    """The fact-check table: the claim (with its topic), the verdict, and the evidence
    followed by its source, where in the source, and our confidence in the reading."""
    rows = []
    for number, (_, r) in enumerate(fact_check_rows(tables).iterrows(), start=1):
        rows.append(
            [
                str(number),
                f"*{TOPIC_LABELS[r['topic']]}.* {r['claim']}",
                f"**{VERDICT_LABELS[r['verdict']]}**",
                f"{r['evidence_text']} Source: {cite(r['sources'])}, "
                f"{r['source_location']} (confidence: {r['confidence']}).",
            ]
        )
    return markdown_table(["#", "Claim as commonly stated", "Verdict", "Evidence and source"], rows)


def verdict_counts(fact_check: pd.DataFrame) -> dict[str, int]:
    """How many claims got each verdict (every allowed verdict, zero included)."""
    counts = fact_check["verdict"].value_counts()
    return {v: int(counts.get(v, 0)) for v in verdicts()}


# -- tables of the regulatory chapter --------------------------------------------


def votes_markdown(votes: pd.DataFrame) -> str:
    """The advisory committee's votes, one row per report, never merged."""
    rows = [
        [
            str(r["question"]),
            r["wording"],
            fmt.integer(r["yes"]),
            fmt.integer(r["no"]),
            fmt.integer(r["abstain"]),
            f"{r['reported_by']} {cite([r['source_key']])}",
        ]
        for _, r in votes.sort_values("question", kind="stable").iterrows()
    ]
    return markdown_table(["Question", "Wording as reported", "Yes", "No", "Abstain", "Reported by"], rows)


def safety_row(safety: pd.DataFrame, report: str, event: str, population: str | None = None) -> pd.Series:
    """The one row of ``safety_serious_neuro`` for a report, event (and population)."""
    rows = safety[(safety["report"] == report) & (safety["event"] == event)]
    if population is not None:
        rows = rows[rows["population"] == population]
    if len(rows) != 1:
        raise KeyError(
            f"data/safety_serious_neuro.csv: expected one row for {report!r}, "
            f"{event!r}, {population!r}; found {len(rows)}"
        )
    return rows.iloc[0]


def printed_percent(row: pd.Series) -> str:
    """The percentage as the source prints it."""
    return _maybe(row["percent_reported"], lambda p: f"{float(p):g}%")


def count_text(row: pd.Series) -> str:
    """``'4 of 72'`` where the denominator is given, else just the count."""
    if pd.isna(row["n"]):
        return NOT_REPORTED
    if pd.isna(row["denominator"]):
        return fmt.integer(row["n"])
    return f"{fmt.integer(row['n'])} of {fmt.integer(row['denominator'])}"


def _maybe(x, formatter) -> str:
    return NOT_REPORTED if pd.isna(x) else formatter(x)


def safety_markdown(safety: pd.DataFrame) -> str:
    """Serious neurologic events as each source reports them, side by side.

    The computed rate is n / denominator where a source gives both; otherwise
    it is left empty rather than estimated.
    """
    rows = []
    for _, r in safety.iterrows():
        known = pd.notna(r["n"]) and pd.notna(r["denominator"])
        computed = fmt.num(100 * r["n"] / r["denominator"]) + "%" if known else "—"
        if pd.isna(r["n"]) and pd.notna(r["denominator"]):
            counted = f"{NOT_REPORTED} (of {fmt.integer(r['denominator'])} {r['counted']})"
        else:
            counted = f"{count_text(r)} {r['counted']}" if pd.notna(r["n"]) else NOT_REPORTED
        rows.append(
            [
                f"{r['report']} {cite([r['source_key']])}",
                f"{r['population']} ({r['data_cut']})",
                r["event"],
                counted,
                f"{computed} / {printed_percent(r)}",
            ]
        )
    return markdown_table(
        ["Report", "Population (data cut)", "Event", "Count", "Rate: computed / printed"], rows
    )
