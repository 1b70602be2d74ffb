"""The built book in a real browser (Debian's chromium via Playwright), served on 127.0.0.1.

The book is the test run's shared build (`make book`); every page in _toc.yml is visited
once (console, images, math, requests, axe-core, screenshot) and the tests below
check what that visit recorded. Screenshots go to _build/screenshots/ of this
checkout for review.

Chromium or axe-core missing: the tests fail saying what to install (`make test`
installs both).
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
import sites
from book import ROOT, toc_docnames
from bs4 import BeautifulSoup
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from booktools import browser

# Console errors that are not the book's fault, each with its reason.
CONSOLE_ALLOW = {
    r"Got invalid theme mode: .*Resetting to auto": "pydata-sphinx-theme 0.17 reads an unset theme mode from a fresh profile's "
    "localStorage and resets it to 'auto'; its `default_mode` option is rejected "
    "by sphinx-book-theme (a -W warning), so the message cannot be avoided",
}

# Search queries and the page that must come up first-ish; extend as chapters arrive.
# Every page's own title is searched too (see test_search_finds_each_page_by_its_title).
SEARCHES = {
    "dosing": "chapters/trial_design",
    "randomisation": "chapters/trial_design",
    "neurofilament": "chapters/background",
    "CSF SOD1": "chapters/biomarkers",
    "power": "chapters/why_it_missed",
    "delayed-start": "chapters/open_label_extension",
    "advisory committee": "chapters/regulatory",
}
SEARCH_TOP = 5  # the expected page must be among the first SEARCH_TOP results (one phone screen)

# Pages Sphinx adds to those in _toc.yml; index.html only redirects to the first page.
EXTRA_PAGES = ["search", "genindex"]

SCREENSHOTS = ROOT / "_build" / "screenshots"
SERIOUS = ("serious", "critical")


def needs_browser() -> Path:
    """axe-core's script, once chromium and axe-core are known to be there."""
    try:
        browser.chromium_path()
        return browser.axe_script(ROOT)
    except browser.BrowserMissing as err:
        pytest.fail(str(err), pytrace=False)


@pytest.fixture(scope="module")
def built():
    """The book's root, once its reader edition is built (in _build/html)."""
    assert sites.site("reader") == ROOT / "_build" / "html"
    return ROOT


@dataclass
class Visit:
    docname: str
    url: str
    console_errors: list = field(default_factory=list)
    failed_requests: list = field(default_factory=list)
    images: list = field(default_factory=list)
    math_nodes: int = 0
    math_rendered: int = 0
    math_errors: int = 0
    violations: list = field(default_factory=list)
    screenshot: Path | None = None
    in_flight: dict = field(default_factory=dict)  # request -> URL, until it ends


WAIT_IMAGES = """async () => {
  const imgs = Array.from(document.images);
  imgs.forEach(i => { i.loading = 'eager'; });
  await Promise.all(imgs.map(i => i.complete ? null :
      new Promise(r => { i.addEventListener('load', r); i.addEventListener('error', r); })));
  return imgs.map(i => ({src: i.getAttribute('src'), complete: i.complete,
                         width: i.naturalWidth, alt: i.getAttribute('alt')}));
}"""

WAIT_MATH = """async () => {
  const nodes = document.querySelectorAll('main .math, article .math').length;
  if (nodes && window.MathJax && MathJax.startup) { await MathJax.startup.promise; }
  return {nodes: nodes,
          rendered: document.querySelectorAll('mjx-container').length,
          errors: document.querySelectorAll('mjx-merror, .MathJax_Error').length};
}"""

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
}"""


@pytest.fixture(scope="module")
def chromium():
    axe = needs_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = browser.launch(playwright)
        try:
            yield instance, axe
        finally:
            instance.close()


@pytest.fixture(scope="module")
def site(built, chromium):
    """(base URL, browser, blocked URLs) with the built site served on 127.0.0.1."""
    instance, _ = chromium
    blocked: list[str] = []
    with browser.serve(built / "_build" / "html") as base:
        context = browser.offline_context(instance, blocked, viewport={"width": 1280, "height": 900})
        try:
            yield base, context, blocked
        finally:
            context.close()


VISITS_AT_ONCE = 4  # pages loading side by side, each then checked in turn (63 s -> 47 s)


def open_page(context, visit: Visit):
    """A new page that records ``visit``'s console errors and failed requests, loading."""
    page = context.new_page()
    page.on("console", lambda msg: msg.type == "error" and visit.console_errors.append(msg.text))
    page.on("pageerror", lambda err: visit.console_errors.append(f"uncaught: {err}"))
    page.on("requestfailed", lambda req: visit.failed_requests.append(f"{req.url} ({req.failure})"))
    page.on("request", lambda req: visit.in_flight.__setitem__(req, req.url))
    page.on("requestfinished", lambda req: visit.in_flight.pop(req, None))
    page.on("requestfailed", lambda req: visit.in_flight.pop(req, None))
    page.on(
        "response",
        lambda resp: resp.status >= 400 and visit.failed_requests.append(f"{resp.url} (HTTP {resp.status})"),
    )
    page.goto(visit.url, wait_until="commit")
    return page


def record(page, visit: Visit, axe: Path) -> None:
    """Once ``page`` has loaded: its images, math, screenshot and axe-core's violations."""
    page.wait_for_load_state("load")
    visit.images = page.evaluate(WAIT_IMAGES)
    math = page.evaluate(WAIT_MATH)
    visit.math_nodes, visit.math_rendered, visit.math_errors = math["nodes"], math["rendered"], math["errors"]
    try:
        page.wait_for_load_state("networkidle")
    except PlaywrightTimeout:
        pytest.fail(
            f"{visit.docname}: the network never went idle; requests still open: "
            f"{sorted(visit.in_flight.values()) or 'none'}",
            pytrace=False,
        )
    visit.screenshot = SCREENSHOTS / (visit.docname.replace("/", "__") + ".jpg")
    page.bring_to_front()  # chromium paints a background tab slowly: 71 s of screenshots, not 14 s
    # JPEG: the whole API reference page in 2.2 s, as PNG in 3.8 s
    page.screenshot(path=str(visit.screenshot), full_page=True, type="jpeg", quality=70)
    page.add_script_tag(path=str(axe))
    visit.violations = page.evaluate(RUN_AXE)


@pytest.fixture(scope="module")
def visits(built, site, chromium):
    base, context, _ = site
    _, axe = chromium
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    docnames = toc_docnames(built) + EXTRA_PAGES
    results = {}
    for start in range(0, len(docnames), VISITS_AT_ONCE):
        batch = [Visit(d, f"{base}/{d}.html") for d in docnames[start : start + VISITS_AT_ONCE]]
        pages = [open_page(context, visit) for visit in batch]
        try:
            for page, visit in zip(pages, batch, strict=True):
                record(page, visit, axe)
                results[visit.docname] = visit
        finally:
            for page in pages:
                page.close()
    return results


def allowed(message: str) -> bool:
    return any(re.search(pattern, message) for pattern in CONSOLE_ALLOW)


def test_every_page_is_visited(built, visits):
    site = built / "_build" / "html"
    pages = {
        p.relative_to(site).with_suffix("").as_posix()
        for p in site.rglob("*.html")
        if not p.relative_to(site).parts[0].startswith("_")
    } - {"index"}
    assert set(visits) == pages, "a built page is not visited (add it to EXTRA_PAGES?)"


def test_index_leads_to_the_first_page(built, site):
    base, context, _ = site
    page = context.new_page()
    try:
        page.goto(f"{base}/index.html")
        page.wait_for_url(f"**/{toc_docnames(built)[0]}.html", timeout=10_000)
    finally:
        page.close()


def test_no_console_errors(visits):
    problems = [f"{d}: {m}" for d, v in visits.items() for m in v.console_errors if not allowed(m)]
    assert not problems, "console errors:\n" + "\n".join(problems)


def test_no_failed_requests(visits):
    problems = [f"{d}: {r}" for d, v in visits.items() for r in v.failed_requests]
    assert not problems, "requests that failed (404, blocked, ...):\n" + "\n".join(problems)


def test_no_request_leaves_loopback(visits, site):
    _, _, blocked = site
    assert visits and not blocked, "requests to outside 127.0.0.1:\n" + "\n".join(sorted(set(blocked)))


def test_every_image_loads_and_has_alt_text(visits):
    problems, figures = [], 0
    for docname, visit in visits.items():
        for img in visit.images:
            figures += "_images/" in (img["src"] or "")
            if not (img["complete"] and img["width"] > 0):
                problems.append(f"{docname}: {img['src']} did not load (naturalWidth {img['width']})")
            if not (img["alt"] or "").strip():
                problems.append(f"{docname}: {img['src']} has no alt text")
    assert figures, "no figure images at all: the glued figures did not render as images"
    assert not problems, "\n".join(problems)


def test_math_renders(built, visits):
    with_math = {d: v for d, v in visits.items() if v.math_nodes}
    sources = {
        d
        for d in toc_docnames(built)
        if re.search(r"\$\$|\{math\}|```\{math\}", (built / f"{d}.md").read_text(encoding="utf-8"))
    }
    assert sources, "no page has displayed math: the MathJax check would be empty"
    assert sources <= set(with_math), f"math in the source but no math nodes in: {sources - set(with_math)}"
    for docname, visit in with_math.items():
        assert visit.math_rendered >= visit.math_nodes, (
            f"{docname}: {visit.math_nodes} math nodes but {visit.math_rendered} rendered by MathJax"
        )
        assert not visit.math_errors, f"{docname}: {visit.math_errors} MathJax errors"


def test_no_serious_or_critical_accessibility_violations(visits):
    problems = [
        f"{d}: {v['impact']} {v['id']} ({v['help']}) at {', '.join(v['nodes'])}"
        for d, visit in visits.items()
        for v in visit.violations
        if v["impact"] in SERIOUS
    ]
    assert not problems, "axe-core violations:\n" + "\n".join(problems)


def test_a_screenshot_of_each_page(visits):
    for docname, visit in visits.items():
        assert visit.screenshot.exists() and visit.screenshot.stat().st_size > 5_000, docname
        assert visit.screenshot.read_bytes()[:3] == b"\xff\xd8\xff", docname  # a JPEG


SEARCHES_AT_ONCE = 6  # search pages loading side by side in the browser


# What Sphinx's search page runs on (Sphinx writes the book's scorer, _config.yml's
# html_search_scorer, into language_data.js).
SEARCH_SCRIPTS = re.compile(
    r"/(_static/(documentation_options|doctools|sphinx_highlight|searchtools|language_data)|searchindex)\.js(\?|$)"
)


def sphinx_search_only(route) -> None:
    """A search page loads without the theme's styles, fonts, images and scripts: the
    order of the results, which the tests check, is Sphinx's search alone (12 queries one
    after another: 10.2 s with them, 6.2-6.8 s without). Every page, search.html too, is
    visited whole by test_every_page_is_visited."""
    request = route.request
    wanted = request.resource_type in ("document", "fetch") or (
        request.resource_type == "script" and SEARCH_SCRIPTS.search(request.url)
    )
    if wanted:
        route.fallback()  # on to the offline guard
    else:
        route.abort()


def search_all(site, queries: list[str]) -> dict[str, list[str]]:
    """query -> docnames the book's own search page lists for it, best first (at least the
    first SEARCH_TOP, or all). The pages of a batch load at once (the browser searches
    while the previous ones are awaited)."""
    base, context, _ = site
    listed = {}
    for start in range(0, len(queries), SEARCHES_AT_ONCE):
        batch = queries[start : start + SEARCHES_AT_ONCE]
        pages = [context.new_page() for _ in batch]
        try:
            for page, query in zip(pages, batch, strict=True):
                page.route("**/*", sphinx_search_only)
                page.goto(f"{base}/search.html?q={quote(query)}", wait_until="commit")
            for page, query in zip(pages, batch, strict=True):
                # Sphinx lists the results best first, one every 5 ms, each then fetching its
                # page for a summary: the first SEARCH_TOP are final once listed
                page.wait_for_function(
                    "top => { const s = document.querySelector('#search-results .search-summary, "
                    "#search-results p'); return (s && /found|did not match/i.test(s.textContent)) "
                    "|| document.querySelectorAll('#search-results ul.search li').length >= top; }",
                    arg=SEARCH_TOP,
                    timeout=20_000,
                )
                hrefs = page.eval_on_selector_all(
                    "#search-results ul.search li a", "els => els.map(e => e.getAttribute('href'))"
                )
                listed[query] = list(dict.fromkeys(docname_of(href) for href in hrefs))
        finally:
            for page in pages:
                page.close()
    return listed


def docname_of(href: str) -> str:
    return href.split("#")[0].split("?")[0].removesuffix(".html")


@pytest.fixture(scope="module")
def searched(site) -> dict[str, list[str]]:
    """What the search page lists for each of SEARCHES, their pages loaded side by side
    (one after the other, a page per test, took 9 s; side by side 7-8 s)."""
    return search_all(site, sorted(SEARCHES))


@pytest.mark.parametrize("query, expected", sorted(SEARCHES.items()))
def test_search_finds_the_right_chapter(searched, built, query, expected):
    assert expected in toc_docnames(built), f"{expected} is not in _toc.yml: update SEARCHES"
    found = searched[query]
    assert expected in found[:SEARCH_TOP], f"search for {query!r} listed {found}"


def test_search_finds_each_page_by_its_title(site, built):
    titles = {}
    for docname in toc_docnames(built):
        html = (built / "_build" / "html" / f"{docname}.html").read_text(encoding="utf-8")
        title = BeautifulSoup(html, "html.parser").select_one("article h1, main h1")
        titles[docname] = title.get_text(" ", strip=True).rstrip("#¶ ").strip()
    found = search_all(site, list(dict.fromkeys(titles.values())))
    problems = [
        f"{docname}: search for its title {query!r} listed {found[query]}"
        for docname, query in titles.items()
        if docname not in found[query][:SEARCH_TOP]
    ]
    assert len(found) >= 20 and not problems, "\n".join(problems)


# -- page weight (no browser needed) -------------------------------------------

FIGURE_MAX_BYTES = 300_000  # one compressed PNG figure
FIGURE_WIDTH_PX = (400, 2400)  # readable, yet not a poster


def test_each_page_weighs_at_most_1_mb(built):
    from booktools.pageweight import LIMIT, site_weights

    weights = site_weights(built / "_build" / "html", toc_docnames(built))
    assert any(w["n_images"] for w in weights.values()), "no page shows an image: weights not measured"
    heavy = {d: w for d, w in weights.items() if w["total"] > LIMIT}
    assert not heavy, "pages over 1 MB (HTML + images):\n" + "\n".join(
        f"{d}: {w['total'] / 1e6:.2f} MB ({w['n_images']} images, {w['images'] / 1e6:.2f} MB)"
        for d, w in heavy.items()
    )


def test_figures_are_compressed_at_a_sensible_resolution(built):
    from PIL import Image

    from booktools.pageweight import page_images

    site = built / "_build" / "html"
    images = {p for d in toc_docnames(built) for p in page_images(site / f"{d}.html")}
    assert images, "no images found in the pages"
    problems = []
    for path in sorted(images):
        if path.suffix.lower() == ".svg":
            continue
        if path.suffix.lower() != ".png":
            problems.append(f"{path.name}: {path.suffix} (figures are PNG or SVG)")
            continue
        width, _ = Image.open(path).size
        if not FIGURE_WIDTH_PX[0] <= width <= FIGURE_WIDTH_PX[1]:
            problems.append(f"{path.name}: {width} px wide, outside {FIGURE_WIDTH_PX}")
        if path.stat().st_size > FIGURE_MAX_BYTES:
            problems.append(
                f"{path.name}: {path.stat().st_size / 1000:.0f} kB > {FIGURE_MAX_BYTES / 1000:.0f} kB"
            )
    assert not problems, "\n".join(problems)


# -- what happens without chromium ----------------------------------------------


def test_chromium_path_names_the_fix_when_chromium_is_missing(monkeypatch, tmp_path):
    monkeypatch.setattr(browser, "CHROMIUM_CANDIDATES", (str(tmp_path / "no-chromium"),))
    monkeypatch.setenv("VALOR_CHROMIUM", str(tmp_path / "also-missing"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(browser.BrowserMissing, match="sudo apt-get install chromium"):
        browser.chromium_path()
    with pytest.raises(pytest.fail.Exception, match="make test"):
        needs_browser()
    with pytest.raises(browser.BrowserMissing, match="make test"):
        browser.axe_script(tmp_path)
