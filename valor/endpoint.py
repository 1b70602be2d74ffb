"""The primary result as the chapters use it: read from the data tables,
reconstructed with :mod:`valor.stats`, and laid out as tables.

Assumptions of the reconstruction (stated in the chapters too): the published
95% CI of the adjusted mean difference is a symmetric normal interval; it
compares two independent arms of the sizes randomised in the faster stratum;
covariate adjustment and multiple imputation are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from valor import stats


@dataclass(frozen=True)
class Primary:
    """The faster stratum's week-28 result and what it implies."""

    tofersen_change: float
    placebo_change: float
    difference: float
    ci_low: float
    ci_high: float
    p_reported: float
    p_test: str
    n_tofersen: int
    n_placebo: int

    @property
    def se(self) -> float:
        return float(stats.se_from_ci(self.ci_low, self.ci_high))

    @property
    def sd(self) -> float:
        return float(stats.sd_from_se(self.se, self.n_tofersen, self.n_placebo))

    @property
    def p_implied(self) -> float:
        return float(stats.p_from_ci(self.difference, self.ci_low, self.ci_high))

    @property
    def placebo_decline(self) -> float:
        """The placebo arm's loss of points by the endpoint (a positive number)."""
        return -self.placebo_change


def value(frame: pd.DataFrame, column: str, **where):
    """The one value of ``column`` in the row matching ``where`` (column=value pairs)."""
    mask = pd.Series(True, index=frame.index)
    for key, value in where.items():
        mask &= frame[key] == value
    match = frame.loc[mask, column]
    if len(match) != 1:
        raise KeyError(f"expected one row for {where}, found {len(match)}")
    return match.iloc[0]


def primary(alsfrs: pd.DataFrame, enrolment: pd.DataFrame, population: str = "faster") -> Primary:
    """The week-28 result of one stratum from ``alsfrs_week28`` and ``enrolment``."""
    diff = dict(population=population, comparison="difference")
    test = dict(population=population, comparison="tofersen vs placebo")
    return Primary(
        tofersen_change=float(value(alsfrs, "estimate", population=population, comparison="tofersen")),
        placebo_change=float(value(alsfrs, "estimate", population=population, comparison="placebo")),
        difference=float(value(alsfrs, "estimate", **diff)),
        ci_low=float(value(alsfrs, "ci_low", **diff)),
        ci_high=float(value(alsfrs, "ci_high", **diff)),
        p_reported=float(value(alsfrs, "p_value", **test)),
        p_test=str(value(alsfrs, "test", **test)),
        n_tofersen=int(value(enrolment, "n", population=population, arm="tofersen")),
        n_placebo=int(value(enrolment, "n", population=population, arm="placebo")),
    )


def result_table(alsfrs: pd.DataFrame) -> pd.DataFrame:
    """Week-28 ALSFRS-R by stratum: arms, difference, CI and P as reported
    (empty cells where the sources report nothing)."""
    rows = []
    for population in ("faster", "slower"):
        sub = alsfrs[alsfrs["population"] == population].set_index("comparison")
        get = lambda comp, col, sub=sub: sub.at[comp, col] if comp in sub.index else pd.NA  # noqa: E731
        low, high = get("difference", "ci_low"), get("difference", "ci_high")
        p, test = get("tofersen vs placebo", "p_value"), get("tofersen vs placebo", "test")
        rows.append(
            {
                "stratum": population,
                "tofersen (change)": get("tofersen", "estimate"),
                "placebo (change)": get("placebo", "estimate"),
                "difference": get("difference", "estimate"),
                "95% CI": "not reported" if pd.isna(low) else f"{low:.1f} to {high:.1f}",
                "P (test)": "not reported" if pd.isna(p) else f"{p:.2f} ({test})",
            }
        )
    return pd.DataFrame(rows).set_index("stratum")


def events_table(events: pd.DataFrame) -> pd.DataFrame:
    """Events by data cut, arm and kind: 'n/N (x%)' or 'x%' where only a share is given."""

    def cell(row):
        if pd.isna(row["n_events"]):
            return f"{row['percent']:.1f}%"
        return f"{row['n_events']}/{row['n_arm']} ({row['percent']:.1f}%)"

    out = events.assign(value=events.apply(cell, axis=1))
    return out.pivot_table(
        index=["data_cut", "event"], columns="arm", values="value", aggfunc="first", sort=False
    )
