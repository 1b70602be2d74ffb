"""After VALOR: dates, the advisory committee's questions and votes, ATLAS as planned and
as registered now, approvals around the world, the European regulators' reasoning, and
safety (serious neurologic events, and overall totals) as each source reports it.

Chapter: *After VALOR: approval on a biomarker* (also the lessons). Light: pandas
only, no SciPy.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from valor import data, fmt
from valor.analysis import record
from valor.analysis.result import Result
from valor.book import cite

NOT_REPORTED = "not reported"
REFERENCE_REPORT = "FDA integrated review"  # the report of the votes the prose quotes


def event_date(row) -> dt.date:
    """An event's date; an event known only to the month is placed mid-month."""
    day = 15 if fmt.missing(row["day"]) else int(row["day"])
    return dt.date(int(row["year"]), int(row["month"]), day)


@dataclass(frozen=True, repr=False)
class Timeline(Result):
    """The dated events from VALOR's results to the end of the extension."""

    rows: pd.DataFrame  # data/regulatory_timeline.csv

    def date(self, event_id: str) -> dt.date:
        return event_date(data.row(self.rows, event_id=event_id))

    def days_between(self, first: str, second: str) -> int:
        return (self.date(second) - self.date(first)).days

    def texts(self) -> dict[str, str]:
        return {f"date_{r.event_id}": fmt.date(r.year, r.month, r.day) for r in self.rows.itertuples()}


def regulatory_timeline(timeline: pd.DataFrame) -> Timeline:
    """``data/regulatory_timeline.csv`` (dates known only to the month stay so)."""
    return Timeline(timeline)


@dataclass(frozen=True, repr=False)
class Votes(Result):
    """The advisory committee's two votes, as each report gives them."""

    rows: pd.DataFrame  # data/regulatory_votes.csv

    def vote(self, question: int, reported_by: str = REFERENCE_REPORT) -> pd.Series:
        return data.row(self.rows, question=question, reported_by=reported_by)

    def texts(self) -> dict[str, str]:
        q1, q2 = self.vote(1), self.vote(2)
        return {
            "q1_yes": fmt.integer(q1["yes"]),
            "q1_no": fmt.integer(q1["no"]),
            "q2_yes": fmt.integer(q2["yes"]),
            "q2_no": fmt.integer(q2["no"]),
            "q2_abstain": fmt.integer(q2["abstain"]),
        }

    def table(self) -> pd.DataFrame:
        """Every report of every vote, never merged."""
        rows = self.rows.sort_values("question", kind="stable")
        return pd.DataFrame(
            {
                "Question": rows["question"].map(fmt.integer),
                "Wording as reported": rows["wording"],
                "Yes": rows["yes"].map(fmt.integer),
                "No": rows["no"].map(fmt.integer),
                "Abstain": rows["abstain"].map(fmt.integer),
                "Reported by": [f"{r.reported_by} {cite(r.source_key)}" for r in rows.itertuples()],
            }
        )


def committee_votes(votes: pd.DataFrame) -> Votes:
    """``data/regulatory_votes.csv``: each report kept apart."""
    return Votes(votes)


@dataclass(frozen=True, repr=False)
class Atlas(Result):
    """ATLAS's randomisation trigger, dose and primary-endpoint window (its size, planned and
    registered, is in :class:`AtlasRegistry`)."""

    nfl_rise: float  # pg/ml
    nfl_level: float  # pg/ml
    dose_mg: float
    window_months: int

    def texts(self) -> dict[str, str]:
        return {
            "atlas_nfl_rise": fmt.integer(self.nfl_rise),
            "atlas_nfl_level": fmt.integer(self.nfl_level),
            "atlas_dose": fmt.integer(self.dose_mg),
            "atlas_window": fmt.integer(self.window_months),
        }


def atlas_design(atlas: pd.DataFrame) -> Atlas:
    """``data/regulatory_atlas.csv``."""

    def p(name):
        return data.parameter(atlas, name)

    return Atlas(
        p("nfl_rise_pg_ml"),
        p("nfl_level_pg_ml"),
        p("dose_mg"),
        int(p("primary_window_months")),
    )


def printed_percent(row: pd.Series) -> str:
    """The percentage as the source prints it."""
    return NOT_REPORTED if fmt.missing(row["percent_reported"]) else f"{float(row['percent_reported']):g}%"


def counted_noun(row: pd.Series) -> str:
    """What a count counts, singular for a bare one: '1 participant', '4 participants',
    '1 of 72 participants'."""
    noun = row["counted"]
    alone = not fmt.missing(row["n"]) and int(row["n"]) == 1 and fmt.missing(row["denominator"])
    return noun.removesuffix("s") if alone else noun


def count_text(row: pd.Series) -> str:
    """``'4 of 72'`` where the denominator is given, else just the count."""
    return NOT_REPORTED if fmt.missing(row["n"]) else fmt.count_of(row["n"], row["denominator"])


ANY = "any serious neurologic event"
VALOR_ONLY = "VALOR, tofersen arm"
VALOR_OLE = "VALOR and extension, anyone treated with tofersen"
# The rows the prose quotes: text key -> (report, event, population or None)
QUOTED_SAFETY = {
    "valor": ("VALOR slides", ANY, VALOR_ONLY),
    "valor_placebo": ("VALOR slides", ANY, "VALOR, placebo arm"),
    "valor_ole": ("VALOR slides", ANY, VALOR_OLE),
    "nejm": ("NEJM paper (as summarised by MGH)", ANY, None),
    "release": ("Biogen release at NEJM publication", ANY, None),
    "lovett": ("Lovett et al. pooled review", ANY, None),
    "long": ("Long-term paper (press summary)", ANY, None),
    "myelitis_valor": ("VALOR slides", "myelitis or transverse myelitis", VALOR_ONLY),
    "myelitis_lovett": ("Lovett et al. pooled review", "myelitis", None),
    "myelitis_smpc": ("EU SmPC", "myelitis", None),
}


@dataclass(frozen=True, repr=False)
class Safety(Result):
    """Serious neurologic events, one source at a time (never pooled)."""

    rows: pd.DataFrame  # data/safety_serious_neuro.csv

    def row(self, report: str, event: str, population: str | None = None) -> pd.Series:
        where = dict(report=report, event=event) | ({} if population is None else dict(population=population))
        return data.row(self.rows, **where)

    def texts(self) -> dict[str, str]:
        rows = {key: self.row(*where) for key, where in QUOTED_SAFETY.items()}
        return {
            "sn_valor": printed_percent(rows["valor"]),
            "sn_valor_count": count_text(rows["valor"]),
            "sn_valor_placebo": count_text(rows["valor_placebo"]),
            "sn_valor_ole": printed_percent(rows["valor_ole"]),
            "sn_valor_ole_count": count_text(rows["valor_ole"]),
            "sn_nejm": printed_percent(rows["nejm"]),
            "sn_release": printed_percent(rows["release"]),
            "sn_lovett": printed_percent(rows["lovett"]),
            "sn_lovett_count": count_text(rows["lovett"]),
            "sn_long": printed_percent(rows["long"]),
            "myelitis_valor": count_text(rows["myelitis_valor"]),
            "myelitis_lovett": count_text(rows["myelitis_lovett"]),
            "myelitis_smpc": printed_percent(rows["myelitis_smpc"]),
            "smpc_n": fmt.integer(rows["myelitis_smpc"]["denominator"]),
            "n_safety_reports": fmt.integer(self.rows["report"].nunique()),
        }

    def table(self, event: str | None = None) -> pd.DataFrame:
        """Each report as its source gives it (only those of ``event``, without the event
        column, when one is named). The rate is computed (n / denominator) only where a
        source gives both; elsewhere it is left empty rather than estimated."""
        rows = self.rows if event is None else self.rows[self.rows["event"] == event]
        out = []
        for _, r in rows.iterrows():
            known = not fmt.missing(r["n"]) and not fmt.missing(r["denominator"])
            computed = fmt.percent(r["n"] / r["denominator"], 1) if known else "—"
            if fmt.missing(r["n"]) and not fmt.missing(r["denominator"]):
                counted = f"{NOT_REPORTED} (of {fmt.integer(r['denominator'])} {r['counted']})"
            else:
                counted = NOT_REPORTED if fmt.missing(r["n"]) else f"{count_text(r)} {counted_noun(r)}"
            out.append(
                {
                    "Report": f"{r['report']} {cite(r['source_key'])}",
                    "Population (data cut)": f"{r['population']} ({r['data_cut']})",
                    "Event": r["event"],
                    "Count": counted,
                    "Rate: computed / printed": f"{computed} / {printed_percent(r)}",
                }
            )
        table = pd.DataFrame(out)
        return table if event is None else table.drop(columns="Event")

    def summary(self) -> pd.DataFrame:
        """Every report of any serious neurologic event: the short table; :meth:`table`
        has every event."""
        return self.table(ANY)


def safety_reports(safety: pd.DataFrame) -> Safety:
    """``data/safety_serious_neuro.csv``."""
    return Safety(safety)


# -- The record at the end of 2026 (issue 13) -------------------------------------

ATLAS_FACTS = {
    "recruitment_status": "Recruitment status",
    "enrolment": "Participants",
    "design_parts": "Parts of the design",
    "study_start": "Study start",
    "study_completion": "Study completion",
    "results_posted": "Results in the registry",
}
ATLAS_COLUMNS = {
    "Registry now": ("registry current",),
    "Earlier, or as first planned": ("registry earlier", "original plan"),
    "Other sources": ("other",),
}
CURRENT = "registry current"


@dataclass(frozen=True, repr=False)
class AtlasRegistry(Result):
    """ATLAS (NCT04856982) as the registry gives it now, as first planned, and as other
    sources describe it; each value with the date its source was current."""

    rows: pd.DataFrame  # data/atlas_registry.csv

    def current(self, parameter: str) -> pd.Series:
        return record.registry_fact(self.rows, parameter, CURRENT)

    @property
    def parts_now(self) -> int:
        """The number of parts the later (non-registry) descriptions give; they must agree."""
        parts = set(
            self.rows.query("parameter == 'design_parts' and version == 'other'")["value"].astype(int)
        )
        if len(parts) != 1:
            raise ValueError(
                f"data/atlas_registry.csv: the later sources disagree on the parts: {sorted(parts)}"
            )
        return parts.pop()

    def texts(self) -> dict[str, str]:
        def value(parameter, version=CURRENT, **where):
            return record.registry_value(record.registry_fact(self.rows, parameter, version, **where))

        return {
            "atlas_id": value("registry_id"),
            "atlas_status": value("recruitment_status"),
            "atlas_as_of": record.date_text(self.current("recruitment_status")["as_of"]),
            "atlas_enrolled": value("enrolment"),
            "atlas_planned": value("enrolment", "original plan", source_key="neals2023atlas"),
            "atlas_earlier_status": value("recruitment_status", "registry earlier"),
            "atlas_earlier_as_of": record.date_text(
                record.registry_fact(self.rows, "recruitment_status", "registry earlier")["as_of"]
            ),
            "atlas_start": value("study_start"),
            "atlas_completion": value("study_completion"),
            "atlas_results": value("results_posted").lower(),
            "atlas_parts_first": value("design_parts", "original plan"),
            "atlas_parts_first_date": record.date_text(
                record.registry_fact(self.rows, "design_parts", "original plan")["as_of"]
            ),
            "atlas_parts_now": fmt.integer(self.parts_now),
            "atlas_part_a": value("planned_part_a", "other"),
            "atlas_part_bc": value("planned_part_bc", "other"),
            "atlas_part_d": value("planned_part_d", "other"),
        }

    def table(self) -> pd.DataFrame:
        """The facts that changed or could change, version by version (never merged)."""
        return record.registry_table(self.rows, ATLAS_FACTS, ATLAS_COLUMNS)


def atlas_registry(atlas: pd.DataFrame) -> AtlasRegistry:
    """``data/atlas_registry.csv``. The chapter says a part was added to the design first
    planned; this refuses data in which the later descriptions do not give more parts."""
    registry = AtlasRegistry(atlas)
    first = int(record.registry_fact(atlas, "design_parts", "original plan")["value"])
    if registry.parts_now <= first:
        raise ValueError(
            "data/atlas_registry.csv: the chapter says a part was added to the design; the later "
            f"sources give {registry.parts_now} parts against {first} first planned"
        )
    return registry


DATE_KINDS = {
    "decision": "the regulator's decision",
    "announcement": "the sponsor's announcement",
    "news report": "a news report",
    "panel recommendation": "the panel's meeting",
    "launch": "the launch",
}
# The rows the prose quotes: text key -> (jurisdiction, event, source key)
QUOTED_APPROVALS = {
    "eu_opinion": ("European Union", "positive opinion", "ema2024epar"),
    "eu_decision": ("European Union", "approval", "ema2024smpc"),
    "eu_announced": ("European Union", "approval", "biogen2024ecpr"),
    "eu_reported": ("European Union", "approval", "biogen2024eu"),
    "japan_panel": ("Japan", "panel recommendation", "nhk2024panel"),
    "japan": ("Japan", "approval", "biogenjapan2024approval"),
    "china_reported": ("China", "approval", "cgtn2025china"),
    "china_notice": ("China", "approval", "wxredian2024nmpa"),
    "china_launch": ("China", "launch", "cgtn2025china"),
    "canada": ("Canada", "approval", "biogencanada2025"),
    "uk": ("United Kingdom", "approval", "mhra2025tofersen"),
    "uk_reported": ("United Kingdom", "approval", "mndassoc2025mhra"),
    "korea": ("South Korea", "approval", "mfds2025korea"),
}
FIRST_TWO = ("United States", "European Union")


@dataclass(frozen=True, repr=False)
class Approvals(Result):
    """Decisions on tofersen by jurisdiction, in date order, each with the kind of date."""

    rows: pd.DataFrame  # data/approvals.csv, in date order
    countries_by_sponsor: int  # the sponsor's count of countries with an approval

    def date(self, key: str) -> str:
        jurisdiction, event, source_key = QUOTED_APPROVALS[key]
        r = data.row(self.rows, jurisdiction=jurisdiction, event=event, source_key=source_key)
        return fmt.date(r["year"], r["month"], r["day"])

    @property
    def later_jurisdictions(self) -> list[str]:
        """Jurisdictions with an approval other than the US and the EU, by first approval."""
        approved = self.rows[(self.rows["event"] == "approval") & ~self.rows["jurisdiction"].isin(FIRST_TWO)]
        return list(dict.fromkeys(approved["jurisdiction"]))

    def texts(self) -> dict[str, str]:
        later = ["the " + j if j == "United Kingdom" else j for j in self.later_jurisdictions]
        return {f"ap_{key}": self.date(key) for key in QUOTED_APPROVALS} | {
            "ap_n_later": fmt.integer(len(later)),
            "ap_later": ", ".join(later[:-1]) + " and " + later[-1],
            "ap_countries_sponsor": fmt.integer(self.countries_by_sponsor),
        }

    def table(self) -> pd.DataFrame:
        """Every row, in date order: where sources give different dates, both stand."""
        return pd.DataFrame(
            {
                "Jurisdiction": self.rows["jurisdiction"],
                "Body": self.rows["agency"],
                "What": [f"{r.event}: {r.approval_type}" for r in self.rows.itertuples()],
                "Date": [fmt.date(r.year, r.month, r.day) for r in self.rows.itertuples()],
                "The date is": self.rows["date_kind"].map(DATE_KINDS),
                "Source": self.rows["source_key"].map(cite),
            }
        )


def approvals_summary(approvals: pd.DataFrame, longterm_statements: pd.DataFrame) -> Approvals:
    """``data/approvals.csv`` in date order (a date known to the month only sorts
    mid-month), and the sponsor's count of countries from ``data/longterm_statements.csv``."""
    order = sorted(approvals.index, key=lambda i: event_date(approvals.loc[i]))
    countries = data.value(longterm_statements, "value", statement_id="sponsor_44_countries")
    return Approvals(approvals.loc[order].reset_index(drop=True), int(countries))


EMA_SPEAKERS = {
    "ema2024epar": "EMA: public assessment report, overview",
    "haberkamp2024lancetneurol": "EMA and CHMP authors: commentary in Lancet Neurology",
    "biogen2024ecpr": "The sponsor: release on the EU authorisation",
    "lifesciencehistory2024": "The sponsor: release on the EU authorisation, as restated",
}


@dataclass(frozen=True, repr=False)
class EmaReasoning(Result):
    """The European regulators' reasoning, and the sponsor's account, statement by statement."""

    rows: pd.DataFrame  # data/ema_statements.csv

    def statement(self, statement_id: str) -> str:
        return record.statement_text(data.row(self.rows, statement_id=statement_id))

    def texts(self) -> dict[str, str]:
        return {f"ema_{sid}": self.statement(sid) for sid in self.rows["statement_id"]}

    def table(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "Who": self.rows["source_key"].map(EMA_SPEAKERS),
                "About": self.rows["topic"],
                "Statement (quoted, or paraphrased)": [
                    record.statement_text(r) for _, r in self.rows.iterrows()
                ],
                "Source": [f"{cite(r.source_key)}, {r.source_location}" for r in self.rows.itertuples()],
            }
        )


def ema_reasoning(statements: pd.DataFrame) -> EmaReasoning:
    """``data/ema_statements.csv``, each statement labelled with who makes it."""
    unknown = sorted(set(statements["source_key"]) - set(EMA_SPEAKERS))
    if unknown:
        raise KeyError(
            f"data/ema_statements.csv: no speaker known for source {', '.join(unknown)} "
            "(valor.analysis.regulatory.EMA_SPEAKERS)"
        )
    return EmaReasoning(statements)


FDA_VALOR = "FDA integrated review: VALOR (Study 101 Part C)"
FDA_EXTENSION = "FDA integrated review: extension (Study 102)"
FDA_POOLED = "FDA integrated review: Studies 101 and 102 pooled"
RELEASE_12M = "12-month release (as reported)"
SAE, STOPPED, DEATHS = "serious adverse events", "discontinued for an adverse event", "deaths"
# The rows the prose quotes: text key -> (report, measure, arm)
QUOTED_TOTALS = {
    "sae_valor_tofersen": (FDA_VALOR, SAE, "tofersen"),
    "sae_valor_placebo": (FDA_VALOR, SAE, "placebo"),
    "stop_valor_tofersen": (FDA_VALOR, STOPPED, "tofersen"),
    "stop_valor_placebo": (FDA_VALOR, STOPPED, "placebo"),
    "deaths_valor_tofersen": (FDA_VALOR, DEATHS, "tofersen"),
    "deaths_valor_placebo": (FDA_VALOR, DEATHS, "placebo"),
    "sae_extension": (FDA_EXTENSION, SAE, "tofersen"),
    "stop_extension": (FDA_EXTENSION, STOPPED, "tofersen"),
    "deaths_extension": (FDA_EXTENSION, DEATHS, "tofersen"),
    "sae_pooled": (FDA_POOLED, SAE, "tofersen"),
    "stop_pooled": (FDA_POOLED, STOPPED, "tofersen"),
    "deaths_pooled": (FDA_POOLED, DEATHS, "tofersen"),
    "sae_12m": (RELEASE_12M, SAE, "tofersen"),
    "stop_12m": (RELEASE_12M, STOPPED, "tofersen"),
    "deaths_12m": (RELEASE_12M, DEATHS, "tofersen"),
}
# The data cuts the prose names: text key -> report
QUOTED_CUTS = {"cut_valor": FDA_VALOR, "cut_pooled": FDA_POOLED, "cut_12m": RELEASE_12M}


def reported_figure(row: pd.Series) -> str:
    """A count (out of its denominator, with the printed percentage when there is one) or
    the printed percentage, whichever the report gives: '13 of 72 (18.1%)', '0 of 36', '36.5%'."""
    if fmt.missing(row["n"]):
        return printed_percent(row)
    if fmt.missing(row["percent_reported"]):
        return count_text(row)
    return f"{count_text(row)} ({printed_percent(row)})"


@dataclass(frozen=True, repr=False)
class SafetyTotals(Result):
    """Serious adverse events, discontinuations and deaths, report by report (never pooled)."""

    rows: pd.DataFrame  # data/safety_totals.csv

    def texts(self) -> dict[str, str]:
        def figure(report, measure, arm):
            return reported_figure(data.row(self.rows, report=report, measure=measure, arm=arm))

        def cut(report):
            return self.rows.loc[self.rows["report"] == report, "data_cut"].iloc[0]

        return (
            {f"st_{key}": figure(*where) for key, where in QUOTED_TOTALS.items()}
            | {f"st_{key}": cut(report) for key, report in QUOTED_CUTS.items()}
            | {"st_n_reports": fmt.integer(self.rows["report"].nunique())}
        )

    def table(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "Report": [f"{r.report} {cite(r.source_key)}" for r in self.rows.itertuples()],
                "Population (data cut)": [f"{r.population} ({r.data_cut})" for r in self.rows.itertuples()],
                "Measure": self.rows["measure"],
                "Arm": self.rows["arm"],
                "As reported": [reported_figure(r) for _, r in self.rows.iterrows()],
                "Out of": [
                    NOT_REPORTED if fmt.missing(d) else fmt.integer(d) for d in self.rows["denominator"]
                ],
            }
        )


def safety_totals(totals: pd.DataFrame) -> SafetyTotals:
    """``data/safety_totals.csv``. The chapter says the FDA's review gives every figure as a
    count out of its denominator and the news reports of the sponsor's releases give none;
    this refuses data in which that is not so."""
    from_fda = totals["source_key"] == FDA_RECORD
    has_denominator = totals["denominator"].notna()
    wrong = totals[from_fda != has_denominator]
    if len(wrong):
        raise ValueError(
            "data/safety_totals.csv: the chapter says the FDA's rows, and only they, give a "
            f"denominator, but rows {', '.join(str(i + 2) for i in wrong.index)} do not fit: "
            "rewrite the sentence"
        )
    return SafetyTotals(totals)


BRIEFING_QUOTE = "thefly2023briefing"  # the briefing document's words, as a news report quotes them
FDA_RECORD = "fda2023integratedreview"  # the voting questions verbatim, in the FDA's own review


@dataclass(frozen=True, repr=False)
class CommitteeQuestions(Result):
    """The two questions put to the advisory committee, in the briefing document's words as
    quoted, and as reporters paraphrased them."""

    rows: pd.DataFrame  # data/adcom_questions.csv

    def question(self, number: int, source_key: str = BRIEFING_QUOTE) -> pd.Series:
        return data.row(self.rows, question=number, source_key=source_key)

    def texts(self) -> dict[str, str]:
        return {
            "q1_wording": self.question(1)["wording"],
            "q2_wording": self.question(2)["wording"],
            "q2_wording_fda": self.question(2, FDA_RECORD)["wording"],
        }


def committee_questions(questions: pd.DataFrame) -> CommitteeQuestions:
    """``data/adcom_questions.csv``. The chapters say question 2 brought in the biomarker
    results; this refuses data in which its briefing-document wording does not."""
    result = CommitteeQuestions(questions)
    for source in (BRIEFING_QUOTE, FDA_RECORD):
        if result.question(2, source)["includes_biomarkers"] != "yes":
            raise ValueError(
                "data/adcom_questions.csv: the chapters say question 2 included the biomarker results; "
                f"the row from {source} no longer says so"
            )
    return result
