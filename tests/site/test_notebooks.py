"""Execute every notebook in _toc.yml and compare its glued values with the golden snapshot.

The snapshot (tests/golden/<chapter>.json, key -> text) makes every change of a
number in the prose show up as a readable diff; after a deliberate data change,
review the diff and re-record with `make golden`.
"""
from __future__ import annotations

import difflib
import json

import jupytext
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from book import ROOT, glued_values, notebook_docnames, strip_ansi

GOLDEN = ROOT / "tests" / "golden"


def execute(docname: str):
    path = ROOT / f"{docname}.md"
    nb = jupytext.read(path)
    client = NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except CellExecutionError as err:
        pytest.fail(f"{docname}.md raised while executing:\n{strip_ansi(str(err))}", pytrace=False)
    return nb


def golden_diff(old: dict, new: dict) -> list[str]:
    lines = []
    for key in sorted(old.keys() | new.keys()):
        if key not in new:
            lines.append(f"  - {key}: {old[key]!r} (no longer glued)")
        elif key not in old:
            lines.append(f"  + {key}: {new[key]!r} (new)")
        elif old[key] != new[key] and "\n" in old[key] + new[key]:
            changed = difflib.unified_diff(old[key].splitlines(), new[key].splitlines(),
                                           lineterm="", n=0)
            lines.append(f"  ~ {key} (lines that changed):")
            lines.extend("      " + line for line in list(changed)[2:])
        elif old[key] != new[key]:
            lines.append(f"  ~ {key}: {old[key]!r} -> {new[key]!r}")
    return lines


@pytest.mark.parametrize("docname", notebook_docnames())
def test_notebook_executes_and_matches_golden(docname, request):
    nb = execute(docname)
    values = glued_values(nb)
    golden = GOLDEN / f"{docname.split('/')[-1]}.json"
    if request.config.getoption("--update-golden"):
        golden.write_text(json.dumps(values, indent=1, ensure_ascii=False, sort_keys=True) + "\n",
                          encoding="utf-8")
        return
    if not golden.exists():
        pytest.fail(f"{golden.relative_to(ROOT)} is missing: review the values, then run `make golden`",
                    pytrace=False)
    diff = golden_diff(json.loads(golden.read_text(encoding="utf-8")), values)
    if diff:
        pytest.fail(f"glued values of {docname}.md differ from {golden.relative_to(ROOT)}:\n"
                    + "\n".join(diff)
                    + "\nIf the change is deliberate, review it and run `make golden`.", pytrace=False)
