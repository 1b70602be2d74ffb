"""Glue for the book: every prose number is a pre-formatted string.

One thin layer over myst-nb's glue so that a later port (for example to
Jupyter Book 2) changes one file.

Naming scheme (one for the whole book): a chapter glues text under
``<prefix>_<name>``, figures under ``fig_<prefix>_<name>`` and tables under
``tbl_<prefix>_<name>``; the label a figure or table gets in the chapter is the
same with hyphens, ``fig-<prefix>-<name>`` or ``tbl-<prefix>-<name>``. The prefix
is the chapter's (``pe`` for the primary endpoint, ``wm`` for the statistics of a
miss, ...).

Every displayed table is a MyST ``{table}`` directive in the chapter, with its
caption and ``:name:``, around a ``glue:md`` directive showing the table glued by
:func:`glue_table`; so every table is numbered, captioned and can be cited with
``{numref}``.
"""

from __future__ import annotations

_glued: dict[str, str] = {}  # key -> text or Markdown glued in this kernel
_figures: dict = {}  # key -> the SVG glued in this kernel, for show_figure


def _glue(key: str, value) -> None:
    """myst-nb's glue, without display. A notebook pack installs no myst-nb: its notebooks
    show the glued values in their prose already, so there the value is only remembered."""
    try:
        from myst_nb import glue
    except ModuleNotFoundError:
        return
    glue(key, value, display=False)


def glued() -> dict[str, str]:
    """Every text and Markdown glued in this kernel so far, by key."""
    return dict(_glued)


def glue_text(key: str, text: str) -> str:
    """Glue a pre-formatted string for myst-nb's inline text role (no display).

    Gluing a key twice is allowed only with the same text: two analyses may give the
    same number (the significance level, say), never two numbers under one key.
    """
    if not isinstance(text, str):
        raise TypeError(
            f"glue_text('{key}', ...) needs a str, got {type(text).__name__}: format it with valor.fmt first"
        )
    if _glued.get(key, text) != text:
        raise ValueError(f"glue_text('{key}', ...): already glued as {_glued[key]!r}, now {text!r}")
    _glued[key] = text
    _glue(key, text)
    return text


def glue_texts(values: dict[str, str], prefix: str = "", keys: str | None = None) -> dict[str, str]:
    """Glue several strings at once, each under ``prefix + key``; returns what was glued.

    ``keys`` (names separated by spaces) glues only those: a chapter quoting a few
    numbers of a result shown in another chapter names the ones it quotes.
    """
    if keys is not None:
        missing = [k for k in keys.split() if k not in values]
        if missing:
            raise KeyError(f"glue_texts: no value named {', '.join(missing)} (known: {', '.join(values)})")
        values = {k: values[k] for k in keys.split()}
    glued = {prefix + key: text for key, text in values.items()}
    for key, text in glued.items():
        glue_text(key, text)
    return glued


def glue_figure(key: str, fig) -> None:
    """Glue a figure as SVG (``valor.style.svg``) for a ``glue:figure`` directive and
    close it so it shows only there."""
    import matplotlib.pyplot as plt

    from valor import style

    drawn = style.SVGFigure(fig)
    _glue(key, drawn)
    _figures[key] = drawn
    plt.close(fig)


def show_figure(key: str) -> None:
    """Show a figure glued in this kernel as an ordinary output (the notebook packs' cells
    in place of ``glue:figure`` directives): the very SVG the book shows, not drawn again
    (as a PNG, the 20 figures took 3 s more to run)."""
    from IPython.display import display

    if key not in _figures:
        raise KeyError(f"show_figure('{key}'): no figure glued under that name in this kernel yet")
    display(_figures[key])


def glue_markdown(key: str, text: str) -> str:
    """Glue MyST Markdown for a ``glue:md`` directive with ``:format: myst`` (no display), so that
    citations and roles inside it resolve; returns the text."""
    if not isinstance(text, str):
        raise TypeError(f"glue_markdown('{key}', ...) needs a str, got {type(text).__name__}")
    from IPython.display import Markdown

    _glued[key] = text
    _glue(key, Markdown(text))
    return text


def cite(*keys: str) -> str:
    """A MyST parenthetical citation of ``references.bib`` keys, for glued text and tables."""
    return "{cite:p}`" + ",".join(keys) + "`"


def _cell(text) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def markdown_table(rows: list[dict[str, str]], header: list[str] | None = None) -> str:
    """A Markdown pipe table of string cells, one dict per row (keys: the columns)."""
    if not rows:
        raise ValueError("a table needs at least one row")
    header = header or list(rows[0])
    lines = ["| " + " | ".join(_cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(row[h]) for h in header) + " |" for row in rows]
    return "\n".join(lines)


def _records(rows) -> list[dict[str, str]]:
    """A DataFrame or a list of dicts, as a list of dicts of strings (checked)."""
    if hasattr(rows, "to_dict"):
        rows = rows.to_dict("records")
    for row in rows:
        for column, text in row.items():
            if not isinstance(text, str):
                raise TypeError(
                    f"table column '{column}' holds {type(text).__name__}; format every cell with valor.fmt first"
                )
    return rows


def table_directive(rows, caption: str, name: str, header: list[str] | None = None) -> str:
    """A whole ``{table}`` directive (caption, ``:name:``, pipe table) as MyST Markdown,
    for a cell whose output is rendered as MyST (cell metadata ``mystnb:
    markdown_format: myst``). Only for tables that must not be glued: values that
    describe the build machine rather than the book (the status page)."""
    return f":::{{table}} {caption}\n:name: {name}\n\n{markdown_table(_records(rows), header)}\n:::\n"


def Markdown(text: str):  # noqa: N802 (IPython's class name)
    """IPython's Markdown display object (imported only when used)."""
    from IPython.display import Markdown as _Markdown

    return _Markdown(text)


def glue_table(key: str, rows, header: list[str] | None = None) -> str:
    """Glue a table for a ``glue:md`` directive inside a ``{table}`` directive.

    ``rows`` is a list of dicts of pre-formatted strings or a DataFrame of strings
    (its index is dropped: make it a column first). Cells may hold MyST roles such as
    ``{cite:p}``. Returns the Markdown.
    """
    try:
        records = _records(rows)
    except TypeError as err:
        raise TypeError(f"glue_table('{key}', ...): {err}") from None
    return glue_markdown(key, markdown_table(records, header))
