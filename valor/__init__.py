"""The science of the executable case study on tofersen's Phase 3 VALOR trial.

What the chapters use: data loading and validation (``valor.data``, ``valor.rules``),
statistics, simulation and models, figures, number formatting (``valor.fmt``) and
glue (``valor.book``). The machinery that builds and checks the book lives in
``booktools``; nothing here imports it.
"""


def __getattr__(name: str):
    """``valor.__version__``, read from :mod:`valor.version` only when asked for."""
    if name == "__version__":
        from valor.version import __version__

        return __version__
    raise AttributeError(f"module 'valor' has no attribute {name!r}")
