"""Table-level rules named in ``data/manifest.yml`` (``rules: [...]``).

Each rule looks at a whole table and returns, for every row, whether the row
keeps the rule; the loader turns failures into messages naming the file, the
line, the columns and this description.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa


@dataclass(frozen=True)
class Rule:
    name: str
    columns: tuple[str, ...]
    description: str
    keeps: Callable[[pd.DataFrame], pd.Series]


def _ci_order(df: pd.DataFrame) -> pd.Series:
    low, est, high = df["ci_low"], df["estimate"], df["ci_high"]
    ok_low = low.isna() | est.isna() | (low <= est)
    ok_high = high.isna() | est.isna() | (est <= high)
    ok_bounds = low.isna() | high.isna() | (low <= high)
    return (ok_low & ok_high & ok_bounds).fillna(True).astype(bool)


def _group_totals(df: pd.DataFrame) -> pd.Series:
    """Rows for 'all' populations and 'both' arms equal the sum of their parts."""
    n = {(r.population, r.arm): r.n for r in df.itertuples()}
    keeps = pd.Series(True, index=df.index)
    for idx, row in df.iterrows():
        if row["population"] == "all":
            parts = [n.get((p, row["arm"])) for p in ("faster", "slower")]
        elif row["arm"] == "both":
            parts = [n.get((row["population"], a)) for a in ("tofersen", "placebo")]
        else:
            continue
        if all(p is not None for p in parts) and sum(parts) != row["n"]:
            keeps[idx] = False
    return keeps


def _difference_matches_arms(df: pd.DataFrame, tolerance: float = 0.06) -> pd.Series:
    """A reported tofersen − placebo difference agrees with the two arms' values
    within rounding (values are reported to one or two decimals)."""
    keeps = pd.Series(True, index=df.index)
    keys = [c for c in ("endpoint", "population", "week", "data_cut") if c in df.columns]
    rows = df[df["comparison"].isin(["tofersen", "placebo", "difference"])]
    for _, group in rows.groupby(keys, sort=False, dropna=False):  # a missing key is a group too
        arms = group.drop_duplicates("comparison").set_index("comparison")["estimate"]
        if not {"tofersen", "placebo", "difference"} <= set(arms.index):
            continue
        implied = arms["tofersen"] - arms["placebo"]
        diff_rows = group.index[group["comparison"] == "difference"]
        for idx in diff_rows:
            if abs(df.at[idx, "estimate"] - implied) > tolerance:
                keeps[idx] = False
    return keeps


def _percent_matches_counts(df: pd.DataFrame) -> pd.Series:
    """Where a row gives a count and its denominator, the printed percentage is
    100 × count / denominator within its rounding (±0.5 when printed as a whole
    number, ±0.05 with one decimal). Columns by convention: n_events/n_arm/percent
    or n/denominator/percent_reported."""
    count, denominator, percent = (
        ("n_events", "n_arm", "percent")
        if "n_events" in df.columns
        else ("n", "denominator", "percent_reported")
    )
    reported = df[percent].astype(float)
    both = df[count].notna() & df[denominator].notna() & reported.notna()
    implied = 100 * df[count].astype(float) / df[denominator].astype(float)
    whole = (reported == reported.round()).fillna(False)
    tolerance = whole.map({True: 0.5, False: 0.05}) + 1e-9
    off = (implied - reported).abs() > tolerance
    return (~(both & off)).fillna(True).astype(bool)


# -- rules of the biomarker and open-label-extension tables ---------------------

# A ratio row and the two arms it compares (each arm a ratio to baseline).
RATIO_ARMS = {"tofersen:placebo": ("tofersen", "placebo"), "early:delayed": ("early start", "delayed start")}
REPORTED_HALF_UNIT = 0.005  # ratios are reported to two decimals


def _ratio_matches_arms(df: pd.DataFrame) -> pd.Series:
    """A reported ratio (tofersen:placebo, early:delayed) agrees with the two arms'
    ratios to baseline within the rounding of all three reported values."""
    keeps = pd.Series(True, index=df.index)
    keys = [c for c in ("biomarker", "endpoint", "population", "week", "data_cut") if c in df.columns]
    for _, group in df.groupby(keys, sort=False, dropna=False):
        values = group.drop_duplicates("comparison").set_index("comparison")["estimate"]
        for ratio, (active, control) in RATIO_ARMS.items():
            if not {ratio, active, control} <= set(values.index):
                continue
            a, c, r = (values[k] for k in (active, control, ratio))
            if any(pd.isna(v) or v <= 0 for v in (a, c, r)):
                continue
            # |d log x| <= half-unit / x for each rounded value
            tolerance = REPORTED_HALF_UNIT * (1 / a + 1 / c + 1 / r)
            if abs(math.log(r) - math.log(a / c)) > tolerance:
                keeps[group.index[group["comparison"] == ratio]] = False
    return keeps


def _early_minus_delayed(df: pd.DataFrame) -> pd.Series:
    """difference_matches_arms for the extension's early- and delayed-start groups."""
    arms = {"early start": "tofersen", "delayed start": "placebo"}
    return _difference_matches_arms(df.assign(comparison=df["comparison"].replace(arms)))


def _unverified_is_low(df: pd.DataFrame) -> pd.Series:
    """A value the sources we read do not confirm (verified = no) has confidence low
    and says NOT VERIFIED where its source location stands."""
    unverified = df["verified"] == "no"
    flagged = (df["confidence"] == "low") & df["source_location"].str.startswith("NOT VERIFIED")
    return (~unverified | flagged).fillna(False).astype(bool)


RULES = {
    r.name: r
    for r in [
        Rule(
            "ci_order",
            ("ci_low", "estimate", "ci_high"),
            "the 95% CI must hold the estimate: ci_low ≤ estimate ≤ ci_high",
            _ci_order,
        ),
        Rule(
            "group_totals",
            ("population", "arm", "n"),
            "a total row ('all' population or 'both' arms) must equal the sum of its parts",
            _group_totals,
        ),
        Rule(
            "difference_matches_arms",
            ("comparison", "estimate"),
            "a 'difference' row (tofersen minus placebo) must match the two arms' values within rounding",
            _difference_matches_arms,
        ),
        Rule(
            "percent_matches_counts",
            ("count", "denominator", "percent"),
            "a printed percentage must equal 100 × count / denominator within its rounding",
            _percent_matches_counts,
        ),
        Rule(
            "ratio_matches_arms",
            ("comparison", "estimate"),
            "a ratio row (tofersen:placebo or early:delayed) must match the two arms' ratios "
            "to baseline within the rounding of the reported values",
            _ratio_matches_arms,
        ),
        Rule(
            "early_minus_delayed_matches_arms",
            ("comparison", "estimate"),
            "a 'difference' row (early minus delayed start) must match the two groups' values "
            "within rounding",
            _early_minus_delayed,
        ),
        Rule(
            "unverified_is_low",
            ("verified", "confidence", "source_location"),
            "a row with verified = no must have confidence low and a source_location that "
            "starts with 'NOT VERIFIED'",
            _unverified_is_low,
        ),
    ]
}


def get(name: str) -> Rule:
    if name not in RULES:
        raise KeyError(f"data/manifest.yml names an unknown rule '{name}' (known: {', '.join(RULES)})")
    return RULES[name]


def check(name: str) -> pa.Check:
    rule = get(name)
    return pa.Check(rule.keeps, name=rule.name, error=rule.name)


def describe(name: str) -> str:
    return RULES[name].description if name in RULES else name


def columns(name: str) -> tuple[str, ...]:
    return RULES[name].columns if name in RULES else ()
