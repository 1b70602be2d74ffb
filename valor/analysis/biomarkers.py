"""The biomarkers at week 28, their time courses, and the lagged-effect model.

Chapter: *The biomarker discrepancy* (also the introduction, the lessons, the
instructor guide and the fact check). The lagged-effect model (:mod:`valor.lagged`)
differs from the pooled t test of :mod:`valor.analysis.power` on purpose: once the
drug acts it slows each person's rate, so the treated arm's spread shrinks too and
the arms are compared with Welch's test.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from valor import assumptions, data, fmt, labels, lagged
from valor.analysis.primary import PrimaryResult
from valor.analysis.result import Result

SHORT = {"csf_sod1": "sod1", "plasma_nfl": "nfl"}
STRATA = ("faster", "slower")
#: Weeks at which the prose quotes the time courses (values read by eye from the slides).
QUOTED_WEEKS = (8, 16)


def biomarker_summary(week28: pd.DataFrame) -> pd.DataFrame:
    """Within-arm changes and the placebo-relative reduction, per biomarker and stratum.

    Columns: ``tofersen_ratio``, ``placebo_ratio`` (ratios to baseline),
    ``reported_ratio`` (tofersen:placebo as published), ``computed_ratio``
    (tofersen_ratio / placebo_ratio), ``tofersen_change`` and ``placebo_change``
    (ratio − 1: the fall or rise *within* each arm) and ``reduction_vs_placebo``
    (1 − reported ratio: what the usual account calls "the reduction").
    """
    rows = week28[week28["population"].isin(STRATA)]
    wide = rows.pivot(index=["biomarker", "population"], columns="comparison", values="estimate")
    out = pd.DataFrame(
        {
            "tofersen_ratio": wide["tofersen"],
            "placebo_ratio": wide["placebo"],
            "reported_ratio": wide["tofersen:placebo"],
        }
    ).astype(float)
    out["computed_ratio"] = out["tofersen_ratio"] / out["placebo_ratio"]
    out["tofersen_change"] = out["tofersen_ratio"] - 1
    out["placebo_change"] = out["placebo_ratio"] - 1
    out["reduction_vs_placebo"] = 1 - out["reported_ratio"]
    return out.reset_index()


@dataclass(frozen=True, repr=False)
class Week28Readings(Result):
    """The biomarkers at week 28 read two ways: within each arm, and relative to placebo."""

    summary: pd.DataFrame  # biomarker_summary
    itt_reduction: dict  # biomarker -> reduction relative to placebo, whole cohort
    faster_p: dict  # biomarker -> (P, relation) of the faster stratum's ratio

    def at(self, biomarker: str, population: str) -> pd.Series:
        return data.row(self.summary, biomarker=biomarker, population=population)

    def texts(self) -> dict[str, str]:
        out = {}
        for biomarker, short in SHORT.items():
            for population in STRATA:
                row, key = self.at(biomarker, population), f"{short}_{population}"
                out |= {
                    f"{key}_tofersen_fall": fmt.fall(row["tofersen_ratio"]),
                    f"{key}_placebo": fmt.change(row["placebo_ratio"]),
                    f"{key}_placebo_abs": fmt.percent(abs(row["placebo_change"])),
                    f"{key}_tofersen_ratio": fmt.num(row["tofersen_ratio"], 2),
                    f"{key}_placebo_ratio": fmt.num(row["placebo_ratio"], 2),
                    f"{key}_ratio": fmt.num(row["reported_ratio"], 2),
                    f"{key}_computed_ratio": fmt.num(row["computed_ratio"], 3),
                    f"{key}_relative": fmt.fall(row["reported_ratio"]),
                }
            out[f"{short}_itt"] = fmt.percent(self.itt_reduction[biomarker])
            out[f"{short}_faster_p"] = fmt.p_reported(*self.faster_p[biomarker])
        return out

    def table(self) -> pd.DataFrame:
        """The two readings side by side, formatted for display: the biomarker and group
        first, then the change within each arm, then tofersen relative to placebo (the
        reported ratio, the ratio of the arms' rounded ratios, and one minus the
        reported ratio, the usual account's "reduction")."""
        return pd.DataFrame(
            [
                {
                    "Biomarker, group": f"{labels.ENDPOINTS[r.biomarker]}, {r.population}",
                    "Placebo arm: change": fmt.signed_percent(r.placebo_change),
                    "Tofersen arm: change": fmt.signed_percent(r.tofersen_change),
                    "Ratio, reported (from the arms)": f"{fmt.num(r.reported_ratio, 2)} "
                    f"({fmt.num(r.computed_ratio, 3)})",
                    "Reduction (1 − ratio)": fmt.percent(r.reduction_vs_placebo),
                }
                for r in self.summary.itertuples()
            ]
        )


def week28_readings(week28: pd.DataFrame) -> Week28Readings:
    """``data/biomarker_week28.csv`` read within arms and relative to placebo.

    The chapter says the markers *fell* in every tofersen arm, *rose* on placebo in the
    faster stratum and *drifted down* on placebo in the slower one; this refuses data for
    which those words would be wrong.
    """
    summary = biomarker_summary(week28)
    placebo = summary.set_index("population")["placebo_change"]
    if not (summary["tofersen_change"] < 0).all() or not (
        (placebo.loc["faster"] > 0).all() and (placebo.loc["slower"] < 0).all()
    ):
        raise ValueError(
            "data/biomarker_week28.csv: the prose says the markers fell on tofersen, rose on "
            "placebo in the faster stratum and fell on placebo in the slower one; the data no longer say so"
        )

    def reported(biomarker, population, comparison):
        return data.row(week28, biomarker=biomarker, population=population, comparison=comparison)

    return Week28Readings(
        summary=summary,
        itt_reduction={b: float(reported(b, "all", "reduction vs placebo")["estimate"]) for b in SHORT},
        faster_p={
            b: (float(r["p_value"]), r["p_relation"])
            for b in SHORT
            for r in [reported(b, "faster", "tofersen:placebo")]
        },
    )


@dataclass(frozen=True, repr=False)
class TimeCourse(Result):
    """How fast the markers moved, read by eye from the published curves, and NfL in
    the placebo group once it switched to tofersen."""

    weeks: tuple[int, int]
    nfl_faster: tuple[float, float]  # tofersen arm's NfL ratio at those weeks
    sod1_faster_early: float  # tofersen arm's SOD1 ratio at the first of them
    nfl_delayed_w28: float  # placebo group's NfL ratio at the primary endpoint
    nfl_delayed_after: float  # ... and after switching to tofersen
    week_after: int

    def texts(self) -> dict[str, str]:
        return {
            "eye_week_early": fmt.integer(self.weeks[0]),
            "eye_week_mid": fmt.integer(self.weeks[1]),
            "nfl_eye_early": fmt.num(self.nfl_faster[0], 2),
            "nfl_eye_mid": fmt.num(self.nfl_faster[1], 2),
            "sod1_eye_early": fmt.num(self.sod1_faster_early, 2),
            "nfl_delayed_w28": fmt.num(self.nfl_delayed_w28, 2),
            "nfl_delayed_w40": fmt.num(self.nfl_delayed_after, 2),
            "ext_week_faster": fmt.integer(self.week_after),
        }


def time_course(timecourse: pd.DataFrame, week28: pd.DataFrame, oct2021: pd.DataFrame) -> TimeCourse:
    """Readings of ``data/biomarker_timecourse.csv`` at :data:`QUOTED_WEEKS`, and the
    faster placebo group's NfL at week 28 and in the extension (``data/ole_oct2021.csv``)."""

    def eye(biomarker, week):
        return float(
            data.value(
                timecourse,
                "ratio_to_baseline",
                biomarker=biomarker,
                population="faster",
                arm="tofersen",
                week=week,
            )
        )

    after = data.row(oct2021, endpoint="plasma_nfl", population="faster", comparison="delayed start")
    return TimeCourse(
        weeks=QUOTED_WEEKS,
        nfl_faster=tuple(eye("plasma_nfl", w) for w in QUOTED_WEEKS),
        sod1_faster_early=eye("csf_sod1", QUOTED_WEEKS[0]),
        nfl_delayed_w28=float(
            data.value(week28, "estimate", biomarker="plasma_nfl", population="faster", comparison="placebo")
        ),
        nfl_delayed_after=float(after["estimate"]),
        week_after=int(after["week"]),
    )


def lag_model(primary: PrimaryResult, noise_share: float | None = None, effect: float | None = None):
    """The lagged-effect model calibrated to the faster stratum's placebo arm
    (:func:`valor.lagged.calibrate`): its mean change at week 28 and the SD
    reconstructed from the published interval. The share of visit noise and the
    slowing are assumptions (``lag_noise_share``, ``benchmark_slowing``)."""
    if primary.placebo_change >= 0:
        raise ValueError("the lagged-effect model needs a placebo arm that lost points by the endpoint")
    return lagged.calibrate(
        primary.placebo_change,
        primary.week,
        primary.sd,
        assumptions.value("lag_noise_share", noise_share),
        effect=assumptions.value("benchmark_slowing", effect),
    )


@dataclass(frozen=True, repr=False)
class LagPower(Result):
    """Power of trials the size of the faster stratum under the lagged-effect model."""

    model: lagged.LaggedModel
    grid: pd.DataFrame  # delay, week, power (simulated), analytic_power, expected_difference, ...
    primary_week: int
    examples: tuple  # delays drawn in the course figure
    lengths: tuple  # trial lengths (weeks), the primary week first
    n_sims: int
    noise_share: float
    implied_delay: float  # delay at which the model's effect gives the observed difference
    implied_delay_smaller: float  # the same for half the effect
    target_power: float

    def power(self, delay: float, week: float, column: str = "power") -> float:
        return float(data.value(self.grid, column, delay=float(delay), week=float(week)))

    def texts(self) -> dict[str, str]:
        mid, week, longest = self.examples[1], self.primary_week, self.lengths[-1]
        return {
            "slope": fmt.num(self.model.mean_slope, 2),
            "noise_share": fmt.percent(self.noise_share),
            "effect": fmt.percent(self.model.effect),
            "effect_smaller": fmt.percent(self.model.effect / 2),
            "n_sims": fmt.integer(self.n_sims),
            "len_mid": fmt.integer(self.lengths[1]),
            "len_long": fmt.integer(longest),
            "exp_diff_d0": fmt.num(self.power(0, week, "expected_difference")),
            "power_d0": fmt.percent(self.power(0, week)),
            "power_mid": fmt.percent(self.power(mid, week)),
            "power_mid_long": fmt.percent(self.power(mid, longest)),
            "power_max": fmt.percent(self.grid["power"].max()),
            "implied_delay": fmt.integer(round(self.implied_delay)),
            "implied_delay_smaller": fmt.integer(round(self.implied_delay_smaller)),
            "mid_delay": fmt.integer(mid),
            "lag_examples": f"{self.examples[0]}, {self.examples[1]} or {self.examples[2]}",
            "target_power": fmt.percent(self.target_power),
        }


def lag_power(primary: PrimaryResult) -> LagPower:
    """Simulated (seeded, vectorised) and analytic power of Welch's test for every delay
    in ``lag_delays`` and every trial length (the primary week and
    ``longer_endpoint_weeks``), with the delays that would explain the observed
    difference (:func:`valor.lagged.power_grid`, :func:`valor.lagged.implied_delay`)."""
    model = lag_model(primary)
    lengths = (primary.week, *assumptions.LONGER_ENDPOINT_WEEKS)
    n_sims = assumptions.LAG_N_TRIALS
    grid = lagged.power_grid(
        model,
        primary.n_tofersen,
        primary.n_placebo,
        np.asarray(assumptions.LAG_DELAYS),
        list(lengths),
        n_sims=n_sims,
        seed=assumptions.SEED,
        alpha=assumptions.ALPHA,
    )
    return LagPower(
        model=model,
        grid=grid,
        primary_week=primary.week,
        examples=tuple(assumptions.LAG_EXAMPLES),
        lengths=lengths,
        n_sims=n_sims,
        noise_share=assumptions.LAG_NOISE_SHARE,
        implied_delay=lagged.implied_delay(model, primary.difference, primary.week),
        implied_delay_smaller=lagged.implied_delay(
            model.with_(effect=model.effect / 2), primary.difference, primary.week
        ),
        target_power=assumptions.TARGET_POWER,
    )
