"""The open-label extension: early against delayed start, participation, long-term
follow-up and how it was framed, the hazard ratios of two data cuts, the extension's
registry record, and the cohorts treated outside trials.

Chapter: *The open-label extension* (also the introduction, the lessons and the fact
check). Light: pandas only; SciPy (through :mod:`valor.stats`) is loaded only when the
P value a published interval implies is computed.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from valor import data, fmt, labels
from valor.analysis import record
from valor.analysis.result import Result
from valor.book import cite

COMPOSITE = "death, permanent ventilation or withdrawal for progression"
# Endpoints on which a lower score is better: on the ALSAQ-5 "higher scores ... indicate
# worsening" (Biogen's briefing document, Table 13, note 1), so early start favoured is below 0.
LOWER_IS_BETTER = frozenset({"alsaq5"})


def _estimate_ci(row, digits: int = 1, estimate_digits: int | None = None) -> str:
    return fmt.estimate_ci(row["estimate"], row["ci_low"], row["ci_high"], digits, estimate_digits)


@dataclass(frozen=True, repr=False)
class FirstLook(Result):
    """The July 2021 cut: each stratum some weeks after the switch to open label."""

    rows: pd.DataFrame  # data/ole_oct2021.csv

    def _row(self, endpoint, population, comparison):
        return data.row(self.rows, endpoint=endpoint, population=population, comparison=comparison)

    def texts(self) -> dict[str, str]:
        faster = self._row("alsfrs_r", "faster", "difference")
        slower = self._row("alsfrs_r", "slower", "difference")
        return {
            "faster_week": fmt.integer(faster["week"]),
            "slower_week": fmt.integer(slower["week"]),
            "faster_early": fmt.num(self._row("alsfrs_r", "faster", "early start")["estimate"]),
            "faster_delayed": fmt.num(self._row("alsfrs_r", "faster", "delayed start")["estimate"]),
            "faster_diff": _estimate_ci(faster),
            "slower_diff": _estimate_ci(slower),
            "faster_nfl_ratio": _estimate_ci(self._row("plasma_nfl", "faster", "early:delayed"), 2),
            "faster_sod1_ratio": _estimate_ci(self._row("csf_sod1", "faster", "early:delayed"), 2),
            "faster_cut": f"{faster['data_cut']} cut",
        } | {
            f"{short}_fall_{group.split()[0]}": fmt.fall(self._row(marker, "faster", group)["estimate"])
            for marker, short in (("csf_sod1", "sod1"), ("plasma_nfl", "nfl"))
            for group in labels.GROUP_ARM
        }


def first_look(oct2021: pd.DataFrame) -> FirstLook:
    """The extension's first look (``data/ole_oct2021.csv``)."""
    return FirstLook(oct2021)


@dataclass(frozen=True, repr=False)
class Week52(Result):
    """Early minus delayed start at week 52 (January 2022 cut), verified values only."""

    rows: pd.DataFrame  # data/ole_week52.csv, every row
    week: int

    @property
    def verified(self) -> pd.DataFrame:
        return self.rows[self.rows["verified"] == "yes"]

    @property
    def unverified(self) -> pd.DataFrame:
        return self.rows[self.rows["verified"] == "no"]

    def _row(self, endpoint, comparison="difference"):
        return data.row(self.verified, endpoint=endpoint, comparison=comparison)

    def p_implied(self, endpoint: str) -> float:
        """The two-sided P value a symmetric, normal-theory 95% interval implies for no
        difference: what the interval says, not which analysis produced the reported P."""
        from valor import stats  # SciPy: loaded only here, so importing this module stays light

        row = self._row(endpoint)
        return float(stats.p_from_ci(row["estimate"], row["ci_low"], row["ci_high"]))

    def texts(self) -> dict[str, str]:
        return {
            "w52_week": fmt.integer(self.week),
            "w52_early_loss": fmt.num(-self._row("alsfrs_r", "early start")["estimate"]),
            "w52_delayed_loss": fmt.num(-self._row("alsfrs_r", "delayed start")["estimate"]),
            "w52_cut": str(self._row("alsfrs_r")["data_cut"]),
            "w52_early": fmt.num(self._row("alsfrs_r", "early start")["estimate"]),
            "w52_delayed": fmt.num(self._row("alsfrs_r", "delayed start")["estimate"]),
            "w52_diff_estimate": fmt.num(self._row("alsfrs_r")["estimate"]),
            "w52_ci": fmt.ci(self._row("alsfrs_r")["ci_low"], self._row("alsfrs_r")["ci_high"]),
            "w52_svc_estimate": fmt.num(self._row("svc")["estimate"]),
            "w52_svc_ci": fmt.ci(self._row("svc")["ci_low"], self._row("svc")["ci_high"]),
            "w52_diff": _estimate_ci(self._row("alsfrs_r")),
            "w52_p": fmt.p_reported(self._row("alsfrs_r")["p_value"]),
            "w52_p_implied": fmt.p_value(self.p_implied("alsfrs_r"), 3),
            "w52_svc": _estimate_ci(self._row("svc")),
            "w52_svc_p": fmt.p_reported(self._row("svc")["p_value"]),
            "w52_hhd": _estimate_ci(self._row("hhd"), 2),
            "w52_hhd_p": fmt.p_reported(self._row("hhd")["p_value"]),
            "w52_alsaq5": _estimate_ci(self._row("alsaq5"), 2, estimate_digits=1),
            "w52_alsaq5_p": fmt.p_reported(self._row("alsaq5")["p_value"]),
            "w52_eq5d": _estimate_ci(self._row("eq5d5l"), 2, estimate_digits=1),
            "n_unverified": fmt.integer(len(self.unverified)),
            "unverified_endpoints": labels.endpoints_in_words(self.unverified["endpoint"].unique()),
        }


def forest_rows(week52: pd.DataFrame) -> pd.DataFrame:
    """Verified differences with a 95% CI, the rows a forest plot may show; ``lower_is_better``
    marks the endpoints on which a lower score is better (a plot reverses their scale)."""
    keep = (
        (week52["verified"] == "yes")
        & (week52["comparison"] == "difference")
        & week52["ci_low"].notna()
        & week52["ci_high"].notna()
    )
    rows = week52[keep].reset_index(drop=True)
    return rows.assign(lower_is_better=rows["endpoint"].isin(LOWER_IS_BETTER))


def favours_early_start(rows: pd.DataFrame) -> pd.Series:
    """Whether each interval lies wholly on the side that favours early start: above zero,
    or below zero on an endpoint where a lower score is better."""
    lower = rows["endpoint"].isin(LOWER_IS_BETTER)
    return (lower & (rows["ci_high"] < 0)) | (~lower & (rows["ci_low"] > 0))


def week52_results(week52: pd.DataFrame) -> Week52:
    """The week-52 results of ``data/ole_week52.csv``.

    The chapter says ALSFRS-R *fell* in both groups and that every verified interval
    favours early start; this refuses data for which those words would be wrong.
    """
    alsfrs = week52[(week52["endpoint"] == "alsfrs_r") & (week52["comparison"] != "difference")]
    if not (alsfrs["estimate"] < 0).all() or not favours_early_start(forest_rows(week52)).all():
        raise ValueError(
            "data/ole_week52.csv: the prose says ALSFRS-R fell in both groups and every verified "
            "interval favours early start; the data no longer say so"
        )
    weeks = week52["week"].unique()
    if len(weeks) != 1:
        raise ValueError(f"data/ole_week52.csv: expected one week, found {sorted(weeks)}")
    return Week52(week52, int(weeks[0]))


@dataclass(frozen=True, repr=False)
class Participation(Result):
    """Who entered and who completed the extension, and for how long they were followed."""

    n_randomised: int
    entered: int
    completed: int
    completed_early: int
    completed_early_pct: float
    completed_delayed: int
    completed_delayed_pct: float
    median_follow_up: tuple[float, float, float]  # years: median, shortest, longest
    weeks_from_valor_start: tuple[int, int]

    def texts(self) -> dict[str, str]:
        median, low, high = self.median_follow_up
        return {
            "entered": fmt.integer(self.entered),
            "entered_pct": fmt.percent(self.entered / self.n_randomised),
            "completed": fmt.integer(self.completed),
            "completed_early": fmt.integer(self.completed_early),
            "completed_early_pct": fmt.percent(self.completed_early_pct / 100),
            "completed_delayed": fmt.integer(self.completed_delayed),
            "completed_delayed_pct": fmt.percent(self.completed_delayed_pct / 100),
            "median_fu": fmt.num(median),
            "fu_range": fmt.ci(low, high),
            "fu_weeks": f"{fmt.integer(self.weeks_from_valor_start[0])} to "
            f"{fmt.integer(self.weeks_from_valor_start[1])}",
        }


def participation_summary(
    participation: pd.DataFrame, design: pd.DataFrame, enrolment: pd.DataFrame
) -> Participation:
    """From ``data/ole_participation.csv``, ``data/design.csv`` (how many entered) and
    ``data/enrolment.csv`` (how many were randomised)."""

    def row(measure, group="all"):
        return data.row(participation, measure=measure, group=group)

    median, weeks = row("median_follow_up"), row("follow_up_from_valor_start")
    return Participation(
        n_randomised=int(data.value(enrolment, "n", population="all", arm="both")),
        entered=int(data.parameter(design, "ole_entered")),
        completed=int(row("completed_ole")["value"]),
        completed_early=int(row("completed_ole", "early start")["value"]),
        completed_early_pct=float(row("completed_ole", "early start")["percent_reported"]),
        completed_delayed=int(row("completed_ole", "delayed start")["value"]),
        completed_delayed_pct=float(row("completed_ole", "delayed start")["percent_reported"]),
        median_follow_up=(float(median["value"]), float(median["range_low"]), float(median["range_high"])),
        weeks_from_valor_start=(int(weeks["range_low"]), int(weeks["range_high"])),
    )


@dataclass(frozen=True, repr=False)
class AssessedWeek52(Result):
    """How many of each randomised group had an ALSFRS-R score at week 52."""

    early: int
    early_pct: float  # as reported
    delayed: int
    delayed_pct: float

    def texts(self) -> dict[str, str]:
        return {
            "assessed_early": fmt.integer(self.early),
            "assessed_early_pct": fmt.percent(self.early_pct / 100),
            "assessed_delayed": fmt.integer(self.delayed),
            "assessed_delayed_pct": fmt.percent(self.delayed_pct / 100),
        }


def assessed_week52(participation: pd.DataFrame) -> AssessedWeek52:
    """The ``assessed_alsfrs_w52`` rows of ``data/ole_participation.csv``."""

    def row(group):
        return data.row(participation, measure="assessed_alsfrs_w52", group=group)

    early, delayed = row("early start"), row("delayed start")
    return AssessedWeek52(
        early=int(early["value"]),
        early_pct=float(early["percent_reported"]),
        delayed=int(delayed["value"]),
        delayed_pct=float(delayed["percent_reported"]),
    )


@dataclass(frozen=True, repr=False)
class LongTerm(Result):
    """The long-term report: each endpoint's change in the two groups."""

    rows: pd.DataFrame  # data/ole_longterm.csv
    week: int

    def _pair(self, endpoint, digits=1, formatter=None):
        formatter = formatter or (lambda x: fmt.num(x, digits))
        early, delayed = (
            formatter(data.value(self.rows, "estimate", endpoint=endpoint, comparison=group))
            for group in labels.GROUP_ARM
        )
        return early, delayed

    def texts(self) -> dict[str, str]:
        alsfrs, svc, hhd = self._pair("alsfrs_r"), self._pair("svc"), self._pair("hhd", 2)
        nfl = self._pair("plasma_nfl", formatter=fmt.percent)
        return {
            "lt_week": fmt.integer(self.week),
            "lt_alsfrs": f"{alsfrs[0]} against {alsfrs[1]} points",
            "lt_svc": f"{svc[0]} against {svc[1]} percent of predicted",
            "lt_hhd": f"{hhd[0]} against {hhd[1]}",
            "lt_nfl": f"{nfl[0]} and {nfl[1]}",
        }


def long_term(longterm: pd.DataFrame) -> LongTerm:
    """``data/ole_longterm.csv``. The chapter says early starters had less decline in
    ALSFRS-R, SVC and HHD; this refuses data for which that would be wrong."""
    wide = longterm.pivot(index="endpoint", columns="comparison", values="estimate")
    if not (
        wide.loc[["alsfrs_r", "svc", "hhd"], "early start"]
        > wide.loc[["alsfrs_r", "svc", "hhd"], "delayed start"]
    ).all():
        raise ValueError(
            "data/ole_longterm.csv: the prose says early start declined less; the data no longer say so"
        )
    return LongTerm(longterm, int(longterm["week"].iloc[0]))


@dataclass(frozen=True, repr=False)
class HazardRatios(Result):
    """Hazard ratios of early against delayed start, by data cut, population and outcome."""

    rows: pd.DataFrame  # data/hazard_ratios.csv

    def text(self, cut: str, population: str, outcome: str) -> str:
        return hazard_ratio_text(data.row(self.rows, data_cut=cut, population=population, endpoint=outcome))

    def texts(self) -> dict[str, str]:
        return {
            "hr_jul": self.text("July 2021", "faster", COMPOSITE),
            "hr_jan_dpv": self.text("January 2022", "all", "death or permanent ventilation"),
            "hr_jan_death": self.text("January 2022", "all", "death"),
            "hr_jan_composite": self.text("January 2022", "all", COMPOSITE),
        }


def hazard_ratio_summary(hazard_ratios: pd.DataFrame) -> HazardRatios:
    """``data/hazard_ratios.csv``, kept apart by data cut (never pooled)."""
    return HazardRatios(hazard_ratios)


def hazard_ratio_text(row: pd.Series) -> str:
    """A hazard ratio with its 95% CI, as the prose quotes it."""
    return f"{fmt.num(row['estimate'], 2)} (95% CI {fmt.ci(row['ci_low'], row['ci_high'], 2)})"


@dataclass(frozen=True, repr=False)
class PrespecifiedHazardRatios(Result):
    """The January 2022 cut with the pre-specified model, as the FDA's reviewer ran it."""

    rows: pd.DataFrame  # data/hazard_ratios_prespecified.csv

    def texts(self) -> dict[str, str]:
        out = {}
        for _, r in self.rows.iterrows():
            outcome = "death" if r["endpoint"] == "death" else "dpv"
            out[f"hr_pre_{r['population']}_{outcome}"] = hazard_ratio_text(r)
        return out


def prespecified_hazard_ratios(frame: pd.DataFrame) -> PrespecifiedHazardRatios:
    """``data/hazard_ratios_prespecified.csv``. The chapter says that in the faster group these
    estimates lie on the side of delayed start; this refuses data in which they do not."""
    faster = frame[frame["population"] == "faster"]
    if not (faster["estimate"] > 1).all():
        raise ValueError(
            "data/hazard_ratios_prespecified.csv: the chapter says the faster group's hazard ratios "
            "favour delayed start (above 1); a row no longer does"
        )
    return PrespecifiedHazardRatios(frame)


@dataclass(frozen=True, repr=False)
class RegistryRecord(Result):
    """The extension (NCT03070119) in the registry, beside what the long-term paper reports."""

    rows: pd.DataFrame  # the OLE rows of data/trial_registry.csv

    def _value(self, parameter: str, version: str = "registry record") -> str:
        return record.registry_value(record.registry_fact(self.rows, parameter, version))

    def texts(self) -> dict[str, str]:
        status = record.registry_fact(self.rows, "recruitment_status", "registry record")  # dates the version
        return {
            "reg_id": str(status["registry_id"]),
            "reg_as_of": record.date_text(status["as_of"]),
            "reg_enrolled": self._value("enrolment"),
            "reg_masking": self._value("allocation_masking"),
            "reg_completion_estimate": self._value("study_completion"),
            "reg_completed": self._value("study_completion", "other"),
            "reg_primary_outcome": self._value("primary_outcome"),
            "reg_results": self._value("results_posted").lower(),
        }


def registry_record(trial_registry: pd.DataFrame) -> RegistryRecord:
    """The extension's rows of ``data/trial_registry.csv``."""
    return RegistryRecord(trial_registry[trial_registry["trial"] == "OLE"].reset_index(drop=True))


WEEKS_PER_YEAR = 365.25 / 7

SPEAKERS = {
    "paper": "the paper (abstract)",
    "regulator": "the EU product information",
    "sponsor": "the sponsor",
    "university": "the university (press summary)",
    "news": "a news report",
}
# The statements set side by side (what the results mean), in the order shown.
FRAMING_TOPICS = ("significance", "function", "responders", "survival", "biomarker")


@dataclass(frozen=True, repr=False)
class LongTermStatements(Result):
    """What the long-term report (2025) says, and how the sponsor, the university and the
    news framed it: each statement labelled with who makes it, never merged."""

    rows: pd.DataFrame  # data/longterm_statements.csv

    def statement(self, statement_id: str) -> pd.Series:
        return data.row(self.rows, statement_id=statement_id)

    def texts(self) -> dict[str, str]:
        strength = self.statement("sponsor_strength_27pct")
        return {
            "lt_published": record.statement_text(self.statement("news_published")),
            "lt_efs_years": fmt.num(self.statement("sponsor_event_free_survival")["value"]),
            "lt_efs_quote": record.statement_text(self.statement("sponsor_event_free_survival")),
            "lt_numerical_quote": record.statement_text(self.statement("sponsor_numerical")),
            "lt_strength_pct": fmt.percent(strength["value"] / 100),
            "lt_quarter": record.statement_text(self.statement("university_quarter")),
            "lt_half_alive": record.statement_text(self.statement("university_half_alive")),
            "lt_not_powered": record.statement_text(self.statement("news_not_powered")),
            "lt_not_significant": record.statement_text(self.statement("university_not_significant")),
            "lt_eap_eu": record.statement_text(self.statement("sponsor_eap_eu")),
            "lt_paper_survival": record.statement_text(self.statement("paper_survival_natural_history")),
            "lt_regulator_not_significant": record.statement_text(
                self.statement("regulator_not_significant")
            ),
            "lt_regulator_hr": record.statement_text(self.statement("regulator_hr_death_pv")),
            "lt_high_nfl_early_weeks": fmt.num(self.statement("regulator_high_nfl_early")["value"]),
            "lt_high_nfl_delayed_weeks": fmt.num(self.statement("regulator_high_nfl_delayed")["value"]),
            "lt_high_nfl_gap_years": fmt.num(self.high_nfl_gap_years),
        }

    @property
    def high_nfl_gap_years(self) -> float:
        """The regulator's two medians (weeks) apart, in years (our arithmetic)."""
        early = self.statement("regulator_high_nfl_early")["value"]
        delayed = self.statement("regulator_high_nfl_delayed")["value"]
        return (early - delayed) / WEEKS_PER_YEAR

    def table(self) -> pd.DataFrame:
        """The framings side by side: what they are about, who says it, the statement."""
        shown = self.rows[self.rows["topic"].isin(FRAMING_TOPICS)]
        shown = shown.sort_values("topic", key=lambda t: t.map(FRAMING_TOPICS.index), kind="stable")
        return pd.DataFrame(
            {
                "About": shown["topic"],
                "Who says it": shown["speaker"].map(SPEAKERS),
                "Statement (quoted, or paraphrased)": [record.statement_text(r) for _, r in shown.iterrows()],
                "Source": [f"{cite(r.source_key)}, {r.source_location}" for r in shown.itertuples()],
            }
        )


def long_term_statements(statements: pd.DataFrame) -> LongTermStatements:
    """``data/longterm_statements.csv``. The chapter says the paper's abstract gives no
    survival figure and that the regulator's medians in the high-NfL subgroup lie the
    sponsor's event-free-survival figure apart; this refuses data that no longer say so."""
    paper_survival = statements[(statements["topic"] == "survival") & (statements["speaker"] == "paper")]
    if paper_survival["value"].notna().any():
        raise ValueError(
            "data/longterm_statements.csv: the chapter says the paper's abstract gives no survival "
            "figure; a survival figure is now attributed to the paper: rewrite the section"
        )
    result = LongTermStatements(statements)
    sponsor_years = result.statement("sponsor_event_free_survival")["value"]
    if round(result.high_nfl_gap_years, 1) != round(sponsor_years, 1):
        raise ValueError(
            "data/longterm_statements.csv: the chapter says the regulator's medians in the high-NfL "
            f"subgroup lie {sponsor_years} years apart, the sponsor's figure; they now lie "
            f"{result.high_nfl_gap_years:.2f} years apart"
        )
    return result


def _percent_as_reported(x) -> str:
    x = float(x)
    return f"{fmt.num(x, 0 if x.is_integer() else 1)}%"


@dataclass(frozen=True, repr=False)
class RealWorld(Result):
    """Cohorts treated outside trials: what each reports, and what it is compared against."""

    rows: pd.DataFrame  # data/realworld_cohorts.csv

    def texts(self) -> dict[str, str]:
        nfl = self.rows["nfl_change_pct"].dropna()  # percent changes, all negative (checked)
        analysed = self.rows["n_analysed"].dropna()
        return {
            "rw_n_cohorts": fmt.integer(len(self.rows)),
            "rw_n_countries": fmt.integer(self.rows["country"].nunique()),
            "rw_nfl_falls": f"{_percent_as_reported(-nfl.max())} to {_percent_as_reported(-nfl.min())}",
            "rw_n_analysed_range": f"{fmt.integer(analysed.min())} to {fmt.integer(analysed.max())}",
        }

    def table(self) -> pd.DataFrame:
        def people(r):
            treated = "—" if fmt.missing(r.n_treated) else fmt.integer(r.n_treated)
            analysed = "—" if fmt.missing(r.n_analysed) else fmt.integer(r.n_analysed)
            return f"{treated} / {analysed}"

        return pd.DataFrame(
            {
                "Cohort": [f"{r.country}: {r.setting}" for r in self.rows.itertuples()],
                "Treated / analysed": [people(r) for r in self.rows.itertuples()],
                "Follow-up": self.rows["follow_up"],
                "NfL change": [
                    "—"
                    if fmt.missing(r.nfl_change_pct)
                    else f"{_percent_as_reported(r.nfl_change_pct)} ({r.nfl_matrix})"
                    for r in self.rows.itertuples()
                ],
                "Findings as reported": self.rows["functional_finding"],
                "Compared with": self.rows["comparison"],
                "Source": [f"{cite(r.source_key)}, {r.source_location}" for r in self.rows.itertuples()],
            }
        )


UNCONTROLLED = ("within-patient", "none")  # how each comparison may begin: no control group


def real_world(cohorts: pd.DataFrame) -> RealWorld:
    """``data/realworld_cohorts.csv``. The chapter says none of these cohorts has a control
    group, and that NfL fell wherever a cohort gives a figure; this refuses data in which
    either is wrong."""
    if not (cohorts["nfl_change_pct"].dropna() < 0).all():
        raise ValueError(
            "data/realworld_cohorts.csv: the chapter says NfL fell in every cohort giving a figure"
        )
    controlled = cohorts[~cohorts["comparison"].str.startswith(UNCONTROLLED)]
    if len(controlled):
        raise ValueError(
            "data/realworld_cohorts.csv: the chapter says no cohort has a control group, but "
            f"{', '.join(controlled['cohort_id'])} may: rewrite the section"
        )
    return RealWorld(cohorts)
