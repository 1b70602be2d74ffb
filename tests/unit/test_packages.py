"""The science (valor) and the machinery (booktools) stay apart: valor never imports booktools."""

import ast

from book import ROOT


def imported_packages(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0]


def test_science_never_imports_machinery():
    offenders = [
        str(p.relative_to(ROOT))
        for p in sorted((ROOT / "valor").rglob("*.py"))
        if "booktools" in set(imported_packages(p))
    ]
    assert not offenders, f"valor modules importing booktools: {offenders}"


def test_the_check_sees_an_import(tmp_path):
    sample = tmp_path / "m.py"
    sample.write_text("def f():\n    from booktools import build\n")
    assert "booktools" in set(imported_packages(sample))
