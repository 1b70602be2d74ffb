"""Versioned releases (booktools.release): the pieces, without building the book."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
from book import ROOT

from booktools import build, release


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def fake_release(site: Path, version: str, editions=("reader", "student"), commit=None) -> None:
    """A published version as release() leaves it: a folder holding release.json."""
    entry = {
        "version": version,
        "released": "2026-11-24T00:00:00Z",
        "commit": commit,
        "dirty": False,
        "root_page": "chapters/intro.html",
        "editions": {
            e: {"path": release.edition_folder(e), "pages": ["chapters/intro.html"]} for e in editions
        },
    }
    write(site / version / "release.json", json.dumps(entry))


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(root), *args], check=True, capture_output=True, text=True
    ).stdout.strip()


# --------------------------------------------------------------------------- site files


def test_versions_json_is_the_switcher_format_newest_first(tmp_path):
    for version in ("0.2.0", "0.10.0", "0.9.1"):
        fake_release(tmp_path, version)
    write(tmp_path / ".0.11.0.staging" / "release.json", "{}")  # a release in progress: not listed
    latest = release.write_site_files(tmp_path, "Book")
    assert latest == "0.10.0"  # by version, not by text
    entries = json.loads((tmp_path / "versions.json").read_text())
    assert [e["version"] for e in entries] == ["0.10.0", "0.9.1", "0.2.0"]
    assert entries[0] == {
        "name": "0.10.0 (latest)",
        "version": "0.10.0",
        "url": "0.10.0/chapters/intro.html",
        "preferred": True,
    }
    assert all("preferred" not in e and e["name"] == e["version"] for e in entries[1:])
    index = (tmp_path / "index.html").read_text()
    assert 'http-equiv="refresh" content="0; url=0.10.0/chapters/intro.html"' in index
    assert 'href="0.9.1/student/chapters/intro.html"' in index
    assert "refresh" not in (tmp_path / "versions.html").read_text()
    data = json.loads(
        (tmp_path / "versions.js").read_text().split("window.VALOR_VERSIONS = ", 1)[1].rstrip().rstrip(";")
    )
    assert data["latest"] == "0.10.0"
    assert data["versions"][1]["editions"]["student"]["path"] == "0.9.1/student/"


# --------------------------------------------------------------------------- swapping


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "two-renames"])
def test_swap_dir_replaces_the_whole_folder_and_nothing_else(tmp_path, monkeypatch, exchange):
    if not exchange:
        monkeypatch.setattr(release, "_renameat2_exchange", lambda a, b: False)
    write(tmp_path / "0.1.0" / "keep.html", "old version")
    write(tmp_path / "0.2.0" / "gone.html", "stale file")
    write(tmp_path / "0.2.0" / "page.html", "old")
    write(tmp_path / ".new" / "page.html", "new")
    release.swap_dir(tmp_path / ".new", tmp_path / "0.2.0")
    assert sorted(p.name for p in (tmp_path / "0.2.0").iterdir()) == ["page.html"]
    assert (tmp_path / "0.2.0" / "page.html").read_text() == "new"
    assert (tmp_path / "0.1.0" / "keep.html").read_text() == "old version"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["0.1.0", "0.2.0"]  # no leftovers
    write(tmp_path / ".newer" / "page.html", "first")
    release.swap_dir(tmp_path / ".newer", tmp_path / "0.3.0")
    assert (tmp_path / "0.3.0" / "page.html").read_text() == "first"


# --------------------------------------------------------------------------- configuration


def test_edition_overrides_keep_the_edition_and_add_the_switcher():
    student = release.edition_overrides(ROOT, "student")
    config = student["sphinx"]["config"]
    for key, value in build.EDITIONS["student"]["sphinx"]["config"].items():
        assert config[key] == value  # e.g. hide_solutions
    assert config["valor_release_edition"] == "student"
    assert config["valor_release_site_root"] == "../../"  # site/<version>/student/ -> site/
    assert config["extensions"][-1] == "valor_release"
    assert "sphinx_exercise" in config["extensions"]
    reader = release.edition_overrides(ROOT, "reader")["sphinx"]["config"]
    assert reader["valor_release_site_root"] == "../"


# --------------------------------------------------------------------------- bump, changelog


def small_book(root: Path, version: str = "0.1.0") -> Path:
    write(root / "valor" / "version.py", f'"""Doc."""\n\n__version__ = "{version}"\n')
    write(
        root / "tests" / "golden" / "intro.json",
        json.dumps(
            {
                "intro_n": "108",
                "intro_version": version,
                "intro_cite": f"The book (version {version}).",
                "intro_p": "P = 0.10",
            },
            indent=1,
        )
        + "\n",
    )
    write(root / "data" / "enrolment.csv", "arm,n\ntofersen,72\nplacebo,36\n")
    write(root / "data" / "design.csv", "parameter,value\nweeks,28\n")
    write(root / "CHANGELOG.md", f"# Changelog\n\n## {version} (2026-11-01)\n\nFirst.\n")
    write(
        root / "CITATION.cff",
        f'cff-version: 1.2.0\ntitle: Book\nversion: {version}\ndate-released: "2026-11-01"\n',
    )
    return root


def test_release_refuses_a_version_without_a_filled_in_changelog_section(tmp_path, capsys):
    root = small_book(tmp_path / "book", "0.2.0")
    write(root / "CHANGELOG.md", "# Changelog\n\n## 0.1.0 (2026-11-01)\n\nFirst.\n")
    assert release.release(root, tmp_path / "site") == 1
    assert "no section '## 0.2.0'" in capsys.readouterr().err
    write(root / "CHANGELOG.md", f"# Changelog\n\n## 0.2.0 (2026-11-02)\n\n{release.TODO}\n\n## 0.1.0\n")
    assert release.release(root, tmp_path / "site") == 1
    assert "still has a TODO" in capsys.readouterr().err
    assert not (tmp_path / "site").exists()


def test_bump_sets_the_version_the_golden_version_and_opens_the_changelog(tmp_path):
    root = small_book(tmp_path)
    with pytest.raises(SystemExit):
        release.bump(root, "0.0.9")
    done = release.bump(root, "0.2.0", site=tmp_path / "no-site", today=dt.date(2026, 12, 1))
    assert len(done) == 4
    assert (root / "CITATION.cff").read_text() == (
        'cff-version: 1.2.0\ntitle: Book\nversion: 0.2.0\ndate-released: "2026-12-01"\n'
    )
    assert release.read_version(root) == "0.2.0"
    assert json.loads((root / "tests/golden/intro.json").read_text()) == {
        "intro_n": "108",
        "intro_version": "0.2.0",
        "intro_cite": "The book (version 0.2.0).",
        "intro_p": "P = 0.10",
    }
    text = (root / "CHANGELOG.md").read_text()
    assert text.index("## 0.2.0 (2026-12-01)") < text.index(release.TODO) < text.index("## 0.1.0")
    assert "### Data changes" in text and "make changelog SINCE=REV" in text  # no git here


def test_changelog_lists_changed_data_files_and_moved_numbers(tmp_path):
    root = small_book(tmp_path / "book")
    git(root, "init", "-q")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "x", "--allow-empty")
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "0.1.0")
    first = git(root, "rev-parse", "HEAD")
    # After the release: one row of enrolment.csv corrected and one added, a new table,
    # the golden snapshot re-recorded, the version bumped.
    write(root / "data" / "enrolment.csv", "arm,n\ntofersen,72\nplacebo,37\nall,109\n")
    write(root / "data" / "biomarkers.csv", "marker,change\nnfl,-0.5\n")
    release.bump(root, "0.2.0", site=tmp_path / "no-site")
    golden = json.loads((root / "tests/golden/intro.json").read_text())
    write(
        root / "tests/golden/intro.json",
        json.dumps({**golden, "intro_n": "109", "intro_nfl": "−50%"}, indent=1) + "\n",
    )

    # --since: a revision
    text = release.changelog_section(root, tmp_path / "no-site", since=first)
    assert text.startswith("### Data changes\n")
    assert f"Compared with commit {first[:7]}." in text
    assert "- `data/enrolment.csv`: modified (2 rows added, 1 row removed)" in text
    assert "- `data/biomarkers.csv`: added (not committed yet)" in text
    assert "design.csv" not in text
    assert "- `intro_n` (intro): 108 → 109" in text
    assert "intro_version" not in text and "intro_cite" not in text  # only the version moved
    assert "- New glued values in intro: `intro_nfl`." in text

    # Default: the last release recorded in the site, then two git revisions.
    site = tmp_path / "site"
    fake_release(site, "0.1.0", commit=first)
    fake_release(site, "0.2.0", commit=None)  # the current one: not "previous"
    from_site = release.changelog_section(root, site)
    assert from_site.startswith(f"### Data changes\n\nCompared with version 0.1.0 (commit {first[:7]}).\n")
    assert from_site.split("\n", 3)[3] == text.split("\n", 3)[3]  # the same changes
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "0.2.0")
    committed = release.changelog_section(root, site, until="HEAD")
    assert "- `data/biomarkers.csv`: added\n" in committed
    assert release.changelog_section(root, site, since="HEAD").count("No ") == 2  # nothing changed
    with pytest.raises(LookupError, match="--since"):
        release.changelog_section(root, tmp_path / "no-site")

    # --write puts it under the current version, replacing an earlier one.
    changelog = root / "CHANGELOG.md"
    release.write_data_changes(changelog, "0.2.0", text)
    release.write_data_changes(changelog, "0.2.0", text)
    after = changelog.read_text()
    assert after.count("### Data changes") == 1
    assert after.index("## 0.2.0") < after.index("108 → 109") < after.index("## 0.1.0")
    assert release.TODO in after


def test_glued_changes_leave_out_values_where_only_the_version_moved():
    old = {
        "intro": {
            "v": "0.1.0",
            "cite": "Book (version 0.1.0).",
            "title": "Book (version 0.1.0).",
            "x": "10.1.0",
            "same": "72",
        },
        "gone": {"g": "1"},
    }
    new = {
        "intro": {
            "v": "0.2.0",
            "cite": "Book (version 0.2.0).",
            "title": "New book (version 0.2.0).",
            "x": "10.2.0",
            "same": "72",
            "added": "5",
        }
    }
    new["added_chapter"] = {"a": "1", "b": "2"}
    changes = release.glued_changes(old, new, ("0.1.0", "0.2.0"))
    assert changes["moved"] == [
        {
            "chapter": "intro",
            "key": "title",
            "old": "Book (version 0.1.0).",
            "new": "New book (version 0.2.0).",
        },
        {"chapter": "intro", "key": "x", "old": "10.1.0", "new": "10.2.0"},
    ]
    assert changes["new"] == {"intro": ["added"]} and changes["removed"] == {}
    assert changes["new_chapters"] == {"added_chapter": 2} and changes["removed_chapters"] == {"gone": 1}
    text = release.format_data_changes({"files": [], **changes}, "commit abc")
    assert "- New chapter added_chapter: 2 glued values." in text
    assert "- Chapter removed gone: 1 glued value." in text


def test_a_moved_table_is_named_with_its_row_counts_not_printed():
    table = "| A | B |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |"
    changes = release.glued_changes(
        {"ch": {"tbl_x": table, "n": "1"}},
        {"ch": {"tbl_x": table.replace("| A |", "| Aa |") + "\n| 5 | 6 |", "n": "2"}},
        None,
    )
    text = release.format_data_changes({"files": [], **changes}, "commit abc")
    assert "- `tbl_x` (ch): table changed (2 rows before, 3 rows after)" in text
    assert "- `n` (ch): 1 → 2" in text and "| 5 | 6 |" not in text
