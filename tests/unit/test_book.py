"""valor.book: glue helpers, the one table mechanism, and the naming scheme."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from book import ROOT, notebook_docnames

from valor import book


def test_glue_text_refuses_numbers():
    with pytest.raises(TypeError, match="format it with valor.fmt"):
        book.glue_text("key", 1.2)


def test_glue_markdown_refuses_non_text():
    with pytest.raises(TypeError, match="glue_markdown"):
        book.glue_markdown("key", 1.2)


def test_a_key_glued_twice_must_hold_the_same_text(monkeypatch):
    monkeypatch.setattr(book, "_glued", {})
    book.glue_texts({"alpha": "0.05"}, "t_")
    book.glue_texts({"alpha": "0.05"}, "t_")  # the same number from two analyses
    with pytest.raises(ValueError, match="already glued as '0.05'"):
        book.glue_text("t_alpha", "0.10")


def test_glue_texts_prefixes_and_picks_keys(monkeypatch):
    monkeypatch.setattr(book, "_glued", {})
    assert book.glue_texts({"a": "1", "b": "2", "c": "3"}, "x_", "c a") == {"x_c": "3", "x_a": "1"}
    with pytest.raises(KeyError, match="no value named d"):
        book.glue_texts({"a": "1"}, "x_", "a d")


def test_show_figure_shows_the_svg_that_was_glued(monkeypatch):
    import IPython.display
    import matplotlib.pyplot as plt

    from valor import style

    glued, shown = {}, []
    monkeypatch.setattr(book, "_figures", {})
    monkeypatch.setattr(book, "_glue", lambda key, value: glued.setdefault(key, value))
    monkeypatch.setattr(IPython.display, "display", shown.append)
    fig, ax = plt.subplots(figsize=(style.WIDTH, 3))
    ax.set_xlabel("weeks")
    book.glue_figure("fig_x_test", fig)
    assert not plt.fignum_exists(fig.number)  # closed: shown only where the page puts it
    book.show_figure("fig_x_test")
    assert shown == [glued["fig_x_test"]]
    assert shown[0]._repr_svg_().lstrip().startswith("<?xml") and style.SMALLEST_TEXT.search(shown[0].text)
    with pytest.raises(KeyError, match="no figure glued under that name"):
        book.show_figure("fig_x_other")


def test_markdown_table_escapes_pipes_and_joins_lines():
    text = book.markdown_table([{"a": "x | y", "b": "two\nlines"}])
    assert text.splitlines() == ["| a | b |", "|---|---|", "| x \\| y | two lines |"]


def test_tables_refuse_unformatted_cells():
    with pytest.raises(TypeError, match="column 'n' holds int"):
        book.glue_table("tbl_x", pd.DataFrame({"n": [1]}))
    with pytest.raises(ValueError, match="at least one row"):
        book.markdown_table([])


def test_table_directive_has_caption_name_and_rows():
    text = book.table_directive([{"a": "1"}], "A caption.", "tbl-x")
    assert text.startswith(":::{table} A caption.\n:name: tbl-x\n\n| a |")
    assert text.rstrip().endswith(":::")


def test_cite_builds_a_myst_role():
    assert book.cite("a", "b") == "{cite:p}`a,b`"


# -- the book's one naming scheme and one table mechanism -------------------------

GLUE_CALL = re.compile(r"glue_(?:figure|table)\(\s*\"([^\"]+)\"")


TEMPLATE = "chapters/_template"  # the chapter template follows the same rules


def chapter_sources():
    return {doc: (ROOT / f"{doc}.md").read_text(encoding="utf-8") for doc in [*notebook_docnames(), TEMPLATE]}


@pytest.mark.parametrize("doc", [*notebook_docnames(), TEMPLATE])
def test_figures_and_tables_follow_the_naming_scheme(doc):
    """A figure or table glued as fig_<prefix>_<name> / tbl_<prefix>_<name> is shown under
    the label fig-<prefix>-<name> / tbl-<prefix>-<name>."""
    text = chapter_sources()[doc]
    for key in GLUE_CALL.findall(text):
        assert re.fullmatch(r"(fig|tbl)_[a-z]+_[a-z0-9_]+", key), key
        label = key.replace("_", "-")
        assert re.search(rf"^:name: {label}$", text, re.M), f"{doc}: {key} is not shown as {label}"
    for label in re.findall(r"^:name: ((?:fig|tbl)-\S+)$", text, re.M):
        assert re.fullmatch(r"(fig|tbl)-[a-z]+-[a-z0-9-]+", label), label


@pytest.mark.parametrize("doc", [*notebook_docnames(), TEMPLATE])
def test_every_displayed_table_is_numbered_and_captioned(doc):
    """Tables use one mechanism: a {table} directive with a caption and a :name:. No
    DataFrame is displayed from a hidden-input cell as an uncaptioned table."""
    text = chapter_sources()[doc].split("## Exercises")[0]
    tables = re.findall(r"^:::\{table\}(.*)\n:name: (\S+)\n(.*?)^:::$", text, re.M | re.S)
    for caption, name, body in tables:
        assert caption.strip(), f"{doc}: table {name} has no caption"
        assert body.strip(), f"{doc}: table {name} is empty"
    outside = re.sub(r"^:::\{table\}.*?^:::$", "", text, flags=re.M | re.S)
    assert not re.search(r"^\|.*\|\s*$", outside, re.M), (
        f"{doc}: a Markdown table outside a {{table}} directive"
    )
    assert ".style" not in text, f"{doc}: a styled DataFrame is an unnumbered table"
