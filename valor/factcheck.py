"""The fact check of the usual account, its evidence filled in by the analyses.

``data/fact_check.csv`` holds each claim as it is commonly stated, a verdict and
an evidence *template*: names in braces (``{pe_p}``) are filled in here with the
texts of the same analyses the chapters on the trial show (:mod:`valor.analysis`),
so the evidence follows the data and no number is computed or typed twice.
The table is glued with :func:`valor.book.glue_table` (citations inside resolve).
"""

from __future__ import annotations

import string

import pandas as pd

from valor import data, fmt
from valor.analysis import biomarkers, design, extension, primary, regulatory
from valor.book import cite

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
    "extension": "Extension",
    "regulatory": "Regulatory",
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
    "ole_participation",
    "regulatory_votes",
    "adcom_questions",
    "approvals",
    "longterm_statements",
)


def _template_names() -> dict[str, tuple[str, str]]:
    """Name in an evidence template -> (analysis, key of its ``texts()``)."""
    names = {
        "pe_week": ("primary", "week"),
        "pe_tofersen": ("primary", "tof_change"),
        "pe_placebo": ("primary", "pla_change"),
        "pe_difference": ("primary", "diff"),
        "pe_ci": ("primary", "ci"),
        "pe_p": ("primary", "p_reported"),
        "pe_test": ("primary", "p_test"),
        "pe_implied_p": ("primary", "p_implied_number"),
        "ratio": ("facts", "ratio"),
        "treatment_weeks": ("facts", "treatment_weeks"),
        "bm_week": ("facts", "primary_week"),
        "w40_week": ("first_look", "faster_week"),
        "w40_cut": ("first_look", "faster_cut"),
        "w52_week": ("week52", "w52_week"),
        "w52_cut": ("week52", "w52_cut"),
        "alsfrs_early_w52": ("week52", "w52_early"),
        "alsfrs_delayed_w52": ("week52", "w52_delayed"),
        "alsfrs_diff_w52": ("week52", "w52_diff_estimate"),
        "alsfrs_ci_w52": ("week52", "w52_ci"),
        "alsfrs_p_w52": ("week52", "w52_p"),
        "svc_diff_w52": ("week52", "w52_svc_estimate"),
        "svc_ci_w52": ("week52", "w52_svc_ci"),
        "svc_p_w52": ("week52", "w52_svc_p"),
        "alsfrs_p_implied_w52": ("week52", "w52_p_implied"),
        "completed_early_pct": ("participation", "completed_early_pct"),
        "completed_delayed_pct": ("participation", "completed_delayed_pct"),
        "adcom_q2": ("questions", "q2_wording"),
        "adcom_q2_yes": ("votes", "q2_yes"),
        "adcom_q2_no": ("votes", "q2_no"),
        "adcom_q2_abstain": ("votes", "q2_abstain"),
        "eu_opinion": ("approvals", "ap_eu_opinion"),
        "eu_decision": ("approvals", "ap_eu_decision"),
        "eu_announced": ("approvals", "ap_eu_announced"),
        "eu_reported": ("approvals", "ap_eu_reported"),
    }
    for n in ("all", "tofersen", "placebo", "faster", "faster_tofersen", "faster_placebo", "slower"):
        names[f"n_{n}"] = ("enrolment", f"n_{n}")
    names |= {f"n_slower_{arm}": ("enrolment", f"n_slower_{arm}") for arm in ("tofersen", "placebo")}
    for key in ("n_doses", "n_loading", "n_maintenance", "loading_gap_days", "maintenance_gap_days"):
        names[key] = ("dosing", key)
    for marker in ("sod1", "nfl"):
        names[f"{marker}_itt"] = ("biomarkers", f"{marker}_itt")
        for group in ("faster", "slower"):
            names[f"{marker}_ratio_{group}"] = ("biomarkers", f"{marker}_{group}_ratio")
            names[f"{marker}_rel_{group}"] = ("biomarkers", f"{marker}_{group}_relative")
            names[f"{marker}_fall_tofersen_{group}"] = ("biomarkers", f"{marker}_{group}_tofersen_fall")
            names[f"{marker}_change_placebo_{group}"] = ("biomarkers", f"{marker}_{group}_placebo")
        for start in ("early", "delayed"):
            names[f"{marker}_fall_{start}_w40"] = ("first_look", f"{marker}_fall_{start}")
    return names


TEMPLATE_NAMES = _template_names()
# The evidence values the appendix's own prose quotes.
QUOTED = (
    "pe_p pe_test pe_difference pe_ci pe_implied_p sod1_ratio_faster sod1_rel_faster"
    " sod1_fall_tofersen_faster sod1_change_placebo_faster w40_week w52_week bm_week"
    " alsfrs_p_w52 alsfrs_p_implied_w52 eu_decision eu_announced eu_reported"
)


def verdicts() -> list[str]:
    """The verdicts the data may use, as the manifest allows them."""
    return list(data.table_spec("fact_check")["columns"]["verdict"]["allowed"])


def load_tables() -> dict[str, pd.DataFrame]:
    """Every table the fact check reads, validated."""
    return {name: data.load(name) for name in TABLES}


def analyses(tables: dict[str, pd.DataFrame]) -> dict:
    """The analyses whose numbers the evidence quotes, as the chapters compute them."""
    return {
        "primary": primary.primary_result(tables["alsfrs_week28"], tables["enrolment"], tables["design"]),
        "enrolment": design.enrolment_counts(tables["enrolment"]),
        "facts": design.trial_facts(tables["design"]),
        "dosing": design.dosing(tables["dosing_schedule"], tables["design"]),
        "biomarkers": biomarkers.week28_readings(tables["biomarker_week28"]),
        "first_look": extension.first_look(tables["ole_oct2021"]),
        "week52": extension.week52_results(tables["ole_week52"]),
        "participation": extension.participation_summary(
            tables["ole_participation"], tables["design"], tables["enrolment"]
        ),
        "votes": regulatory.committee_votes(tables["regulatory_votes"]),
        "questions": regulatory.committee_questions(tables["adcom_questions"]),
        "approvals": regulatory.approvals_summary(tables["approvals"], tables["longterm_statements"]),
    }


def evidence_values(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """Every name an evidence template may use, formatted for the prose."""
    texts = {name: result.texts() for name, result in analyses(tables).items()}
    return {name: texts[analysis][key] for name, (analysis, key) in TEMPLATE_NAMES.items()}


def template_names(template: str) -> list[str]:
    """The names in braces of an evidence template."""
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def fill(template: str, values: dict[str, str], claim_id: str = "?") -> str:
    """The evidence text with every ``{name}`` replaced by its value."""
    missing = [name for name in template_names(template) if name not in values]
    if missing:
        raise KeyError(
            f"data/fact_check.csv, claim '{claim_id}': the evidence names "
            f"{', '.join(missing)}, which valor.factcheck.TEMPLATE_NAMES does not define"
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


def fact_check_rows(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per claim with its evidence filled in from the data."""
    values = evidence_values(tables)
    claims = tables["fact_check"].copy()
    claims["evidence_text"] = [fill(r["evidence"], values, r["claim_id"]) for _, r in claims.iterrows()]
    claims["sources"] = [source_keys(r) for _, r in claims.iterrows()]
    return claims


def fact_check_table(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The fact-check table: the claim (with its topic), the verdict, and the evidence
    followed by its source, where in the source, and our confidence in the reading."""
    return pd.DataFrame(
        [
            {
                "#": str(number),
                "Claim as commonly stated": f"*{TOPIC_LABELS[r['topic']]}.* {r['claim']}",
                "Verdict": f"**{VERDICT_LABELS[r['verdict']]}**",
                "Evidence and source": f"{r['evidence_text']} Source: {cite(*r['sources'])}, "
                f"{r['source_location']} (confidence: {r['confidence']}).",
            }
            for number, (_, r) in enumerate(fact_check_rows(tables).iterrows(), start=1)
        ]
    )


def verdict_counts(fact_check: pd.DataFrame) -> dict[str, int]:
    """How many claims got each verdict (every allowed verdict, zero included)."""
    counts = fact_check["verdict"].value_counts()
    return {v: int(counts.get(v, 0)) for v in verdicts()}


def count_texts(counts: dict[str, int]) -> dict[str, str]:
    """The verdict counts as the prose shows them: ``n_claims`` and ``n_<verdict>``."""
    return {"n_claims": fmt.integer(sum(counts.values()))} | {
        f"n_{v}": fmt.integer(n) for v, n in counts.items()
    }


def verdict_summary(fact_check: pd.DataFrame) -> pd.DataFrame:
    """The short table: one row per verdict (none left out, zero included), how many claims
    got it, and which, by topic and by their number in :func:`fact_check_table`."""
    numbered = fact_check.assign(number=range(1, len(fact_check) + 1))

    def which(claims: pd.DataFrame) -> str:
        by_topic = claims.groupby("topic", sort=False)["number"].agg(lambda n: ", ".join(map(str, n)))
        return "; ".join(f"{TOPIC_LABELS[t]} ({numbers})" for t, numbers in by_topic.items()) or "none"

    return pd.DataFrame(
        [
            {
                "Verdict": f"**{VERDICT_LABELS[v]}**",
                "Claims": fmt.integer(n),
                "Which (topic and number in the full table)": which(numbered[numbered["verdict"] == v]),
            }
            for v, n in verdict_counts(fact_check).items()
        ]
    )
