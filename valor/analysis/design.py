"""The design of VALOR: who was randomised, the trial's parameters, the dosing schedule.

Chapter: *The design of VALOR* (also the introduction, the extension and the fact
check, for the counts). Light: pandas only, no SciPy.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from valor import data, fmt
from valor.analysis.result import Result

DAYS_PER_WEEK = 7


def study_week(study_day):
    """Study day 1 is week 0."""
    return (study_day - 1) / DAYS_PER_WEEK


@dataclass(frozen=True, repr=False)
class Enrolment(Result):
    """Participants randomised, by stratum and arm."""

    n_all: int
    n_tofersen: int
    n_placebo: int
    n_faster: int
    n_faster_tofersen: int
    n_faster_placebo: int
    n_slower: int
    n_slower_tofersen: int
    n_slower_placebo: int
    share_faster: float  # share of all participants in the faster stratum

    def texts(self) -> dict[str, str]:
        counts = {
            name: fmt.integer(getattr(self, name))
            for name in self.__dataclass_fields__
            if name.startswith("n_")
        }
        return counts | {"share_faster": fmt.percent(self.share_faster)}


def enrolment_counts(enrolment: pd.DataFrame) -> Enrolment:
    """The counts of ``data/enrolment.csv`` by stratum (faster, slower, all) and arm."""

    def n(population, arm):
        return int(data.value(enrolment, "n", population=population, arm=arm))

    return Enrolment(
        n_all=n("all", "both"),
        n_tofersen=n("all", "tofersen"),
        n_placebo=n("all", "placebo"),
        n_faster=n("faster", "both"),
        n_faster_tofersen=n("faster", "tofersen"),
        n_faster_placebo=n("faster", "placebo"),
        n_slower=n("slower", "both"),
        n_slower_tofersen=n("slower", "tofersen"),
        n_slower_placebo=n("slower", "placebo"),
        share_faster=n("faster", "both") / n("all", "both"),
    )


@dataclass(frozen=True, repr=False)
class TrialFacts(Result):
    """The trial's parameters from ``data/design.csv``."""

    ratio_tofersen: float
    ratio_placebo: float
    sites: int
    countries: int
    countries_fda: int  # the FDA's review, the registry and the sponsor's briefing: fewer than the papers
    start: tuple[int, int]  # (year, month)
    end: tuple[int, int]
    screening_weeks: int
    treatment_weeks: int
    followup_weeks: tuple[int, int]  # (shortest, longest)
    primary_week: int
    dose_mg: float
    volume_ml: float
    alsfrs_max: int

    @property
    def allocation_ratio(self) -> float:
        """Participants on tofersen per participant on placebo."""
        return self.ratio_tofersen / self.ratio_placebo

    def texts(self) -> dict[str, str]:
        return {
            "ratio": fmt.ratio(self.ratio_tofersen, self.ratio_placebo),
            "sites": fmt.integer(self.sites),
            "countries": fmt.integer(self.countries),
            "countries_fda": fmt.integer(self.countries_fda),
            "start": fmt.month_year(*self.start),
            "end": fmt.month_year(*self.end),
            "screening_weeks": fmt.integer(self.screening_weeks),
            "treatment_weeks": fmt.integer(self.treatment_weeks),
            "followup": f"{fmt.integer(self.followup_weeks[0])} to {fmt.integer(self.followup_weeks[1])}",
            "primary_week": fmt.integer(self.primary_week),
            "dose_mg": fmt.integer(self.dose_mg),
            "volume_ml": fmt.integer(self.volume_ml),
            "alsfrs_max": fmt.integer(self.alsfrs_max),
        }


# Sources that list the countries with VALOR participants one by one (the papers give a count).
COUNTRY_LISTS = ("countries_fda_review", "countries_registry", "countries_sponsor_briefing")


def listed_countries(design: pd.DataFrame) -> int:
    """The count of countries the sources that list them agree on; a clear error if they differ."""
    counts = {name: int(data.parameter(design, name)) for name in COUNTRY_LISTS}
    if len(set(counts.values())) != 1:
        raise ValueError(f"data/design.csv: the sources that list the countries disagree: {counts}")
    return counts[COUNTRY_LISTS[0]]


def trial_facts(design: pd.DataFrame) -> TrialFacts:
    """The parameters of the trial, read from ``data/design.csv``."""

    def p(name):
        return data.parameter(design, name)

    return TrialFacts(
        ratio_tofersen=p("randomisation_tofersen"),
        ratio_placebo=p("randomisation_placebo"),
        sites=int(p("sites")),
        countries=int(p("countries")),
        countries_fda=listed_countries(design),
        start=(int(p("start_year")), int(p("start_month"))),
        end=(int(p("end_year")), int(p("end_month"))),
        screening_weeks=int(p("screening_weeks")),
        treatment_weeks=int(p("treatment_weeks")),
        followup_weeks=(int(p("followup_weeks_min")), int(p("followup_weeks_max"))),
        primary_week=int(p("primary_endpoint_week")),
        dose_mg=p("dose_mg"),
        volume_ml=p("dose_volume_ml"),
        alsfrs_max=int(p("alsfrs_r_max")),
    )


@dataclass(frozen=True, repr=False)
class ProgressionCriteria(Result):
    """The protocol's rule for the faster-progression stratum (``data/progression_criteria.csv``)."""

    listed_variants: tuple[str, ...]  # variants that need only the smaller slope
    slope_listed: float  # ALSFRS-R points a month, for a listed variant
    slope_other: float  # for any other variant
    svc_faster: float  # percent of predicted, to enter the faster stratum
    svc_slower: float

    def texts(self) -> dict[str, str]:
        variants = list(self.listed_variants)
        return {
            "crit_n_variants": fmt.integer(len(variants)),
            "crit_variants": ", ".join(variants[:-1]) + " or " + variants[-1],
            "crit_slope_listed": fmt.num(self.slope_listed),
            "crit_slope_other": fmt.num(self.slope_other),
            "crit_svc_faster": fmt.integer(self.svc_faster),
            "crit_svc_slower": fmt.integer(self.svc_slower),
        }


def progression_criteria(criteria: pd.DataFrame) -> ProgressionCriteria:
    """``data/progression_criteria.csv``. The chapter says a listed variant needed a smaller
    pre-trial slope than any other; this refuses data in which it does not."""
    listed, other = data.row(criteria, rule="a"), data.row(criteria, rule="b")
    if not listed["min_slope_per_month"] < other["min_slope_per_month"]:
        raise ValueError(
            "data/progression_criteria.csv: the chapter says the listed variants needed a smaller "
            "slope than the others; rule a no longer has the smaller slope"
        )
    return ProgressionCriteria(
        listed_variants=tuple(v.strip() for v in listed["variants"].split(";")),
        slope_listed=float(listed["min_slope_per_month"]),
        slope_other=float(other["min_slope_per_month"]),
        svc_faster=float(listed["min_svc_percent"]),
        svc_slower=float(data.value(criteria, "min_svc_percent", rule="c")),
    )


@dataclass(frozen=True, repr=False)
class Dosing(Result):
    """The dosing schedule against the primary endpoint."""

    n_doses: int
    n_loading: int
    n_maintenance: int
    loading_gap_days: int
    maintenance_gap_days: int
    last_loading_week: float
    last_dose_week: float
    primary_week: float
    gap_to_endpoint: float  # weeks from the last dose to the primary endpoint

    def texts(self) -> dict[str, str]:
        return {
            "n_doses": fmt.integer(self.n_doses),
            "n_loading": fmt.integer(self.n_loading),
            "n_maintenance": fmt.integer(self.n_maintenance),
            "loading_gap_days": fmt.integer(self.loading_gap_days),
            "maintenance_gap_days": fmt.integer(self.maintenance_gap_days),
            "last_dose_week": fmt.integer(self.last_dose_week),
            "gap_to_endpoint": fmt.integer(self.gap_to_endpoint),
        }


def dosing(schedule: pd.DataFrame, design: pd.DataFrame) -> Dosing:
    """Doses by phase, the days between them and the week of the last dose
    (``data/dosing_schedule.csv``; the endpoint's week from ``data/design.csv``)."""
    days = {phase: rows["study_day"].astype(int) for phase, rows in schedule.groupby("phase")}
    last_dose = float(study_week(schedule["study_day"].max()))
    week = data.parameter(design, "primary_endpoint_week")
    return Dosing(
        n_doses=len(schedule),
        n_loading=len(days["loading"]),
        n_maintenance=len(days["maintenance"]),
        loading_gap_days=int(days["loading"].diff().dropna().iloc[0]),
        maintenance_gap_days=int(days["maintenance"].diff().dropna().iloc[0]),
        last_loading_week=float(study_week(days["loading"].max())),
        last_dose_week=last_dose,
        primary_week=week,
        gap_to_endpoint=week - last_dose,
    )
