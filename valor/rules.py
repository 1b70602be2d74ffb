"""Table-level rules named in ``data/manifest.yml`` (``rules: [...]``).

Each rule looks at a whole table and returns, for every row, whether the row
keeps the rule; the loader turns failures into messages naming the file, the
line, the columns and this description.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

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
    for _, group in rows.groupby(keys, sort=False):
        arms = group.drop_duplicates("comparison").set_index("comparison")["estimate"]
        if not {"tofersen", "placebo", "difference"} <= set(arms.index):
            continue
        implied = arms["tofersen"] - arms["placebo"]
        diff_rows = group.index[group["comparison"] == "difference"]
        for idx in diff_rows:
            if abs(df.at[idx, "estimate"] - implied) > tolerance:
                keeps[idx] = False
    return keeps


def _percent_matches_counts(df: pd.DataFrame, tolerance: float = 0.06) -> pd.Series:
    """Where a row gives both counts, its percentage is 100 * n_events / n_arm
    within rounding (percentages are reported to one decimal)."""
    both = df["n_events"].notna() & df["n_arm"].notna()
    implied = 100 * df["n_events"].astype(float) / df["n_arm"].astype(float)
    off = (implied - df["percent"].astype(float)).abs() > tolerance
    return (~(both & off)).fillna(True).astype(bool)


RULES = {r.name: r for r in [
    Rule("ci_order", ("ci_low", "estimate", "ci_high"),
         "the 95% CI must hold the estimate: ci_low ≤ estimate ≤ ci_high", _ci_order),
    Rule("group_totals", ("population", "arm", "n"),
         "a total row ('all' population or 'both' arms) must equal the sum of its parts",
         _group_totals),
    Rule("difference_matches_arms", ("comparison", "estimate"),
         "a 'difference' row (tofersen minus placebo) must match the two arms' values within rounding",
         _difference_matches_arms),
    Rule("percent_matches_counts", ("n_events", "n_arm", "percent"),
         "percent must equal 100 × n_events / n_arm within rounding", _percent_matches_counts),
]}


def get(name: str) -> Rule:
    if name not in RULES:
        raise KeyError(f"data/manifest.yml names an unknown rule '{name}' "
                       f"(known: {', '.join(RULES)})")
    return RULES[name]


def check(name: str) -> pa.Check:
    rule = get(name)
    return pa.Check(rule.keeps, name=rule.name, error=rule.name)


def describe(name: str) -> str:
    return RULES[name].description if name in RULES else name


def columns(name: str) -> tuple[str, ...]:
    return RULES[name].columns if name in RULES else ()
