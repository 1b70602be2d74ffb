"""The analysis layer: one named, documented, tested function per analysis the book makes.

Each module serves one part of the book, so editing it re-executes only the
chapters that use it:

- :mod:`valor.analysis.background`: the ALSFRS-R scale and how fast it falls;
- :mod:`valor.analysis.design`: enrolment, the trial's parameters, the dosing schedule;
- :mod:`valor.analysis.primary`: the primary result and what its interval implies;
- :mod:`valor.analysis.power`: the statistics of the miss (power, sample size,
  trial length, events, heterogeneity, enrichment);
- :mod:`valor.analysis.biomarkers`: the biomarkers and the lagged-effect model;
- :mod:`valor.analysis.extension`: the open-label extension (delayed start);
- :mod:`valor.analysis.regulatory`: dates, votes, ATLAS, approvals, the EU regulators'
  reasoning and safety;
- :mod:`valor.analysis.record`: "as of" dates from the data, and how far the sources
  settle the questions of method the chapters raise;
- :mod:`valor.analysis.synthetic`: analyses of the SYNTHETIC trial of
  :mod:`valor.synthetic` (invented participants, not VALOR's);
- :mod:`valor.analysis.explorer`: the what-if explorer's grid of powers.

Every function takes validated tables (``valor.data.load``) or other results and
returns a :class:`~valor.analysis.result.Result`: plain numbers that print
readably, with ``texts()`` giving them as the prose shows them. Assumptions come
from :mod:`valor.assumptions`. Nothing here draws.
"""
