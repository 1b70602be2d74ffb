"""Keep every edition's pages as current as the edition whose build re-read them.

The editions are written from one Sphinx environment (one work folder; the student
edition differs only in how pages are written). When a build re-reads pages (a chapter
re-executed after a data or module edit, a chapter edited), Sphinx writes in that
build's output the pages re-read and the pages that depend on them (the root page, a
chapter whose cross-reference numbers moved, the bibliography). The other editions'
outputs never learn of it: their next build re-reads nothing, and Sphinx's HTML builder
rewrites a page only when its source file is newer than the page. The student edition
kept the old numbers of chapters that ``make book`` had re-executed ("targets for 0
source files that are out of date").

So a build that re-read pages records every page it wrote in a list for each other
edition's output folder (``.<output>.stale`` beside them; every page when it was the PDF's
single-page build); an edition's build deletes the pages on its list before Sphinx
compares times, and Sphinx then writes them. Only builds that re-read pages record: an
edition written for its own reasons alone (its first build, a setting of its own) passes
nothing on, so two editions never make each other rewrite pages back and forth.
"""

from __future__ import annotations

from pathlib import Path

# The HTML outputs of a work folder (booktools.build.output_name): html, html-<edition>.
# The single-page output of the PDF rewrites its one page at every build.
OUTPUT_PREFIX = "html"


def stale_list(outdir: Path) -> Path:
    return outdir.parent / f".{outdir.name}.stale"


def other_outputs(outdir: Path) -> list[Path]:
    return [
        folder
        for folder in sorted(outdir.parent.glob(f"{OUTPUT_PREFIX}*"))
        if folder.is_dir() and folder.name != outdir.name
    ]


def drop_stale_pages(outdir: Path, suffix: str = ".html") -> list[str]:
    """Delete the pages another edition's build left stale here; their names."""
    listed = stale_list(outdir)
    if not listed.exists():
        return []
    names = sorted(set(listed.read_text(encoding="utf-8").split()))
    for docname in names:
        (outdir / f"{docname}{suffix}").unlink(missing_ok=True)
    listed.unlink()
    return names


def record_written(outdir: Path, written: set[str]) -> None:
    """Put ``written`` on every other edition's list."""
    for other in other_outputs(outdir):
        with open(stale_list(other), "a", encoding="utf-8") as handle:
            handle.write("".join(f"{docname}\n" for docname in sorted(written)))


def _builder_inited(app) -> None:
    app.valor_written = set()
    if app.builder.name == "html":
        drop_stale_pages(Path(app.outdir), app.builder.out_suffix)


def _doctree_resolved(app, doctree, docname) -> None:
    app.valor_written.add(docname)  # in the main process, before a page is written


def _build_finished(app, exception) -> None:
    reread = getattr(app.env, "valor_reading", [])  # _ext/valor_deps.py: the pages read in this build
    if exception is None and reread:
        # the PDF's single page tells nothing of which pages depend on those re-read: all then
        written = app.valor_written if app.builder.name == "html" else set(app.env.found_docs)
        record_written(Path(app.outdir), written)


def setup(app):
    app.connect("builder-inited", _builder_inited)
    app.connect("doctree-resolved", _doctree_resolved)
    app.connect("build-finished", _build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
