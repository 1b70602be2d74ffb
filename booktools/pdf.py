"""The whole book as one PDF, with no TeX (what ``make pdf`` runs).

1. validates the data, then builds the book as a single HTML page (Jupyter
   Book's ``singlehtml`` builder, warnings as errors) into ``_build/.work-pdf``,
   which keeps Sphinx's incremental state like the HTML build;
2. serves that page on 127.0.0.1 and prints it to PDF with Debian's chromium
   through Playwright (``booktools.browser``): A4, backgrounds, a bookmark outline
   and page numbers; solutions, folded into dropdowns on the web, are unfolded;
3. writes ``_build/pdf/valor-book-<version>.pdf`` (the student edition:
   ``valor-book-<version>-student.pdf``), replacing the last one only when the
   new one is complete.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

import yaml

from booktools import browser, build
from valor import __version__, data

# Print rules on top of the theme's: keep figures and cells whole, drop the
# navigation, show the content of every dropdown (solutions included).
PRINT_CSS = """
@page { margin: 16mm 14mm 18mm 14mm; }
div.cell_input, div.cell_output, figure, .admonition, table { break-inside: avoid; }
h1, h2, h3 { break-after: avoid; }
span[id^="document-"] { display: block; break-before: page; }   /* each chapter on a new page */
.bd-header, .bd-sidebar-primary, .bd-sidebar-secondary, .bd-footer, .bd-footer-content,
.header-article, .prev-next-area, .toggle-button, button.toggle-button, .skip-link,
#pst-back-to-top, #jb-print-docs-body, a.headerlink { display: none !important; }
.toggle-hidden { display: block !important; visibility: visible !important; }
.admonition, div.exercise, div.solution { border: 1px solid #888 !important; border-radius: 3px;
  padding: 0.2em 0.9em 0.4em !important; margin: 0.8em 0 !important; }
.admonition-title, p.admonition-title { font-weight: bold !important; }
div.cell_input pre, div.highlight pre { border-left: 3px solid #bbb !important; padding-left: 0.6em !important; }
.bd-main .bd-content .bd-article-container { max-width: 100% !important; }
"""
UNFOLD_JS = """() => {
  document.querySelectorAll('.toggle-hidden').forEach(e => e.classList.remove('toggle-hidden'));
  document.querySelectorAll('details').forEach(d => d.open = true);
}"""
# Images may load lazily (only when scrolled to): load them all before printing.
IMAGES_READY_JS = """async () => {
  const images = [...document.images];
  images.forEach(img => { img.loading = "eager"; });
  await Promise.all(images.map(img => img.complete ? null :
    new Promise(done => { img.addEventListener("load", done); img.addEventListener("error", done); })));
  return images.filter(img => !img.naturalWidth).map(img => img.src);
}"""
MATHJAX_READY_JS = """() => (window.MathJax && MathJax.startup && MathJax.startup.promise)
  ? MathJax.startup.promise.then(() => true) : true"""
FOOTER = (
    '<div style="font-size:8px; width:100%; text-align:center; color:#555;">'
    '<span class="title"></span> · <span class="pageNumber"></span> / '
    '<span class="totalPages"></span></div>'
)


def root_docname(root: Path) -> str:
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    return str(Path(toc["root"]).with_suffix(""))


def pdf_path(root: Path, edition: str = "reader") -> Path:
    suffix = "" if edition == "reader" else f"-{edition}"
    return root / "_build" / "pdf" / f"valor-book-{__version__}{suffix}.pdf"


def _mirror_images(site: Path, page: str) -> None:
    """Sphinx's single-page builder writes image paths relative to the site's root
    (``_images/x.png``) even when the root document sits in a folder
    (``chapters/intro.html``): give that folder a copy of ``_images``."""
    folder = (site / page).parent
    if folder != site and (site / "_images").is_dir():
        shutil.copytree(site / "_images", folder / "_images", dirs_exist_ok=True)


def print_pdf(site: Path, page: str, out: Path) -> int:
    """Print ``site/page`` (a single-page build) to ``out``; returns the page count."""
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader

    _mirror_images(site, page)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")
    with browser.serve(site) as base, sync_playwright() as playwright:
        chromium = browser.launch(playwright)
        try:
            tab = chromium.new_page()
            tab.goto(f"{base}/{page}", wait_until="networkidle")
            tab.evaluate(MATHJAX_READY_JS)
            broken = tab.evaluate(IMAGES_READY_JS)
            if broken:
                raise RuntimeError(f"images that did not load: {broken}")
            tab.evaluate(UNFOLD_JS)
            tab.add_style_tag(content=PRINT_CSS)
            tab.pdf(
                path=str(partial),
                format="A4",
                print_background=True,
                outline=True,
                tagged=True,
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=FOOTER,
            )
        finally:
            chromium.close()
    pages = len(PdfReader(partial).pages)
    os.replace(partial, out)
    return pages


def run(root: Path, edition: str = "reader", out: Path | None = None) -> int:
    root = root.resolve()
    os.environ["VALOR_BOOK_ROOT"] = str(root)
    out = (out or pdf_path(root, edition)).resolve()
    started = time.perf_counter()
    try:
        browser.chromium_path()
    except browser.BrowserMissing as err:
        print(f"Cannot print the PDF: {err}", file=sys.stderr)
        return 1
    errors = data.validate_all()
    if errors:
        print("PDF stopped: data validation failed.\n  " + "\n  ".join(errors), file=sys.stderr)
        return 1
    work = root / "_build" / (".work-pdf" if edition == "reader" else f".work-pdf-{edition}")
    code = build.build_html(
        root, work, build.write_config(root, work, build.EDITIONS[edition]), builder="singlehtml"
    )
    if code != 0:
        build._forget_incremental_state(work)
        print(
            f"PDF stopped: the single-page build failed (exit code {code}); "
            f"the last PDF in {out.parent} was left untouched.",
            file=sys.stderr,
        )
        return code
    pages = print_pdf(work / "_build" / "singlehtml", f"{root_docname(root)}.html", out)
    print(f"\nPDF written in {time.perf_counter() - started:.1f} s: {out} ({pages} pages)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("."), help="the book's folder")
    parser.add_argument("--edition", choices=sorted(build.EDITIONS), default="reader")
    parser.add_argument("--out", type=Path, default=None, help="the PDF (default _build/pdf/...)")
    args = parser.parse_args(argv)
    return run(args.root, args.edition, args.out)


if __name__ == "__main__":
    sys.exit(main())
