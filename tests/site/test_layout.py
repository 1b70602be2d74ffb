"""The built book laid out in a real browser, on a laptop (1280 px) and on a phone (390 px).

Every page in _toc.yml is opened at both widths in Debian's chromium (Playwright,
``booktools.browser``) and measured:

- nothing widens the page: no element reaches past the right edge of the screen
  unless it sits in a scroll container that itself fits the screen;
- every table sits in its own scroll container; a numbered table fits its container
  on a laptop, and on a phone its caption and its key (first) column stay in view;
- every figure is crisp (SVG, or PNG with at least two image pixels per CSS pixel),
  and its smallest text is at least ``style.MIN_TEXT_PX`` CSS px (9 pt) as drawn:
  (smallest text / figure width, both in points, from the SVG) x the width shown;
- no figure appears under two numbers;
- a glued number is as heavy as the text around it (myst-nb makes it bold);
- each chapter's "What's next" links first to the next page in _toc.yml, where the
  theme's "Next" button goes too.

Chromium or playwright missing: the tests fail, saying what to install
(``tests/sites.py``); ``make test`` installs both.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import sites
from book import content_chapters, toc_docnames

from booktools import browser
from valor import style

WIDTHS = {"laptop": 1280, "phone": 390}
SCROLLING = ("auto", "scroll")

# One visit per page and width: what the tests below check, measured in the page.
MEASURE = """
() => {
  const vw = document.documentElement.clientWidth;
  const main = document.querySelector('#main-content') || document.body;
  const scroller = el => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (['auto', 'scroll'].includes(getComputedStyle(a).overflowX)) return a;
    }
    return null;
  };
  const inView = r => r.left >= -1 && r.right <= vw + 1;
  const describe = el => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}` +
    `${typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : ''}` +
    ` "${(el.textContent || '').trim().slice(0, 50)}"`;
  const overflowing = [];
  for (const el of main.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || inView(r)) continue;
    if (getComputedStyle(el).visibility === 'hidden') continue;
    const box = scroller(el);
    if (box && inView(box.getBoundingClientRect())) continue;
    overflowing.push(`${describe(el)} spans ${Math.round(r.left)}..${Math.round(r.right)} px`);
  }
  const tables = [...main.querySelectorAll('table')].map(t => {
    const box = scroller(t);
    const boxRect = box ? box.getBoundingClientRect() : null;
    const caption = t.querySelector('caption');
    const first = t.querySelector('tbody tr > :first-child');
    return {
      id: t.id || '', numbered: !!(t.id && t.id.startsWith('tbl-')),
      inScroller: !!box && !!boxRect && inView(boxRect),
      width: t.scrollWidth, boxWidth: box ? box.clientWidth : null,
      caption: caption ? [caption.getBoundingClientRect().left, caption.getBoundingClientRect().right] : null,
      key: first ? [first.getBoundingClientRect().left, first.getBoundingClientRect().right] : null,
      box: boxRect ? [boxRect.left, boxRect.right] : null,
    };
  });
  const images = [...main.querySelectorAll('img')].map(i => ({
    src: i.currentSrc || i.src, shown: i.clientWidth, natural: i.naturalWidth,
    figure: !!i.closest('figure'),
  }));
  const nextButton = document.querySelector('a.right-next');
  const heading = [...main.querySelectorAll('h2, h3')].find(h => /what.s next/i.test(h.textContent));
  const section = heading ? heading.closest('section') : null;
  const whatsNext = section ? [...section.querySelectorAll('a.reference.internal')]
    .filter(a => !a.closest('h2, h3')).map(a => a.href) : null;
  const boldGlue = [...main.querySelectorAll('span.pasted-text')]
    .filter(s => getComputedStyle(s).fontWeight !== getComputedStyle(s.parentElement).fontWeight)
    .map(describe);
  return {vw, pageWidth: document.documentElement.scrollWidth, overflowing, tables, images,
          next: nextButton ? nextButton.href : null, whatsNext, boldGlue,
          glueCount: main.querySelectorAll('span.pasted-text').length};
}
"""


@pytest.fixture(scope="module")
def measured():
    """docname -> width name -> what MEASURE returned, for every page of the reader edition."""
    sites.require_chromium()
    from playwright.sync_api import sync_playwright

    html = sites.site()
    pages = toc_docnames()
    found = {}
    with browser.serve(html) as base, sync_playwright() as playwright:
        chromium = browser.launch(playwright)
        try:
            for name, width in WIDTHS.items():
                page = chromium.new_page(viewport={"width": width, "height": 900})
                for doc in pages:
                    page.goto(f"{base}/{doc}.html", wait_until="load")
                    result = page.evaluate(MEASURE)
                    result["url"] = page.url
                    found.setdefault(doc, {})[name] = result
                page.close()
        finally:
            chromium.close()
    return {"site": html, "base": base, "pages": found}


def _each(measured):
    for doc, by_width in measured["pages"].items():
        for name, result in by_width.items():
            yield doc, name, result


def _local(site: Path, base: str, url: str) -> Path:
    return site / urlsplit(url).path.lstrip("/")


def test_nothing_overflows_the_screen_outside_a_scroll_container(measured):
    problems = []
    for doc, name, result in _each(measured):
        if result["pageWidth"] > result["vw"]:
            problems.append(
                f"{doc} ({name}): the page is {result['pageWidth']} px wide on a {result['vw']}-px screen"
            )
        problems += [f"{doc} ({name}): {item}" for item in result["overflowing"]]
    assert not problems, "\n".join(problems[:40]) + (
        f"\n... {len(problems)} in all" if len(problems) > 40 else ""
    )


def test_tables_sit_in_scroll_containers_and_numbered_ones_fit_or_keep_their_key(measured):
    problems, seen = [], 0
    for doc, name, result in _each(measured):
        for table in result["tables"]:
            seen += 1
            where = f"{doc} ({name}) table {table['id'] or '(unnumbered)'}"
            if not table["inScroller"]:
                problems.append(f"{where}: not inside a scroll container that fits the screen")
                continue
            if not table["numbered"]:
                continue
            left, right = table["box"]
            if name == "laptop" and table["width"] > table["boxWidth"] + 1:
                problems.append(f"{where}: {table['width']} px wide in a {table['boxWidth']}-px column")
            if table["caption"] and not (
                table["caption"][0] >= left - 1 and table["caption"][1] <= right + 1
            ):
                problems.append(f"{where}: its caption reaches past the container ({table['caption']})")
            if table["key"] and table["key"][1] > right + 1:
                problems.append(f"{where}: its key column is cut off ({table['key']} in {table['box']})")
    assert seen, "no table measured"
    assert not problems, "\n".join(problems)


SMALLEST = re.compile(style.SMALLEST_TEXT.pattern)
SVG_WIDTH = re.compile(r'<svg[^>]*\swidth="([0-9.]+)pt"')


def _smallest_text_and_width(svg: Path) -> tuple[float, float]:
    text = svg.read_text(encoding="utf-8")
    smallest, width = SMALLEST.search(text), SVG_WIDTH.search(text)
    assert smallest and width, f"{svg.name}: no recorded smallest text or width in points"
    return float(smallest.group(1)), float(width.group(1))


def test_figures_are_crisp_and_their_text_is_legible_on_a_phone(measured):
    site, base = measured["site"], measured["base"]
    problems, figures = [], 0
    for doc, name, result in _each(measured):
        for image in result["images"]:
            if not image["figure"]:
                continue
            figures += 1
            path = _local(site, base, image["src"])
            if path.suffix == ".svg":
                smallest, width_pt = _smallest_text_and_width(path)
                shown_px = smallest / width_pt * image["shown"]
                if shown_px < style.MIN_TEXT_PX:
                    problems.append(
                        f"{doc} ({name}) {path.name}: smallest text {shown_px:.1f} px at {image['shown']} px wide"
                    )
            elif image["natural"] < 2 * image["shown"]:
                problems.append(
                    f"{doc} ({name}) {path.name}: {image['natural']} px drawn {image['shown']} px wide"
                )
    assert figures, "no figure measured"
    assert not problems, "\n".join(problems)


def test_no_figure_appears_under_two_numbers(measured):
    where: dict[str, list[str]] = {}
    for doc, by_width in measured["pages"].items():
        for image in by_width["laptop"]["images"]:
            if image["figure"]:
                where.setdefault(Path(urlsplit(image["src"]).path).name, []).append(doc)
    assert where, "no figure found"
    twice = {name: docs for name, docs in where.items() if len(docs) > 1}
    assert not twice, f"the same figure file shown more than once (cross-reference it instead): {twice}"


def test_glued_numbers_read_as_plain_text(measured):
    glued, problems = 0, []
    for doc, by_width in measured["pages"].items():
        result = by_width["laptop"]
        glued += result["glueCount"]
        problems += [f"{doc}: {item}" for item in result["boldGlue"]]
    assert glued, "no glued number measured"
    assert not problems, "glued numbers heavier than their text:\n" + "\n".join(problems[:20])


def test_each_chapters_whats_next_leads_to_the_next_page(measured):
    pages, base = toc_docnames(), measured["base"]
    problems = []
    for doc in content_chapters():
        result = measured["pages"][doc]["laptop"]
        expected = f"{base}/{pages[pages.index(doc) + 1]}.html"
        links = [urljoin(result["url"], href).split("#")[0] for href in result["whatsNext"] or []]
        next_button = urljoin(result["url"], result["next"] or "").split("#")[0]
        if result["whatsNext"] is None:
            problems.append(f"{doc}: no 'What's next' section")
        elif not links or links[0] != expected:
            problems.append(f"{doc}: 'What's next' first links to {links[:1]}, the next page is {expected}")
        if next_button != expected:
            problems.append(f"{doc}: the Next button goes to {next_button}, _toc.yml says {expected}")
    assert not problems, "\n".join(problems)


def test_the_fact_check_comes_before_the_back_matter():
    pages = toc_docnames()
    assert "chapters/fact_check" in content_chapters()
    assert pages.index("chapters/fact_check") < min(
        pages.index(f"chapters/{doc}") for doc in ("instructor_guide", "license", "status", "assumptions")
    )
