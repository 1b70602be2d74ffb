"""The build's short cuts: the up-to-date check and the hard-linking swap must never publish stale pages."""

from __future__ import annotations

import os
import time
from pathlib import Path

from book import tree_digest

from booktools import build, uptodate


def make_book(root):
    (root / "data").mkdir(parents=True)
    (root / "chapters").mkdir()
    (root / "data" / "t.csv").write_text("a,b\n1,2\n")
    (root / "chapters" / "c.md").write_text("# C\n")
    (root / "_config.yml").write_text("title: t\n")
    return root


def bump(path, text=None):
    """Rewrite (or touch) ``path`` with a modification time surely different from before."""
    if text is not None:
        path.write_text(text)
    later = path.stat().st_mtime_ns + 2_000_000_000
    os.utime(path, ns=(later, later))


def test_fingerprint_follows_every_source_but_not_build_outputs(tmp_path):
    root = make_book(tmp_path / "book")
    first = uptodate.fingerprint(root)
    assert uptodate.fingerprint(root) == first
    (root / "_build" / "html").mkdir(parents=True)
    (root / "_build" / "html" / "x.html").write_text("output")
    (root / "node_modules").mkdir()
    (root / "node_modules" / "y.js").write_text("tool")
    assert uptodate.fingerprint(root) == first, "outputs and tools must not count"
    bump(root / "data" / "t.csv", "a,b\n1,3\n")
    second = uptodate.fingerprint(root)
    assert second != first, "a data edit must count"
    bump(root / "chapters" / "c.md")
    assert uptodate.fingerprint(root) != second, "a touched source must count"
    assert uptodate.fingerprint(root, {"x": 1}) != uptodate.fingerprint(root), "overrides count"
    (root / "chapters" / "new.md").write_text("# New\n")
    assert uptodate.fingerprint(root) != second


def test_up_to_date_only_after_a_recorded_build_of_the_same_site(tmp_path):
    root = make_book(tmp_path / "book")
    work, site = tmp_path / "work", tmp_path / "site"
    value = uptodate.fingerprint(root)
    assert not uptodate.is_current(work, site, value)
    site.mkdir()
    (site / "index.html").write_text("ok")
    uptodate.record(work, site, value)
    assert uptodate.is_current(work, site, value)
    assert not uptodate.is_current(work, tmp_path / "other-site", value)
    assert not uptodate.is_current(work, site, "different")
    (tmp_path / "other-site").mkdir()
    (tmp_path / "other-site" / "index.html").write_text("ok")
    uptodate.record(work, tmp_path / "other-site", value)  # another edition's site, same work folder
    assert uptodate.is_current(work, site, value), "each site keeps its own record"
    uptodate.forget(work, site)
    assert not uptodate.is_current(work, site, value)
    assert uptodate.is_current(work, tmp_path / "other-site", value)


def test_swap_links_unchanged_files_and_keeps_the_published_site_apart(tmp_path):
    new, site = tmp_path / "work" / "html", tmp_path / "site"
    new.mkdir(parents=True)
    (new / "same.html").write_text("same")
    (new / "changed.html").write_text("old")
    build.swap_in(new, site)
    assert tree_digest(site) == tree_digest(new)
    same_inode = (site / "same.html").stat().st_ino

    time.sleep(0.01)
    bump(new / "changed.html", "new")
    (new / "added.html").write_text("added")
    build.swap_in(new, site)
    assert tree_digest(site) == tree_digest(new)
    assert (site / "same.html").stat().st_ino == same_inode, "an unchanged file is linked, not copied"
    assert not os.path.samefile(site / "changed.html", new / "changed.html")

    # The build later rewrites its files in place: the published site must not change.
    published = tree_digest(site)
    for path in new.iterdir():
        with open(path, "w") as handle:
            handle.write("rewritten by a later build")
    assert tree_digest(site) == published


def test_data_validation_is_skipped_only_for_data_validated_as_it_is(tmp_path):
    root = make_book(tmp_path / "book")
    (root / "valor").mkdir()
    (root / "valor" / "rules.py").write_text("RULES = {}\n")
    work = tmp_path / "work"
    value = uptodate.fingerprint(root, only=uptodate.DATA_INPUTS)
    assert not uptodate.data_checked(work, value)
    uptodate.record_data_checked(work, value)
    assert uptodate.data_checked(work, value)
    bump(root / "chapters" / "c.md", "# prose edit\n")
    assert uptodate.fingerprint(root, only=uptodate.DATA_INPUTS) == value, "prose is not data"
    bump(root / "valor" / "stats.py", "POWER = 0.8\n")
    assert uptodate.fingerprint(root, only=uptodate.DATA_INPUTS) == value, "nor is a module it does not run"
    bump(root / "valor" / "rules.py", "RULES = {'x': 1}\n")
    assert uptodate.fingerprint(root, only=uptodate.DATA_INPUTS) != value, "a rule change re-validates"
    bump(root / "data" / "t.csv", "a,b\n1,4\n")
    assert not uptodate.data_checked(work, uptodate.fingerprint(root, only=uptodate.DATA_INPUTS))
    uptodate.record_data_checked(work, None)
    assert not uptodate.data_checked(work, value)


def test_make_pdf_keeps_a_pdf_printed_from_the_same_sources(tmp_path, monkeypatch, capsys):
    from booktools import pdf

    root = tmp_path / "book"
    (root / "chapters").mkdir(parents=True)
    (root / "chapters" / "intro.md").write_text("# Intro\n")
    out = tmp_path / "valor-book.pdf"
    out.write_bytes(b"%PDF- printed earlier")
    pdf.printed_from(out).write_text(uptodate.fingerprint(root, {"pdf": "reader"}), encoding="utf-8")
    monkeypatch.setattr(pdf.browser, "chromium_path", lambda: "/usr/bin/chromium")
    stopped = []  # the step after the up-to-date check: reached only when something changed
    monkeypatch.setattr(pdf.data, "validate_all", lambda: stopped.append(1) or ["a broken table"])

    assert pdf.run(root, "reader", out) == 0
    assert "Nothing changed since the last PDF" in capsys.readouterr().out and not stopped
    assert out.read_bytes() == b"%PDF- printed earlier"

    (root / "chapters" / "intro.md").write_text("# Intro, edited\n")
    assert pdf.run(root, "reader", out) == 1 and stopped == [1]
    assert not pdf.printed_from(out).exists(), "a PDF no longer current keeps no record"
    assert "data validation failed" in capsys.readouterr().err


def test_the_data_inputs_hold_every_module_that_validation_runs():
    import subprocess
    import sys

    from book import ROOT

    listed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, valor.data, valor.rules\n"
            "print('\\n'.join(m.__file__ for n, m in sys.modules.items() if n.split('.')[0] == 'valor'))",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    loaded = {Path(f).resolve().relative_to(ROOT).as_posix() for f in listed}
    assert {"valor/data.py", "valor/rules.py"} <= loaded
    assert loaded <= set(uptodate.VALIDATION_CODE), (
        f"validation also runs {loaded - set(uptodate.VALIDATION_CODE)}"
    )


def test_the_packs_are_made_once_and_a_version_that_cannot_be_read_fails_as_a_pack(tmp_path, monkeypatch):
    import pytest

    made = []
    monkeypatch.setattr(build.pack, "publish", lambda *job: made.append(job) or [tmp_path / "pack.zip"])
    (tmp_path / "valor").mkdir()
    (tmp_path / "valor" / "version.py").write_text('__version__ = "1.2.3"\n')
    packs = build.PacksAlongside(tmp_path, tmp_path / "work", tmp_path / "site", "reader")
    packs.start()  # when Sphinx says every page is written
    packs.start()
    assert packs.result() == [tmp_path / "pack.zip"]
    assert len(made) == 1 and made[0][-3:] == ("reader", "1.2.3", build.validated_tables(tmp_path / "work"))
    # never started (Sphinx wrote nothing): made when asked for
    assert build.PacksAlongside(tmp_path, tmp_path / "work", tmp_path / "site", "student").result()
    assert len(made) == 2
    (tmp_path / "valor" / "version.py").write_text("no version here\n")
    packs = build.PacksAlongside(tmp_path, tmp_path / "work", tmp_path / "site", "reader")
    with pytest.raises(RuntimeError, match="__version__"):
        packs.result()  # reported by the build as packs that could not be made
