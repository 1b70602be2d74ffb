"""Two versions of the real book released into a temporary site, checked on disk and in chromium.

One scenario (built once per test run, shared by the xdist workers through a
lock), on a temporary copy of the project:

1. release the book's version (V1), which also has a page ("retired") that V2 drops;
2. bump the copy to the next minor version V2 (``booktools.release.bump``) and release it, reusing the
   first release's work folders;
3. re-release V2; then two releases that fail (a broken data file; an
   edition that does not build after the reader edition did).

A step releases every edition; when that fails, the step is recorded and
repeated with the reader edition only, so a broken student edition fails the
student tests and not the others.

Set $DEV_SCENARIO to a folder to build the scenario there once and reuse it
across runs while working on these tests (delete the folder to rebuild).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from unittest import mock
from urllib.parse import urlsplit

import pytest
from book import ROOT, copy_project, parsed_page, text_of, tree_digest, words

from booktools import build, release

# The book's version, and the next one the scenario bumps it to.
V1 = release.read_version(ROOT)
V2 = f"{release.parse_version(V1).major}.{release.parse_version(V1).minor + 1}.0"
RETIRED = """(retired)=
# A retired page

This page is in the first version of the test site only.
"""


def run_release(proj: Path, site: Path, work: Path, log: Path, *editions: str) -> dict:
    cmd = [
        sys.executable,
        "-m",
        "booktools.release",
        "--root",
        str(proj),
        "--site",
        str(site),
        "--work",
        str(work),
        *[f"--edition={e}" for e in editions],
    ]
    env = {k: v for k, v in os.environ.items() if k not in ("VALOR_BOOK_ROOT", "VALOR_READS_LOG")}
    with open(log, "a") as out:
        out.write(f"\n$ {' '.join(cmd)}\n")
        out.flush()
        code = subprocess.call(cmd, cwd=proj, env=env, stdout=out, stderr=subprocess.STDOUT)
    return {"code": code, "log": str(log)}


def git_commit(proj: Path, message: str) -> str:
    def git(*args):
        return subprocess.run(
            ["git", "-C", str(proj), "-c", "user.name=test", "-c", "user.email=test@test", *args],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()

    if not (proj / ".git").exists():
        git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", message)
    return git("rev-parse", "HEAD")


def release_step(proj, site, work, log) -> dict:
    """Release every edition; if that fails, record it and release the reader edition alone."""
    full = run_release(proj, site, work, log)
    step = {"full": full["code"], "reader_only": None}
    if full["code"] != 0:
        step["reader_only"] = run_release(proj, site, work, log, "reader")["code"]
        if step["reader_only"] != 0:
            pytest.fail(
                f"the release failed even with the reader edition alone:\n{log_tail(log)}", pytrace=False
            )
    return step


def scenario(base: Path) -> dict:
    proj, site, work, log = base / "project", base / "site", base / "work", base / "release.log"
    copy_project(proj)
    toc = (proj / "_toc.yml").read_text(encoding="utf-8")
    (proj / "chapters" / "retired.md").write_text(RETIRED, encoding="utf-8")
    (proj / "_toc.yml").write_text(toc.rstrip("\n") + "\n      - file: chapters/retired\n", encoding="utf-8")
    assert release.read_version(proj) == V1
    commit = git_commit(proj, V1)
    results = {"site": str(site), "log": str(log), "steps": {}, "hashes": {}}

    results["steps"]["release first"] = release_step(proj, site, work, log)
    results["hashes"]["first alone"] = tree_digest(site / V1)
    results["first release.json"] = json.loads((site / V1 / release.RELEASE_FILE).read_text())
    results["first commit"] = commit

    results["bump"] = release.bump(proj, V2, site)
    changelog = proj / "CHANGELOG.md"
    changelog.write_text(
        changelog.read_text(encoding="utf-8").replace(release.TODO, "- Test release."), encoding="utf-8"
    )
    results["changelog"] = changelog.read_text(encoding="utf-8")
    (proj / "_toc.yml").write_text(toc, encoding="utf-8")
    (proj / "chapters" / "retired.md").unlink()
    results["steps"]["release second"] = release_step(proj, site, work, log)
    results["hashes"]["first after second"] = tree_digest(site / V1)

    (site / V2 / "stray.txt").write_text("not part of the release")
    before = {v: tree_digest(site / v) for v in (V1, V2)}
    logged = log.stat().st_size
    results["steps"]["re-release second"] = release_step(proj, site, work, log)
    rerelease_log = log.read_bytes()[logged:].decode("utf-8", errors="replace")
    after = {v: tree_digest(site / v) for v in (V1, V2)}
    results["rerelease"] = {
        "v1_unchanged": before[V1] == after[V1],
        "stray_removed": not (site / V2 / "stray.txt").exists(),
        "v2_files_before": sorted(before[V2]),
        "v2_files_after": sorted(after[V2]),
        # nothing changed since the release: each edition's last build is published again
        "sphinx_runs": rerelease_log.count("Running Sphinx"),
        "republished": rerelease_log.count("Nothing changed since the last good build in"),
    }

    # A broken data file: nothing is built, nothing changes.
    everything = tree_digest(site)
    csv = sorted((proj / "data").glob("*.csv"))[0]
    good = csv.read_text(encoding="utf-8")
    csv.write_text(good.replace("\n", "\n,,,broken row\n", 1), encoding="utf-8")
    results["broken data"] = {
        "code": run_release(proj, site, work, log)["code"],
        "site_unchanged": tree_digest(site) == everything,
    }
    csv.write_text(good, encoding="utf-8")
    # The reader edition builds, then an edition fails: V2 stays as it was.
    broken = {"sphinx": {"config": {"extensions": ["valor_no_such_extension"]}}}
    with mock.patch.dict(build.EDITIONS, {"broken": broken}), mock.patch.dict(os.environ):
        code = release.release(proj, site, work, ["reader", "broken"])
    results["broken edition"] = {"code": code, "site_unchanged": tree_digest(site) == everything}
    return results


@pytest.fixture(scope="session")
def released(tmp_path_factory):
    """The scenario's results; built by the first xdist worker that asks, read by the others."""
    if os.environ.get("DEV_SCENARIO"):
        shared = Path(os.environ["DEV_SCENARIO"])
    elif os.environ.get("PYTEST_XDIST_WORKER"):
        shared = tmp_path_factory.getbasetemp().parent / "release-scenario"
    else:
        shared = tmp_path_factory.mktemp("release-scenario")
    shared.mkdir(exist_ok=True)
    done = shared / "results.json"
    with open(shared / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            done.write_text(json.dumps(scenario(shared), indent=1))
    results = json.loads(done.read_text())
    results["site"] = Path(results["site"])
    return results


def log_tail(log) -> str:
    """The lines of the release log that say why a build failed."""
    keep = re.compile(r"WARNING|ERROR|Error:|Exception occurred|stopped|^\$ ")
    lines = Path(log).read_text(errors="replace").splitlines()
    return "\n".join(dict.fromkeys(line for line in lines if keep.search(line) and "IPKernelApp" not in line))


def editions_of(site: Path, version: str) -> dict[str, Path]:
    entry = json.loads((site / version / "release.json").read_text())
    return {name: site / version / ed["path"] for name, ed in entry["editions"].items()}


# --------------------------------------------------------------------------- on disk


def test_every_release_built_every_edition(released):
    failed = [name for name, step in released["steps"].items() if step["full"] != 0]
    assert not failed, (
        f"these releases failed with every edition: {failed}; the reader edition "
        f"alone then gave {[released['steps'][n]['reader_only'] for n in failed]}.\n"
        f"Log ({released['log']}):\n{log_tail(released['log'])}"
    )
    site = released["site"]
    for version in (V1, V2):
        assert sorted(editions_of(site, version)) == sorted(build.EDITIONS)
        assert (site / version / "student" / "chapters" / "trial_design.html").is_file()


def test_the_switcher_files_list_both_versions_and_the_index_opens_the_latest(released):
    site = released["site"]
    entries = json.loads((site / "versions.json").read_text())
    assert [(e["version"], e.get("preferred", False)) for e in entries] == [(V2, True), (V1, False)]
    for entry in entries:
        assert not re.match(r"^(/|[a-z]+:)", entry["url"])  # relative
        assert (site / entry["url"]).is_file()
    assert f'url={V2}/chapters/intro.html"' in (site / "index.html").read_text()
    data = json.loads((site / "versions.js").read_text().split("=", 1)[1].strip().rstrip(";"))
    for version in data["versions"]:
        for edition in version["editions"].values():
            listed = {page for page in edition["pages"]}
            on_disk = {
                p.relative_to(site / edition["path"]).as_posix()
                for p in (site / edition["path"]).rglob("*.html")
                if not re.match(r"(_|student/)", p.relative_to(site / edition["path"]).as_posix())
            }
            assert listed == on_disk
    pages = {v["version"]: v["editions"]["reader"]["pages"] for v in data["versions"]}
    assert "chapters/retired.html" in pages[V1] and "chapters/retired.html" not in pages[V2]


LINKING = ["a", "link", "script", "img", "iframe", "source"]  # the tags that point somewhere


def linking_tags(page: Path) -> list:
    """The page's tags that point somewhere, parsed alone (bs4's SoupStrainer): 2.3 times
    faster than the whole page, whose parsing was three quarters of this test's 10 s."""
    from bs4 import BeautifulSoup, SoupStrainer

    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser", parse_only=SoupStrainer(LINKING))
    return soup.find_all(LINKING)


def test_each_version_links_stay_within_it(released):
    site = released["site"]
    for version in (V1, V2):
        for name, folder in editions_of(site, version).items():
            pages = [folder / page for page in release.edition_pages(folder, {"student"})]
            assert len(pages) >= 5
            for page in pages:
                for tag in linking_tags(page):
                    url = tag.get("href") or tag.get("src")
                    if not url or url.startswith("#"):
                        continue
                    parts = urlsplit(url)
                    if parts.scheme in ("http", "https", "mailto"):
                        assert tag.name == "a", f"{page}: external resource {url}"  # citations only
                        continue
                    assert not parts.scheme and not parts.netloc and not url.startswith("/"), (
                        f"{page}: {url} is not relative"
                    )
                    target = (page.parent / parts.path).resolve() if parts.path else page
                    if tag.get("id") == "valor-versions-data":
                        assert target == site / "versions.js", f"{page}: {url}"
                        continue
                    assert target.is_relative_to(folder), f"{page}: {url} leaves {folder}"
                    if name == "reader":
                        assert not target.is_relative_to(folder / "student"), f"{page}: {url}"
                    assert target.exists(), f"{page}: {url} is broken"


# An element whose class names a solution (CSS's [class*=solution]), in a page's markup.
SOLUTION_CLASS = re.compile(r"""\sclass\s*=\s*("[^"]*solution|'[^']*solution|[^\s"'>]*solution)""", re.I)


def test_a_solution_class_is_found_in_markup():
    for markup in (
        '<div class="admonition solution">',
        "<p class='x dropdown-solution'>",
        "<i class=solution>",
    ):
        assert SOLUTION_CLASS.search(markup), markup
    for markup in ('<div class="exercise">', "<p>the solution class</p>", '<a data-class="solution">'):
        assert not SOLUTION_CLASS.search(markup), markup


def test_the_student_editions_hold_no_solutions(released):
    site = released["site"]
    for version in (V1, V2):
        reader = site / version / "chapters" / "trial_design.html"
        student = site / version / "student" / "chapters" / "trial_design.html"
        assert student.is_file(), f"no student edition of {version}:\n{log_tail(released['log'])}"
        solutions = parsed_page(reader).select(".solution")
        assert len(solutions) >= 2  # the reader edition has them...
        code = [pre.get_text() for s in solutions for pre in s.select("pre")]
        assert code, "the reader's solutions hold code cells"
        for page in (site / version / "student").rglob("*.html"):
            markup = page.read_text(encoding="utf-8")  # 60 pages a version: no tree built
            assert not SOLUTION_CLASS.search(markup), page
            text = text_of(markup)
            leaked = [c for c in code if c.strip() and words(c) in text]
            assert not leaked, f"{page} shows solution code: {leaked[0][:200]}"
        exercises = parsed_page(student).select(".exercise")
        assert len(exercises) >= 2  # ...the student edition keeps the exercises


def test_bump_opens_the_changelog_with_the_data_changes_since_the_last_release(released):
    assert released["first release.json"]["commit"] == released["first commit"]
    assert released["first release.json"]["dirty"] is False
    text = released["changelog"]
    section = text[text.index(f"## {V2} (") : text.index(f"## {V1} (")]
    # Nothing changed in data/ or in the glued values between the two (the version's own
    # glued values move, and are left out).
    assert (
        f"### Data changes\n\nCompared with version {V1} (commit {released['first commit'][:7]}).\n"
        in section
    )
    assert "- No data file changed." in section and "- No glued number moved." in section
    assert "TODO" not in section
    assert any(line.startswith(f"CITATION.cff: version {V2}") for line in released["bump"])


def test_releasing_a_newer_version_leaves_the_older_byte_for_byte(released):
    assert released["hashes"]["first alone"] == released["hashes"]["first after second"]
    assert released["hashes"]["first alone"] == tree_digest(released["site"] / V1)


def test_re_releasing_a_version_replaces_it_and_only_it(released):
    step = released["steps"]["re-release second"]
    assert step["full"] == 0 or step["reader_only"] == 0
    outcome = released["rerelease"]
    assert outcome["v1_unchanged"]
    assert outcome["stray_removed"]  # replaced, not copied over
    assert (outcome["sphinx_runs"], outcome["republished"]) == (0, len(build.EDITIONS))
    assert "stray.txt" in outcome["v2_files_before"]
    assert set(outcome["v2_files_after"]) == set(outcome["v2_files_before"]) - {"stray.txt"}
    assert sorted(p.name for p in released["site"].iterdir() if p.name.startswith(".")) == [
        ".nojekyll",
        ".release.lock",
    ]  # no staging or retired folder left


def test_a_failed_release_leaves_the_site_untouched(released):
    assert released["broken data"]["code"] != 0
    assert released["broken data"]["site_unchanged"]
    assert released["broken edition"]["code"] != 0
    assert released["broken edition"]["site_unchanged"]


# --------------------------------------------------------------------------- in chromium

BENIGN = ("Got invalid theme mode",)  # pydata-sphinx-theme on a fresh profile (toolchain notes)


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    from booktools import browser

    with sync_playwright() as p:
        instance = browser.launch(p)
        yield instance
        instance.close()


@contextlib.contextmanager
def site_url(site: Path, how: str):
    from booktools import browser

    if how == "http":
        with browser.serve(site) as base:
            yield base
    else:
        yield site.as_uri()


def open_page(chromium, url: str, errors: list):
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.on(
        "console", lambda m: m.type == "error" and not m.text.startswith(BENIGN) and errors.append(m.text)
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url, wait_until="load")
    return page


def switcher(page) -> list[tuple[str, str, bool]]:
    return [
        tuple(entry)
        for entry in page.eval_on_selector_all(
            ".valor-switcher .valor-switcher-versions a",
            "els => els.map(e => [e.textContent, e.href, e.getAttribute('aria-current') === 'page'])",
        )
    ]


@pytest.mark.parametrize("how", ["http", "file"])
def test_switcher_and_banner_in_chromium(released, chromium, how):
    site, errors = released["site"], []
    with site_url(site, how) as base:
        page = open_page(chromium, f"{base}/index.html", errors)
        page.wait_for_url(f"**/{V2}/chapters/intro.html")
        assert switcher(page) == [
            (f"{V2} (latest)", f"{base}/{V2}/chapters/intro.html", True),
            (V1, f"{base}/{V1}/chapters/intro.html", False),
        ]
        assert page.locator(".valor-old-version").count() == 0
        assert page.locator(".valor-switcher summary").inner_text() == f"Version {V2} (latest)"

        # Switch to the same page of the older version: it carries the banner.
        page.goto(f"{base}/{V2}/chapters/trial_design.html")
        page.click(".valor-switcher summary")
        page.click(f".valor-switcher a[data-version='{V1}']")
        page.wait_for_url(f"{base}/{V1}/chapters/trial_design.html")
        assert switcher(page) == [
            (f"{V2} (latest)", f"{base}/{V2}/chapters/trial_design.html", False),
            (V1, f"{base}/{V1}/chapters/trial_design.html", True),
        ]
        banner = page.locator(".valor-old-version")
        assert banner.count() == 1 and f"version {V1}, an older version" in banner.inner_text()
        page.click(".valor-old-version a")
        page.wait_for_url(f"{base}/{V2}/chapters/trial_design.html")
        assert page.locator(".valor-old-version").count() == 0

        # A page the latest version dropped: the banner leads to its first page.
        page.goto(f"{base}/{V1}/chapters/retired.html")
        link = page.locator(".valor-old-version a")
        assert "not in the latest version" in link.inner_text()
        assert link.evaluate("a => a.href") == f"{base}/{V2}/chapters/intro.html"
        assert (
            page.eval_on_selector(f".valor-switcher a[data-version='{V2}']", "a => a.href")
            == f"{base}/{V2}/chapters/intro.html"
        )

        # The list of all versions.
        page.goto(f"{base}/{V1}/search.html")
        page.click(".valor-switcher summary")
        page.click(".valor-switcher a[href$='versions.html']")
        page.wait_for_url(f"{base}/versions.html")
        assert page.locator("li").count() == 2
    assert not errors, errors


@pytest.mark.parametrize("how", ["http", "file"])
def test_student_edition_switcher_stays_in_the_student_edition(released, chromium, how):
    site, errors = released["site"], []
    assert (site / V1 / "student").is_dir(), f"no student edition of {V1}:\n{log_tail(released['log'])}"
    with site_url(site, how) as base:
        page = open_page(chromium, f"{base}/{V1}/student/chapters/trial_design.html", errors)
        assert switcher(page) == [
            (f"{V2} (latest)", f"{base}/{V2}/student/chapters/trial_design.html", False),
            (V1, f"{base}/{V1}/student/chapters/trial_design.html", True),
        ]
        assert (
            page.eval_on_selector(".valor-old-version a", "a => a.href")
            == f"{base}/{V2}/student/chapters/trial_design.html"
        )
        assert (
            page.eval_on_selector(".valor-switcher a[data-edition='reader']", "a => a.href")
            == f"{base}/{V1}/chapters/trial_design.html"
        )
        page.goto(f"{base}/{V2}/student/chapters/intro.html")
        assert page.locator(".valor-old-version").count() == 0
        assert page.locator(".valor-switcher summary").inner_text() == f"Version {V2} (latest)"
    assert not errors, errors
