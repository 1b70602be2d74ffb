"""Kernels of a build read the tables the build validated without validating them again:
only a table exactly as validated (content, manifest, sources, validation code) is trusted."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from book import ROOT, copy_project

from valor import data


@pytest.fixture
def validated(tmp_path, monkeypatch):
    root = copy_project(tmp_path / "book")
    monkeypatch.setenv("VALOR_BOOK_ROOT", str(root))
    folder = tmp_path / "validated"
    assert data.validate_all(remember=folder) == []
    return root, folder


def test_the_build_notes_each_table_it_validated(validated):
    _, folder = validated
    assert len(list(folder.iterdir())) == len(data.table_names())


def test_a_kernel_reads_a_validated_table_as_validation_returns_it_without_pandera(validated):
    root, folder = validated
    code = (
        "import json, sys; from valor import data; "
        "frames = {n: (f.to_json(orient='split'), [str(d) for d in f.dtypes]) "
        "for n, f in ((n, data.load(n)) for n in data.table_names())}; "
        "print(json.dumps({'pandera': 'pandera' in sys.modules, 'frames': frames}))"
    )
    env = {"VALOR_BOOK_ROOT": str(root), data.VALIDATED_ENV: str(folder), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["pandera"] is False
    assert sorted(seen["frames"]) == sorted(data.table_names())
    for name, (values, dtypes) in seen["frames"].items():
        checked = data.load(name)  # validated here: no folder given
        assert values == checked.to_json(orient="split"), name
        assert dtypes == [str(d) for d in checked.dtypes], name


def test_a_table_changed_since_validation_is_validated_again(validated, monkeypatch):
    root, folder = validated
    monkeypatch.setenv(data.VALIDATED_ENV, str(folder))
    path = root / "data" / "enrolment.csv"
    path.write_text(path.read_text().replace("slower,placebo,15", "slower,placebo,-15"))
    with pytest.raises(data.DataError, match="must be ≥ 0"):
        data.load("enrolment")


def test_without_the_builds_folder_every_load_validates(validated, monkeypatch):
    root, folder = validated
    monkeypatch.delenv(data.VALIDATED_ENV, raising=False)
    (root / "references.bib").write_text("")  # every source key is now unknown
    with pytest.raises(data.DataError, match="source key not found"):
        data.load("enrolment")


def test_root_is_untouched():
    assert not (ROOT / "validated").exists()


def test_a_pack_trusts_the_notes_beside_its_data_only_for_tables_as_they_were(validated, monkeypatch):
    """A notebook pack ships the build's notes in data/.validated/ (booktools.pack): its
    kernels read the tables as shipped without pandera, and validate a table changed since."""
    from booktools import pack

    root, folder = validated
    beside = root / "data" / data.VALIDATED_BESIDE_DATA
    beside.mkdir()
    keys = pack.validated_keys(folder)
    assert len(keys) == len(data.table_names()) == len(set(keys))
    for key in keys:
        (beside / key).touch()
    code = "import sys; from valor import data; data.load('enrolment'); print('pandera' in sys.modules)"
    env = {"PATH": "/usr/bin:/bin"}  # no $VALOR_VALIDATED_TABLES: the pack's own notes
    run = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True)
    assert (run.returncode, run.stdout.strip()) == (0, "False"), run.stderr

    monkeypatch.delenv(data.VALIDATED_ENV, raising=False)
    path = root / "data" / "enrolment.csv"
    path.write_text(path.read_text().replace("slower,placebo,15", "slower,placebo,-15"))
    assert data.table_key("enrolment") not in pack.validated_keys(folder), "a changed table is not noted"
    with pytest.raises(data.DataError, match="must be ≥ 0"):
        data.load("enrolment")
