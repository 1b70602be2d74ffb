"""Background numbers: how common SOD1-ALS is, how the ALSFRS-R is built, and how
fast it falls. Chapter: *Background*. Light: pandas only, no SciPy."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from valor import data, fmt
from valor.analysis.result import Result

DAYS_PER_MONTH = 365.25 / 12
DAYS_PER_WEEK = 7


@dataclass(frozen=True, repr=False)
class Epidemiology(Result):
    """How common familial and SOD1-ALS are."""

    familial_share: float
    sod1_share_familial: tuple[float, float]  # (low, high)
    sod1_share_all: float
    us_prevalence: int

    def texts(self) -> dict[str, str]:
        low, high = self.sod1_share_familial
        return {
            "familial_pct": fmt.percent(self.familial_share),
            "sod1_familial": f"{fmt.num(100 * low, 0)} to {fmt.percent(high)}",
            "sod1_all_pct": fmt.percent(self.sod1_share_all),
            "us_prevalence": fmt.integer(self.us_prevalence),
        }


def epidemiology(facts: pd.DataFrame) -> Epidemiology:
    """From ``data/background_facts.csv``."""
    return Epidemiology(
        familial_share=data.parameter(facts, "familial_share_pct") / 100,
        sod1_share_familial=(
            data.parameter(facts, "sod1_share_familial_low_pct") / 100,
            data.parameter(facts, "sod1_share_familial_high_pct") / 100,
        ),
        sod1_share_all=data.parameter(facts, "sod1_share_all_pct") / 100,
        us_prevalence=int(data.parameter(facts, "us_sod1_prevalence")),
    )


@dataclass(frozen=True, repr=False)
class Survival(Result):
    """Survival by *SOD1* variant in a natural-history cohort (years)."""

    median_a5v: float
    median_other: float
    median_all: float
    duration_a5v: tuple[float, float]  # (mean, SD)

    def texts(self) -> dict[str, str]:
        return {
            "survival_a5v": fmt.num(self.median_a5v),
            "survival_non_a5v": fmt.num(self.median_other),
            "survival_all": fmt.num(self.median_all),
            "duration_a5v": f"{fmt.num(self.duration_a5v[0])} ± {fmt.num(self.duration_a5v[1])}",
        }


def survival_by_variant(history: pd.DataFrame) -> Survival:
    """From ``data/sod1_natural_history.csv`` (A5V is written A4V there, as in the source)."""

    def value(group, measure="median survival"):
        return float(data.value(history, "value", group=group, measure=measure))

    return Survival(
        median_a5v=value("A4V"),
        median_other=value("non-A4V"),
        median_all=value("all SOD1"),
        duration_a5v=(value("A4V", "mean disease duration"), value("A4V", "SD of disease duration")),
    )


@dataclass(frozen=True, repr=False)
class Scale(Result):
    """How the ALSFRS-R is built: items, points per item, domains."""

    items: int
    item_max: int
    total_max: int
    bulbar_items: int
    limb_items: int
    respiratory_items: int

    def texts(self) -> dict[str, str]:
        return {name: fmt.integer(getattr(self, name)) for name in self.__dataclass_fields__}


def alsfrs_scale(facts: pd.DataFrame, design: pd.DataFrame) -> Scale:
    """The ALSFRS-R's structure, checked: items x highest item score must equal the
    maximum in ``data/design.csv``, and the domains must add up to all items."""
    items, item_max = (
        int(data.parameter(facts, "alsfrs_items")),
        int(data.parameter(facts, "alsfrs_item_max")),
    )
    domains = [int(data.parameter(facts, f"alsfrs_{d}_items")) for d in ("bulbar", "limb", "respiratory")]
    total_max = int(data.parameter(design, "alsfrs_r_max"))
    if items * item_max != total_max:
        raise ValueError(
            f"ALSFRS-R: {items} items x {item_max} points = {items * item_max}, "
            f"but data/design.csv gives a maximum of {total_max}"
        )
    if sum(domains) != items:
        raise ValueError(f"ALSFRS-R: the domains hold {sum(domains)} items, not {items}")
    return Scale(items, item_max, total_max, *domains)


@dataclass(frozen=True, repr=False)
class RegistryDecline(Result):
    """The registry average rate of decline, carried to VALOR's primary endpoint."""

    per_month: float
    registry_n: int
    primary_week: int
    months: float
    by_endpoint: float  # points lost by the primary endpoint at that rate

    def texts(self) -> dict[str, str]:
        return {
            "decline": fmt.num(self.per_month, 2),
            "registry_n": fmt.integer(self.registry_n),
            "primary_week": fmt.integer(self.primary_week),
            "months": fmt.num(self.months),
            "decline_by_endpoint": fmt.num(self.by_endpoint),
        }


def registry_decline(facts: pd.DataFrame, design: pd.DataFrame) -> RegistryDecline:
    """Points a month in the registries, and what that rate costs by week 28."""
    week = int(data.parameter(design, "primary_endpoint_week"))
    per_month, months = (
        data.parameter(facts, "alsfrs_decline_per_month"),
        week * DAYS_PER_WEEK / DAYS_PER_MONTH,
    )
    return RegistryDecline(
        per_month=per_month,
        registry_n=int(data.parameter(facts, "alsfrs_registry_n")),
        primary_week=week,
        months=months,
        by_endpoint=per_month * months,
    )
