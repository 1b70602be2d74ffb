"""Glue for the book: every prose number is a pre-formatted string.

One thin layer over myst-nb's glue so that a later port (for example to
Jupyter Book 2) changes one file.
"""

from __future__ import annotations

import matplotlib.pyplot as plt


def glue_text(key: str, text: str) -> str:
    """Glue a pre-formatted string for ``{glue:text}`` (no display)."""
    if not isinstance(text, str):
        raise TypeError(
            f"glue_text('{key}', ...) needs a str, got {type(text).__name__}: format it with valor.fmt first"
        )
    from myst_nb import glue

    glue(key, text, display=False)
    return text


def glue_texts(values: dict[str, str]) -> dict[str, str]:
    """Glue several strings at once; returns them for a quick look."""
    for key, text in values.items():
        glue_text(key, text)
    return values


def glue_figure(key: str, fig) -> None:
    """Glue a figure for ``{glue:figure}`` and close it so it shows only there."""
    from myst_nb import glue

    glue(key, fig, display=False)
    plt.close(fig)


def glue_markdown(key: str, text: str) -> str:
    """Glue MyST Markdown for ``{glue:md}`` with ``:format: myst`` (no display), so that
    citations and roles inside it resolve; returns the text."""
    if not isinstance(text, str):
        raise TypeError(f"glue_markdown('{key}', ...) needs a str, got {type(text).__name__}")
    from IPython.display import Markdown
    from myst_nb import glue

    glue(key, Markdown(text), display=False)
    return text
