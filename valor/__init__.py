"""Logic of the executable case study on tofersen's Phase 3 VALOR trial.

Notebooks stay thin: data loading and validation (``valor.data``), number
formatting (``valor.fmt``), glue (``valor.book``), figure style and figures
(``valor.style``, ``valor.figures``) live here and are unit-tested.
"""

# The book's version: the one place it is set (see README, "Cutting a release").
__version__ = "0.1.0"
