"""Versioned releases: every version frozen in ``site/<version>/``, with a switcher.

``python -m booktools.release`` (what ``make release`` runs) builds the book's
current version (``__version__`` in ``valor/version.py``) with
:func:`booktools.build.run`, once per edition, into a staging folder next to the
site: the reader edition at ``site/<version>/``, the others at
``site/<version>/<edition>/`` (``student/``). Only when every edition built is
the staging folder swapped in for ``site/<version>/`` (an atomic exchange of
the two folders where the kernel offers it, two renames otherwise); the other
versions in ``site/`` are never touched. Then the site's shared files are
rewritten (each atomically): ``versions.json`` (pydata-sphinx-theme's switcher
format, URLs relative to it), ``versions.js`` (the same, plus the pages of each
edition, for the switcher and banner drawn by ``_ext/valor_release.py``: a
script loaded by a relative ``<script>`` tag works from ``file://``, where the
theme's XHR for ``versions.json`` does not), ``index.html`` (opens the latest)
and ``versions.html`` (lists them all). Each version's ``release.json`` says
what it holds (editions, pages) and the git commit it was built from.

Two more commands:

* ``python -m booktools.release bump X.Y.Z`` (``make bump VERSION=X.Y.Z``) sets the
  version, opens its section in ``CHANGELOG.md`` with the data changes, and
  moves the version in the golden snapshot and in ``CITATION.cff``;
* ``python -m booktools.release changelog [--since REV] [--write]`` (``make
  changelog``) prints the "Data changes" section: which files in ``data/``
  changed and which glued values moved, from the golden snapshot
  (``tests/golden/*.json``) at the last release (or REV) and now.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import datetime as dt
import fcntl
import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from packaging.version import InvalidVersion, Version

from booktools import build

RELEASE_FILE = "release.json"  # in every site/<version>/: what the release holds
TODO = "TODO: what changed in the book."  # placeholder written by bump
VERSION_LINE = re.compile(r'^__version__\s*=\s*"([^"]+)"', re.M)  # as _ext/valor_version.py
GOLDEN = Path("tests") / "golden"
VERSION_FILE = Path("valor") / "version.py"


# --------------------------------------------------------------------------- version


def read_version(root: Path) -> str:
    """The book's version: ``__version__`` in ``ROOT/valor/version.py``."""
    match = VERSION_LINE.search((root / VERSION_FILE).read_text(encoding="utf-8"))
    if not match:
        raise RuntimeError(f'{root / VERSION_FILE} must set __version__ = "X.Y.Z"')
    return match.group(1)


def version_token(version: str) -> re.Pattern:
    """``version`` as a whole word ("0.1.0", not "10.1.0" or "0.1.0.1")."""
    return re.compile(rf"(?<![\w.]){re.escape(version)}(?![\w]|\.\d)")


def parse_version(text: str) -> Version:
    try:
        return Version(text)
    except InvalidVersion:
        raise SystemExit(f"{text!r} is not a version number (expected X.Y.Z)") from None


# --------------------------------------------------------------------------- building


def edition_folder(edition: str) -> str:
    """Where an edition lives inside ``site/<version>/``."""
    return "" if edition == "reader" else f"{edition}/"


def edition_overrides(root: Path, edition: str) -> dict:
    """The edition's _config overrides plus the switcher extension, told where the site's root is."""
    depth = 1 + edition_folder(edition).count("/")
    overrides = build.EDITIONS[edition]
    config = build.deep_merge(yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")), overrides)
    switcher = {
        "sphinx": {
            "local_extensions": {"valor_release": str(root / "_ext")},
            "config": {"valor_release_edition": edition, "valor_release_site_root": "../" * depth},
        }
    }
    # An explicit extensions list in _config.yml wins over local_extensions: extend it.
    extensions = config.get("sphinx", {}).get("config", {}).get("extensions")
    if extensions is not None:
        switcher["sphinx"]["config"]["extensions"] = [*extensions, "valor_release"]
    return build.deep_merge(overrides, switcher)


def root_page(root: Path) -> str:
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    return f"{toc['root']}.html"


def edition_pages(folder: Path, skip: set[str]) -> list[str]:
    """The HTML pages of an edition, relative to its folder (no _static, no nested edition)."""
    pages = []
    for path in folder.rglob("*.html"):
        rel = path.relative_to(folder)
        if rel.parts[0] in skip or any(part.startswith("_") for part in rel.parts[:-1]):
            continue
        pages.append(rel.as_posix())
    return sorted(pages)


def git_state(root: Path) -> tuple[str | None, bool]:
    """(HEAD's commit, whether the tree has uncommitted changes); (None, False) outside git."""
    try:
        if Path(_git(root, "rev-parse", "--show-toplevel").strip()).resolve() != root.resolve():
            return None, False  # a copy inside some other repository
        commit = _git(root, "rev-parse", "HEAD").strip()
        dirty = bool(_git(root, "status", "--porcelain", "--untracked-files=no").strip())
    except GitError:
        return None, False
    return commit, dirty


def manifest(root: Path, folder: Path, version: str, editions: list[str]) -> dict:
    commit, dirty = git_state(root)
    nested = {edition_folder(e).rstrip("/") for e in editions if edition_folder(e)}
    return {
        "version": version,
        "released": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commit": commit,
        "dirty": dirty,
        "root_page": root_page(root),
        "editions": {
            e: {"path": edition_folder(e), "pages": edition_pages(folder / edition_folder(e), nested)}
            for e in editions
        },
    }


def _renameat2_exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    try:
        func = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    return func(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def swap_dir(new: Path, target: Path) -> None:
    """Put folder ``new`` at ``target`` (same file system), replacing what was there.

    Readers of ``target`` see the old folder or the new one, never a mixture:
    an atomic exchange where the kernel supports it, else two renames (with a
    moment in which ``target`` is missing).
    """
    if not target.exists():
        os.rename(new, target)
        return
    if _renameat2_exchange(new, target):
        shutil.rmtree(new)  # now holds the old version
        return
    retired = target.with_name(f".{target.name}.old")
    shutil.rmtree(retired, ignore_errors=True)
    os.replace(target, retired)
    os.replace(new, target)
    shutil.rmtree(retired)


def write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


@contextlib.contextmanager
def site_lock(site: Path):
    """One release at a time per site."""
    with open(site / ".release.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def changelog_problem(root: Path, version: str) -> str | None:
    path = root / "CHANGELOG.md"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    head = re.search(rf"^## {re.escape(version)}\b.*$", text, re.M)
    if not head:
        return (
            f"CHANGELOG.md has no section '## {version}': run `make bump VERSION=...` "
            f"(or add the section by hand) before releasing {version}."
        )
    following = re.compile(r"^## ", re.M).search(text, head.end())
    if "TODO" in text[head.end() : following.start() if following else len(text)]:
        return f"CHANGELOG.md: the section '## {version}' still has a TODO: fill it in before releasing."
    return None


def release(root: Path, site: Path, work: Path | None = None, editions: list[str] | None = None) -> int:
    """Build every edition of the current version and publish it as ``site/<version>/``."""
    root, site = root.resolve(), site.resolve()
    work = (work or root / "_build" / "release").resolve()
    version = read_version(root)
    parse_version(version)
    names = sorted(editions or build.EDITIONS, key=lambda name: name != "reader")
    if names[0] != "reader":
        raise ValueError("a release always holds the reader edition")
    problem = changelog_problem(root, version)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    os.environ["VALOR_BOOK_ROOT"] = str(root)  # as build.run does: validate this book's data
    from valor import data  # pandas and pandera: not for every build that reads the version

    errors = data.validate_all()
    if errors:
        print(f"Release of {version} stopped: data validation failed.", file=sys.stderr)
        for error in errors:
            print("  " + error.replace("\n", "\n  "), file=sys.stderr)
        return 1
    site.mkdir(parents=True, exist_ok=True)
    with site_lock(site):
        staging = site / f".{version}.staging"
        shutil.rmtree(staging, ignore_errors=True)
        try:
            for name in names:  # the reader first: it is the staging folder itself
                dest = staging / edition_folder(name)
                print(f"\n=== Release {version}: {name} edition ===", flush=True)
                # The editions share the work folder: the book executes once for all.
                output = build.output_name(name)
                code = build.run(root, dest, work, edition_overrides(root, name), output)
                if code != 0:
                    print(
                        f"\nRelease of {version} stopped: the {name} edition did not build. "
                        f"{site} was left untouched.",
                        file=sys.stderr,
                    )
                    return code
            write_atomic(
                staging / RELEASE_FILE, json.dumps(manifest(root, staging, version, names), indent=1) + "\n"
            )
            swap_dir(staging, site / version)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        latest = write_site_files(site, title(root))
    print(f"\nReleased {version} ({', '.join(names)}) into {site / version}.")
    print(f"Versions in {site}: {', '.join(e['version'] for e in releases(site))}; latest {latest}.")
    print(f"Open {site / 'index.html'}")
    return 0


# --------------------------------------------------------------------------- the site's shared files


def title(root: Path) -> str:
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    return str(config.get("title") or "The book")


def releases(site: Path) -> list[dict]:
    """Every version published in ``site``, newest first."""
    found = []
    for path in site.glob(f"*/{RELEASE_FILE}"):
        if path.parent.name.startswith("."):
            continue
        entry = json.loads(path.read_text(encoding="utf-8"))
        if entry.get("version") == path.parent.name:
            found.append(entry)
    return sorted(found, key=lambda e: parse_version(e["version"]), reverse=True)


def switcher_entries(entries: list[dict]) -> list[dict]:
    """pydata-sphinx-theme's switcher list (``url`` relative to ``versions.json``)."""
    latest = entries[0]["version"] if entries else None
    return [
        {
            "name": e["version"] + (" (latest)" if e["version"] == latest else ""),
            "version": e["version"],
            "url": f"{e['version']}/{e['root_page']}",
            **({"preferred": True} if e["version"] == latest else {}),
        }
        for e in entries
    ]


def versions_js(entries: list[dict]) -> str:
    data = {
        "latest": entries[0]["version"],
        "index": "versions.html",
        "versions": [
            {
                "version": e["version"],
                "root_page": e["root_page"],
                "editions": {
                    name: {"path": f"{e['version']}/{ed['path']}", "pages": ed["pages"]}
                    for name, ed in e["editions"].items()
                },
            }
            for e in entries
        ],
    }
    return (
        "// Written by booktools.release: the versions of this site, for the switcher and the banner\n"
        "// drawn by _static/valor-release.js (a script, not an XHR, so it works from file://).\n"
        f"window.VALOR_VERSIONS = {json.dumps(data, indent=1)};\n"
    )


def index_html(entries: list[dict], book_title: str, redirect: bool = True) -> str:
    """The site's index.html (opens the latest version) or, without redirect, versions.html."""
    latest = entries[0]
    first = f"{latest['version']}/{latest['root_page']}"
    rows = []
    for e in entries:
        links = [
            f'<a href="{html.escape(e["version"])}/{html.escape(ed["path"] + e["root_page"])}">'
            f"{'reader' if name == 'reader' else html.escape(name) + ' edition'}</a>"
            for name, ed in e["editions"].items()
        ]
        label = e["version"] + (" (latest)" if e is latest else "")
        rows.append(
            f"    <li>{html.escape(label)}, released {html.escape(e['released'][:10])}: "
            + ", ".join(links)
            + "</li>"
        )
    refresh = f'\n  <meta http-equiv="refresh" content="0; url={html.escape(first)}">' if redirect else ""
    lead = (
        f'Opening the latest version, <a href="{html.escape(first)}">{html.escape(latest["version"])}</a>.'
        if redirect
        else f'The latest version is <a href="{html.escape(first)}">{html.escape(latest["version"])}</a>.'
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">{refresh}
  <link rel="icon" href="{html.escape(latest["version"])}/favicon.ico">
  <title>{html.escape(book_title)}{"" if redirect else ": all versions"}</title>
</head>
<body>
  <main>
  <h1>{html.escape(book_title)}</h1>
  <p>{lead}</p>
  <h2>All versions</h2>
  <ul>
{chr(10).join(rows)}
  </ul>
  </main>
</body>
</html>
"""


def write_site_files(site: Path, book_title: str) -> str:
    """Rewrite versions.json, versions.js, index.html, versions.html from the versions in ``site``; the latest."""
    entries = releases(site)
    write_atomic(site / "versions.json", json.dumps(switcher_entries(entries), indent=1) + "\n")
    write_atomic(site / "versions.js", versions_js(entries))
    write_atomic(site / "index.html", index_html(entries, book_title))
    write_atomic(site / "versions.html", index_html(entries, book_title, redirect=False))
    (site / ".nojekyll").touch()  # GitHub Pages would hide _static/ otherwise
    return entries[0]["version"]


# --------------------------------------------------------------------------- changelog


class GitError(LookupError):
    pass


def _git(root: Path, *args: str) -> str:
    try:
        return subprocess.run(
            ["git", "-C", str(root), *args], check=True, capture_output=True, text=True
        ).stdout
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    except subprocess.CalledProcessError as err:
        raise GitError(f"`git {' '.join(args)}` failed in {root}: {err.stderr.strip()}") from None


def file_at(root: Path, rev: str | None, path: str) -> str | None:
    """A file's text at git revision ``rev`` (None: the working tree); None where it is absent."""
    if rev is None:
        file = root / path
        return file.read_text(encoding="utf-8") if file.exists() else None
    try:
        return _git(root, "show", f"{rev}:{path}")
    except GitError:
        return None


def goldens_at(root: Path, rev: str | None) -> dict[str, dict]:
    """chapter -> {key: glued text} from tests/golden/ at ``rev`` (None: the working tree)."""
    if rev is None:
        names = [p.name for p in (root / GOLDEN).glob("*.json")]
    else:
        names = (
            [
                Path(p).name
                for p in _git(root, "ls-tree", "--name-only", f"{rev}:{GOLDEN.as_posix()}").split()
                if p.endswith(".json")
            ]
            if file_at(root, rev, GOLDEN.as_posix()) is not None
            else []
        )
    return {
        Path(n).stem: json.loads(file_at(root, rev, (GOLDEN / n).as_posix()) or "{}") for n in sorted(names)
    }


def data_file_changes(root: Path, since: str, until: str | None) -> list[dict]:
    """Files under data/ that differ between ``since`` and ``until`` (None: the working tree)."""
    revs = [since] + ([until] if until else [])
    status = {}
    for line in _git(root, "diff", "--no-renames", "--name-status", *revs, "--", "data").splitlines():
        code, path = line.split("\t", 1)
        status[path] = {"A": "added", "D": "removed"}.get(code[0], "modified")
    counts = {}
    for line in _git(root, "diff", "--no-renames", "--numstat", *revs, "--", "data").splitlines():
        added, removed, path = line.split("\t", 2)
        counts[path] = (added, removed)
    if until is None:
        for path in _git(root, "ls-files", "--others", "--exclude-standard", "--", "data").split():
            status[path] = "added (not committed yet)"
    changes = []
    for path in sorted(status):
        added, removed = counts.get(path, ("-", "-"))
        changes.append(
            {
                "path": path,
                "status": status[path],
                "lines_added": int(added) if added.isdigit() else None,
                "lines_removed": int(removed) if removed.isdigit() else None,
            }
        )
    return changes


def glued_changes(old: dict[str, dict], new: dict[str, dict], skip_version: tuple[str, str] | None) -> dict:
    """Moved, new and removed glued values between two golden snapshots.

    ``skip_version`` (old, new): the book's version, glued in the text, moves
    with every release; a value in which nothing but the version moved is not listed.
    """

    def only_version_moved(a, b) -> bool:
        return (
            skip_version is not None
            and isinstance(a, str)
            and version_token(skip_version[0]).sub(skip_version[1], a) == b
        )

    moved, added, removed, chapters = [], {}, {}, {"new": {}, "removed": {}}
    for chapter in sorted(old.keys() | new.keys()):
        if chapter not in old or chapter not in new:  # a whole chapter: count, don't list
            kind, values = ("new", new[chapter]) if chapter in new else ("removed", old[chapter])
            chapters[kind][chapter] = len(values)
            continue
        before, after = old[chapter], new[chapter]
        for key in sorted(before.keys() & after.keys()):
            if before[key] != after[key] and not only_version_moved(before[key], after[key]):
                moved.append({"chapter": chapter, "key": key, "old": before[key], "new": after[key]})
        if after.keys() - before.keys():
            added[chapter] = sorted(after.keys() - before.keys())
        if before.keys() - after.keys():
            removed[chapter] = sorted(before.keys() - after.keys())
    return {
        "moved": moved,
        "new": added,
        "removed": removed,
        "new_chapters": chapters["new"],
        "removed_chapters": chapters["removed"],
    }


def previous_release(site: Path, version: str) -> dict | None:
    """The newest release in ``site`` older than ``version`` that recorded its commit."""
    current = parse_version(version)
    for entry in releases(site) if site.exists() else []:
        if parse_version(entry["version"]) < current and entry.get("commit"):
            return entry
    return None


def version_at(root: Path, rev: str | None) -> re.Match | None:
    """The version line at ``rev`` (until 0.1.0 it stood in ``valor/__init__.py``)."""
    for path in (VERSION_FILE, Path("valor") / "__init__.py"):
        match = VERSION_LINE.search(file_at(root, rev, path.as_posix()) or "")
        if match:
            return match
    return None


def data_changes(root: Path, since: str, until: str | None = None) -> dict:
    version_then = version_at(root, since)
    version_now = version_at(root, until)
    skip = (version_then.group(1), version_now.group(1)) if version_then and version_now else None
    return {
        "files": data_file_changes(root, since, until),
        **glued_changes(goldens_at(root, since), goldens_at(root, until), skip),
    }


def _count(n: int, unit: str, verb: str) -> str:
    return f"{n} {unit}{'s' if n != 1 else ''} {verb}"


def moved_text(old: str, new: str) -> str:
    """``old → new``; a glued table (Markdown, several lines) is named, not printed."""
    if "\n" in old or "\n" in new:
        rows = [text.count("\n") - 1 for text in (old, new)]  # header and rule lines
        return f"table changed ({_count(rows[0], 'row', 'before')}, {_count(rows[1], 'row', 'after')})"
    return f"{old} → {new}"


def format_data_changes(changes: dict, since_label: str) -> str:
    lines = ["### Data changes", "", f"Compared with {since_label}.", "", "Data files:", ""]
    for f in changes["files"]:
        detail = ""
        if f["status"] == "modified" and f["lines_added"] is not None:
            unit = "row" if f["path"].endswith(".csv") else "line"
            detail = (
                f" ({_count(f['lines_added'], unit, 'added')}, {_count(f['lines_removed'], unit, 'removed')})"
            )
        lines.append(f"- `{f['path']}`: {f['status']}{detail}")
    if not changes["files"]:
        lines.append("- No data file changed.")
    lines += ["", "Numbers in the text that moved (golden snapshot, `tests/golden/`):", ""]
    for m in changes["moved"]:
        lines.append(f"- `{m['key']}` ({m['chapter']}): {moved_text(m['old'], m['new'])}")
    if not changes["moved"]:
        lines.append("- No glued number moved.")
    for label, group in (("New glued values", changes["new"]), ("No longer glued", changes["removed"])):
        for chapter, keys in group.items():
            lines.append(f"- {label} in {chapter}: " + ", ".join(f"`{k}`" for k in keys) + ".")
    for label, group in (
        ("New chapter", changes["new_chapters"]),
        ("Chapter removed", changes["removed_chapters"]),
    ):
        for chapter, n in group.items():
            lines.append(f"- {label} {chapter}: {n} glued value{'s' if n != 1 else ''}.")
    return "\n".join(lines) + "\n"


def resolve_since(root: Path, site: Path, since: str | None) -> tuple[str, str]:
    """(git revision, label) of the state to compare with: ``since``, else the last release in ``site``."""
    if since:
        commit = _git(root, "rev-parse", "--verify", f"{since}^{{commit}}").strip()
        return commit, (
            f"commit {commit[:7]}" if commit.startswith(since) else f"`{since}` (commit {commit[:7]})"
        )
    version = read_version(root)
    entry = previous_release(site, version)
    if entry is None:
        raise LookupError(
            f"no release older than {version} with a recorded commit in {site}: "
            "pass --since REV (the commit or tag of the previous release)"
        )
    note = ", built from a tree with uncommitted changes" if entry.get("dirty") else ""
    return entry["commit"], f"version {entry['version']} (commit {entry['commit'][:7]}{note})"


def changelog_section(root: Path, site: Path, since: str | None = None, until: str | None = None) -> str:
    rev, label = resolve_since(root, site, since)
    return format_data_changes(data_changes(root, rev, until), label)


def write_data_changes(changelog: Path, version: str, section: str) -> None:
    """Put ``section`` (### Data changes) into the ``## <version>`` section of CHANGELOG.md."""
    text = changelog.read_text(encoding="utf-8")
    head = re.search(rf"^## {re.escape(version)}\b.*\n", text, re.M)
    if not head:
        raise LookupError(f"{changelog} has no section '## {version}'")
    end = re.compile(r"^## ", re.M).search(text, head.end())
    end = end.start() if end else len(text)
    body = text[head.end() : end]
    old = re.search(r"^### Data changes\n.*?(?=^### |\Z)", body, re.M | re.S)
    if old:
        body = body[: old.start()] + section + "\n" + body[old.end() :].lstrip("\n")
    else:
        body = body.rstrip("\n") + "\n\n" + section + "\n"
    text = text[: head.end()] + body.rstrip("\n") + ("\n\n" if end < len(text) else "\n") + text[end:]
    changelog.write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------- bump


def bump(root: Path, new: str, site: Path | None = None, today: dt.date | None = None) -> list[str]:
    """Set the version to ``new``: valor/version.py, the golden snapshot's version,
    CITATION.cff, and a new section of CHANGELOG.md (with its data changes)."""
    old = read_version(root)
    if parse_version(new) <= parse_version(old):
        raise SystemExit(f"{new} is not newer than the current version {old}")
    init = root / VERSION_FILE
    init.write_text(
        VERSION_LINE.sub(f'__version__ = "{new}"', init.read_text(encoding="utf-8"), count=1),
        encoding="utf-8",
    )
    done = [f"{VERSION_FILE}: __version__ {old} -> {new}"]

    for path in sorted((root / GOLDEN).glob("*.json")):
        values = json.loads(path.read_text(encoding="utf-8"))
        keys = [k for k, v in values.items() if isinstance(v, str) and version_token(old).search(v)]
        if keys:
            values.update({k: version_token(old).sub(new, values[k]) for k in keys})
            path.write_text(
                json.dumps(values, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
            )
            done.append(f"{path.relative_to(root)}: {', '.join(keys)} {old} -> {new}")

    date = (today or dt.date.today()).isoformat()
    citation = root / "CITATION.cff"  # its version and date follow the book's
    if citation.exists():
        text = citation.read_text(encoding="utf-8")
        text = re.sub(r"^version:.*$", f"version: {new}", text, count=1, flags=re.M)
        text = re.sub(r"^date-released:.*$", f'date-released: "{date}"', text, count=1, flags=re.M)
        citation.write_text(text, encoding="utf-8")
        done.append(f"CITATION.cff: version {new}, date-released {date}")

    changelog = root / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8") if changelog.exists() else "# Changelog\n"
    if not re.search(rf"^## {re.escape(new)}\b", text, re.M):
        try:
            data = changelog_section(root, site or root / "site")
        except LookupError:
            data = (
                "### Data changes\n\nTODO: no earlier release found in site/: run "
                "`make changelog SINCE=REV` (REV: the previous release's commit) and paste its output here.\n"
            )
        section = f"## {new} ({date})\n\n{TODO}\n\n{data}\n"
        first = re.search(r"^## ", text, re.M)  # the newest version comes first
        text = (
            text[: first.start()] + section + text[first.start() :]
            if first
            else text.rstrip("\n") + "\n\n" + section
        )
        changelog.write_text(text, encoding="utf-8")
        done.append(f"CHANGELOG.md: new section '## {new} ({date})' (fill in its TODO)")
    return done


# --------------------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in ("release", "changelog", "bump", "-h", "--help"):
        argv.insert(0, "release")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", type=Path, default=Path("."), help="the book's folder")
    common.add_argument("--site", type=Path, default=None, help="the site (default ROOT/site)")
    parser = argparse.ArgumentParser(prog="python -m booktools.release", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    rel = commands.add_parser(
        "release", parents=[common], help="build and publish the current version (the default)"
    )
    rel.add_argument("--work", type=Path, default=None, help="work folders (default ROOT/_build/release)")
    rel.add_argument(
        "--edition",
        action="append",
        choices=sorted(build.EDITIONS),
        help="only these editions (default: all; the reader edition is always built)",
    )
    log = commands.add_parser("changelog", parents=[common], help="print the 'Data changes' section")
    log.add_argument(
        "--since", default=None, help="git revision to compare with (default: the last release in the site)"
    )
    log.add_argument("--until", default=None, help="git revision (default: the working tree)")
    log.add_argument("--write", action="store_true", help="also put it into CHANGELOG.md")
    bmp = commands.add_parser("bump", parents=[common], help="set a new version")
    bmp.add_argument("version")

    args = parser.parse_args(argv)
    root = args.root.resolve()
    site = (args.site or root / "site").resolve()
    if args.command == "release":
        editions = sorted(set(args.edition or build.EDITIONS) | {"reader"})
        return release(root, site, args.work, editions)
    if args.command == "changelog":
        try:
            section = changelog_section(root, site, args.since, args.until)
        except LookupError as err:
            print(err, file=sys.stderr)
            return 1
        print(section, end="")
        if args.write:
            write_data_changes(root / "CHANGELOG.md", read_version(root), section)
            print(f"(written into CHANGELOG.md under '## {read_version(root)}')", file=sys.stderr)
        return 0
    for line in bump(root, args.version, site):
        print(line)
    print("Next: fill in CHANGELOG.md, commit, then `make release`.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
