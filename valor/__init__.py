"""The science of the executable case study on tofersen's Phase 3 VALOR trial.

What the chapters use: data loading and validation (``valor.data``, ``valor.rules``),
statistics, simulation and models, figures, number formatting (``valor.fmt``) and
glue (``valor.book``). The machinery that builds and checks the book lives in
``booktools``; nothing here imports it.
"""

# The book's version: the one place it is set (see README, "Cutting a release").
__version__ = "0.1.0"
