"""An edition's build passes on the pages it rewrote after re-reading chapters
(_ext/valor_editions.py); the other edition deletes exactly those before Sphinx runs."""

from __future__ import annotations

import sys

from book import ROOT

sys.path.insert(0, str(ROOT / "_ext"))
import valor_editions  # noqa: E402


def outputs(tmp_path, *names):
    folders = {}
    for name in names:
        folders[name] = tmp_path / name
        (folders[name] / "chapters").mkdir(parents=True)
        for page in ("intro", "lessons", "data"):
            (folders[name] / "chapters" / f"{page}.html").write_text(f"{name} {page}")
    return folders


def test_the_pages_one_edition_rewrote_are_dropped_from_the_others_only(tmp_path):
    out = outputs(tmp_path, "html", "html-student", "singlehtml")
    valor_editions.record_written(out["html"], {"chapters/intro", "chapters/lessons"})
    assert not valor_editions.stale_list(out["html"]).exists(), "an edition is not stale by its own build"
    assert not valor_editions.stale_list(out["singlehtml"]).exists(), "the PDF's page is written every time"

    dropped = valor_editions.drop_stale_pages(out["html-student"])
    assert dropped == ["chapters/intro", "chapters/lessons"]
    left = sorted(p.name for p in (out["html-student"] / "chapters").iterdir())
    assert left == ["data.html"]
    assert not valor_editions.stale_list(out["html-student"]).exists(), "the list is used once"
    assert valor_editions.drop_stale_pages(out["html-student"]) == []
    assert len(list((out["html"] / "chapters").iterdir())) == 3


def test_lists_add_up_until_the_edition_builds(tmp_path):
    out = outputs(tmp_path, "html", "html-student")
    valor_editions.record_written(out["html"], {"chapters/intro"})
    valor_editions.record_written(out["html"], {"chapters/data", "chapters/intro"})
    assert valor_editions.drop_stale_pages(out["html-student"]) == ["chapters/data", "chapters/intro"]


def test_a_re_read_by_the_pdf_build_makes_every_html_edition_rewrite_every_page(tmp_path):
    from types import SimpleNamespace

    out = outputs(tmp_path, "html", "html-student", "singlehtml")
    pages = {"chapters/intro", "chapters/lessons", "chapters/data"}

    def pdf_build(reread):
        builder = SimpleNamespace(name="singlehtml", out_suffix=".html")
        env = SimpleNamespace(valor_reading=reread, found_docs=pages)
        app = SimpleNamespace(builder=builder, outdir=str(out["singlehtml"]), env=env)
        valor_editions._builder_inited(app)
        valor_editions._doctree_resolved(app, None, "chapters/intro")  # its one page
        valor_editions._build_finished(app, None)

    pdf_build(reread=[])
    assert not valor_editions.stale_list(out["html"]).exists(), "nothing re-read, nothing passed on"
    pdf_build(reread=["chapters/lessons"])
    for edition in ("html", "html-student"):
        assert valor_editions.drop_stale_pages(out[edition]) == sorted(pages), edition
