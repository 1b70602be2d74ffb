"""The primary result and what its confidence interval implies.

Chapter: *The primary endpoint* (also the introduction, the statistics of the miss,
the lessons, the instructor guide and the fact check). Reconstruction from the
published interval (:mod:`valor.stats`) assumes a symmetric, normal-theory 95%
interval of the difference between two independent arms of the sizes randomised in
the stratum, with a common SD; the covariate adjustment and multiple imputation of
the published model are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from valor import assumptions, data, fmt, labels, stats
from valor.analysis.result import Result
from valor.book import cite


@dataclass(frozen=True, repr=False)
class PrimaryResult(Result):
    """A stratum's week-28 result as published, and what its interval implies."""

    population: str
    week: int
    allocation_ratio: float  # participants on tofersen per participant on placebo
    n_tofersen: int
    n_placebo: int
    tofersen_change: float
    placebo_change: float
    difference: float
    ci_low: float
    ci_high: float
    p_reported: float
    p_test: str
    ci_mid: float  # centre of the interval
    se: float  # standard error, from the interval
    z: float
    p_implied: float  # two-sided P the interval implies for no difference
    sd: float  # per-participant SD of the change, from the SE and the arm sizes
    alpha: float  # the significance level the result is read against (an assumption)

    @property
    def n(self) -> int:
        return self.n_tofersen + self.n_placebo

    @property
    def placebo_decline(self) -> float:
        """The placebo arm's loss of points by the endpoint (a positive number)."""
        return -self.placebo_change

    def share_of_decline(self, points) -> float:
        """``points`` as a share of the placebo arm's decline."""
        return points / self.placebo_decline

    def texts(self) -> dict[str, str]:
        return {
            "week": fmt.integer(self.week),
            "alpha": f"{self.alpha:.2f}",
            "n_faster": fmt.integer(self.n),
            "n_tof": fmt.integer(self.n_tofersen),
            "n_pla": fmt.integer(self.n_placebo),
            "tof_change": fmt.num(self.tofersen_change, 2),
            "pla_change": fmt.num(self.placebo_change, 2),
            "decline": fmt.num(self.placebo_decline, 2),
            "diff": fmt.num(self.difference),
            "ci": fmt.ci(self.ci_low, self.ci_high),
            "ci_low": fmt.num(self.ci_low),
            "ci_high": fmt.num(self.ci_high),
            "ci_mid": fmt.num(self.ci_mid, 2),
            "p_reported": fmt.p_value(self.p_reported),
            "p_test": self.p_test,
            "se": fmt.num(self.se, 2),
            "z": fmt.num(self.z, 2),
            "p_implied": fmt.p_value(self.p_implied),
            "p_implied_number": fmt.num(self.p_implied, 2),
            "sd": fmt.num(self.sd),
            "cv": fmt.num(self.sd / self.placebo_decline, 2),
            "diff_share": fmt.percent(self.share_of_decline(self.difference)),
            "upper_share": fmt.percent(self.share_of_decline(self.ci_high)),
        }


def primary_result(
    alsfrs: pd.DataFrame, enrolment: pd.DataFrame, design: pd.DataFrame, population: str = "faster"
) -> PrimaryResult:
    """The week-28 result of one stratum (``data/alsfrs_week28.csv``) with its arm
    sizes (``data/enrolment.csv``), reconstructed with :mod:`valor.stats`."""

    def estimate(comparison, column="estimate"):
        return float(data.value(alsfrs, column, population=population, comparison=comparison))

    test = data.row(alsfrs, population=population, comparison="tofersen vs placebo")
    n1 = int(data.value(enrolment, "n", population=population, arm="tofersen"))
    n2 = int(data.value(enrolment, "n", population=population, arm="placebo"))
    difference, low, high = (estimate("difference", c) for c in ("estimate", "ci_low", "ci_high"))
    se = float(stats.se_from_ci(low, high))
    return PrimaryResult(
        population=population,
        week=int(data.parameter(design, "primary_endpoint_week")),
        allocation_ratio=data.parameter(design, "randomisation_tofersen")
        / data.parameter(design, "randomisation_placebo"),
        n_tofersen=n1,
        n_placebo=n2,
        tofersen_change=estimate("tofersen"),
        placebo_change=estimate("placebo"),
        difference=difference,
        ci_low=low,
        ci_high=high,
        p_reported=float(test["p_value"]),
        p_test=str(test["test"]),
        ci_mid=float(stats.ci_midpoint(low, high)),
        se=se,
        z=difference / se,
        p_implied=float(stats.p_from_ci(difference, low, high)),
        sd=float(stats.sd_from_se(se, n1, n2)),
        alpha=assumptions.ALPHA,
    )


@dataclass(frozen=True, repr=False)
class StratumChanges(Result):
    """Week-28 changes of a stratum whose interval and test are not reported."""

    population: str
    tofersen_change: float
    placebo_change: float
    difference: float

    @property
    def placebo_decline(self) -> float:
        return -self.placebo_change

    def texts(self) -> dict[str, str]:
        p = self.population
        return {
            f"{p}_tof": fmt.num(self.tofersen_change, 2),
            f"{p}_pla": fmt.num(self.placebo_change, 2),
            f"{p}_diff": fmt.num(self.difference),
        }


def stratum_changes(alsfrs: pd.DataFrame, population: str = "slower") -> StratumChanges:
    """The arms' changes and their difference in one stratum, as reported."""

    def estimate(comparison):
        return float(data.value(alsfrs, "estimate", population=population, comparison=comparison))

    return StratumChanges(population, estimate("tofersen"), estimate("placebo"), estimate("difference"))


def result_table(alsfrs: pd.DataFrame) -> pd.DataFrame:
    """Week-28 ALSFRS-R as the sources report it, formatted for display: one row per
    measure, one column per stratum (narrow enough for a phone); 'not reported' where
    they give no interval or test."""
    columns = {"measure": ["Tofersen: change", "Placebo: change", "Difference (95% CI)", "P (test)"]}
    for population in ("faster", "slower"):
        sub = alsfrs[alsfrs["population"] == population].set_index("comparison")
        diff = sub.loc["difference"]
        test = sub.loc["tofersen vs placebo"] if "tofersen vs placebo" in sub.index else None
        interval = "CI not reported" if pd.isna(diff["ci_low"]) else fmt.ci(diff["ci_low"], diff["ci_high"])
        columns[labels.STRATA[population].capitalize()] = [
            fmt.num(sub.at["tofersen", "estimate"], 2),
            fmt.num(sub.at["placebo", "estimate"], 2),
            f"{fmt.num(diff['estimate'])} ({interval})",
            "not reported" if test is None else f"{fmt.p_value(test['p_value'])} ({test['test']})",
        ]
    return pd.DataFrame(columns).rename(columns={"measure": "Measure"})


@dataclass(frozen=True, repr=False)
class EventCounts(Result):
    """Deaths, permanent ventilation and withdrawals for progression, by data cut and
    group (VALOR and its extension together)."""

    table: pd.DataFrame  # data_cut, event, arm, n_events, n_arm, percent

    def _get(self, cut, arm, event, column):
        return data.value(self.table, column, data_cut=cut, arm=arm, event=event)

    def texts(self) -> dict[str, str]:
        out = {}
        for arm, short in (("early start", "early"), ("delayed start", "delayed")):
            july = ("July 2021", arm, "any of these")
            out[f"ev_july_{short}"] = fmt.count_of(self._get(*july, "n_events"), self._get(*july, "n_arm"))
            out[f"ev_july_{short}_pct"] = fmt.percent(self._get(*july, "percent") / 100, 1)
            out[f"ev_jan_{short}_pct"] = fmt.percent(
                self._get("January 2022", arm, "any of these", "percent") / 100, 1
            )
            out[f"deaths_{short}"] = fmt.integer(self._get("July 2021", arm, "death", "n_events"))
            out[f"pv_{short}"] = fmt.integer(self._get("July 2021", arm, "permanent ventilation", "n_events"))
        return out


def event_counts(events: pd.DataFrame) -> EventCounts:
    """The events of ``data/events.csv``, kept by data cut (never pooled)."""
    return EventCounts(events[["data_cut", "event", "arm", "n_events", "n_arm", "percent"]].copy())


def events_table(events: pd.DataFrame) -> pd.DataFrame:
    """Events by data cut and kind, one column per group: 'n/N (x%)', or 'x%' where
    the source gives only a share."""

    def cell(row):
        share = fmt.percent(row["percent"] / 100, 1)
        return share if pd.isna(row["n_events"]) else f"{row['n_events']}/{row['n_arm']} ({share})"

    wide = events.assign(value=events.apply(cell, axis=1)).pivot_table(
        index=["data_cut", "event"], columns="arm", values="value", aggfunc="first", sort=False
    )
    labels = {
        "data_cut": "Data cut",
        "event": "Event",
        "early start": "Early start",
        "delayed start": "Delayed start",
    }
    wide = wide.reset_index().rename(columns=labels)
    return wide[["Data cut", "Event", "Early start", "Delayed start"]].fillna("not reported")


@dataclass(frozen=True, repr=False)
class SecondaryEndpoints(Result):
    """What the sources say about the secondary clinical endpoints at week 28."""

    n_endpoints: int
    n_statements: int
    n_reporting_values: int
    table: pd.DataFrame  # Endpoint, What the source says, Source, Numbers

    def texts(self) -> dict[str, str]:
        n = self.n_reporting_values
        if n == 0:
            reporting = "none of them reports a value"
        else:
            reporting = f"{'one' if n == 1 else fmt.integer(n)} of them report{'s' if n == 1 else ''} values"
        return {
            "n_secondary": fmt.integer(self.n_endpoints),
            "n_secondary_statements": fmt.integer(self.n_statements),
            "secondary_reporting": reporting,
        }


def secondary_endpoints(secondary: pd.DataFrame) -> SecondaryEndpoints:
    """The statements of ``data/secondary_week28.csv``, with their sources, as a table
    for readers: the endpoint first, then what the source says, the source cited, and
    whether it gives numbers."""
    table = pd.DataFrame(
        {
            "Endpoint": [name[0].upper() + name[1:] for name in secondary["endpoint"]],
            "What the source says": secondary["finding"],
            "Source": [cite(key) for key in secondary["source_key"]],
            "Numbers": secondary["numbers_reported"].map({"yes": "given", "no": "none"}),
        }
    )
    return SecondaryEndpoints(
        n_endpoints=secondary["endpoint"].nunique(),
        n_statements=len(secondary),
        n_reporting_values=int((secondary["numbers_reported"] == "yes").sum()),
        table=table.astype(str),
    )
