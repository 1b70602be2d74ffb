"""Load and validate the book's data tables.

Every table is a tidy CSV in ``data/`` described in ``data/manifest.yml``:
its columns (type, unit, allowed values or range), its unique key, its
table-level rules, and for every row the source key (in ``references.bib``),
where in that source the value stands, and a confidence.

``load("enrolment")`` returns a validated DataFrame. Anything wrong with a file
raises :class:`DataError`, whose message names the file, the line, the column
and the rule broken. ``python -m valor.data`` validates every table.

A book build validates every table once, before any notebook runs, and gives its
kernels the folder where it noted what it validated (``$VALOR_VALIDATED_TABLES``):
a table whose content, manifest entry, sources and validation code are exactly as
validated is then read without validating it again (nor importing pandera). A notebook
pack carries the same notes beside its data (``data/.validated/``, written by
``booktools.pack``), so a student's kernels skip validating the tables as shipped and
validate any table the student changes.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import os
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import yaml

from valor import paths, reads

if TYPE_CHECKING:
    import pandera.pandas as pa

PROVENANCE_COLUMNS = ("source_key", "source_location", "confidence")
CONFIDENCE_LEVELS = ("high", "medium", "low")
TYPES = {"str": "string", "int": "Int64", "float": "Float64"}
MAX_REPORTED = 8
VALIDATED_ENV = "VALOR_VALIDATED_TABLES"  # set by the book build for its kernels
VALIDATED_BESIDE_DATA = ".validated"  # in a notebook pack's data/: the build's notes


class DataError(Exception):
    """A data file breaks a rule; the message says which file, line, column and rule."""


@dataclass(frozen=True)
class Problem:
    file: str
    rule: str
    line: int | None = None
    column: str | None = None
    value: object = None

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"line {self.line} (data row {self.line - 1})")
        if self.column and "," in self.column:
            where.append(f"columns {self.column}")
        elif self.column:
            where.append(f"column '{self.column}'")
        text = ", ".join(where) + f": {self.rule}"
        if self.value is not None:
            text += f" (found {self.value!r})"
        return text


def _raise(problems: list[Problem]) -> None:
    shown = [str(p) for p in problems[:MAX_REPORTED]]
    if len(problems) > MAX_REPORTED:
        shown.append(f"... and {len(problems) - MAX_REPORTED} more problems in {problems[0].file}")
    raise DataError("\n".join(shown))


# -- manifest and sources -------------------------------------------------------


def manifest_path() -> Path:
    return paths.data_dir() / "manifest.yml"


# libyaml's parser when PyYAML has it: the manifest parses about 10 times faster.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_manifest() -> dict:
    """The manifest, the caller's own copy to change."""
    return copy.deepcopy(_shared_manifest())


def _shared_manifest() -> dict:
    """The manifest as parsed once per version of the file: read, never changed."""
    path = manifest_path()
    _record_read(path)
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise DataError(f"{_rel(path)}: file not found") from None
    return _parse_manifest(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _parse_manifest(path: str, _mtime_ns: int, _size: int) -> dict:
    try:
        manifest = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except FileNotFoundError:
        raise DataError(f"{_rel(Path(path))}: file not found") from None
    except yaml.YAMLError as err:
        raise DataError(f"{_rel(Path(path))}: not valid YAML: {err}") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("tables"), dict):
        raise DataError(f"{_rel(Path(path))}: needs a top-level 'tables:' mapping")
    return manifest


def table_names() -> list[str]:
    return list(_shared_manifest()["tables"])


def table_spec(name: str) -> dict:
    """One table's manifest entry, the caller's own copy (copying the whole manifest
    for each table read took half of a load's time)."""
    tables = _shared_manifest()["tables"]
    if name not in tables:
        raise DataError(f"{_rel(manifest_path())}: no table named '{name}' (tables: {', '.join(tables)})")
    return copy.deepcopy(tables[name])


def bib_keys(bib_path: Path | None = None) -> set[str]:
    """The citation keys defined in ``references.bib``."""
    bib_path = bib_path or paths.book_root() / "references.bib"
    return _bib_keys(str(bib_path), bib_path.stat().st_mtime_ns if bib_path.exists() else 0)


@lru_cache(maxsize=4)
def _bib_keys(path: str, _mtime: int) -> set[str]:
    text = Path(path).read_text(encoding="utf-8") if Path(path).exists() else ""
    return set(re.findall(r"^\s*@\w+\s*\{\s*([^,\s]+)\s*,", text, flags=re.M))


# -- reading --------------------------------------------------------------------


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(paths.book_root()))
    except ValueError:
        return str(path)


def _record_read(path: Path) -> None:
    """Tell the book build which files this notebook read (see _ext/valor_deps.py)."""
    reads.record(str(Path(path).resolve()))


def _read_text(path: Path, rel: str) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"{rel}: file not found (it is listed in data/manifest.yml)") from None
    if not raw.strip():
        raise DataError(
            f"{rel}: the file is empty; it needs a header line naming the columns and at least one data row"
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise DataError(
            f"{rel}, line {line}: not valid UTF-8 (byte 0x{raw[err.start]:02x}); save the file as UTF-8"
        ) from None


def _parse_csv(text: str, rel: str) -> pd.DataFrame:
    try:
        return pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""], skipinitialspace=True
        )
    except pd.errors.ParserError as err:
        raise DataError(f"{rel}: not a well-formed CSV: {err}") from None


def _check_header(frame: pd.DataFrame, spec: dict, rel: str) -> None:
    expected = list(spec["columns"]) + list(PROVENANCE_COLUMNS)
    found = list(frame.columns)
    missing = [c for c in expected if c not in found]
    extra = [c for c in found if c not in expected]
    problems = []
    if missing:
        problems.append(f"missing column(s) {', '.join(missing)}")
    if extra:
        problems.append(f"column(s) {', '.join(extra)} not described in data/manifest.yml")
    if problems:
        raise DataError(f"{rel}, line 1 (header): " + "; ".join(problems))
    if frame.empty:
        raise DataError(f"{rel}: has a header but no data rows")


def _coerce(frame: pd.DataFrame, spec: dict, rel: str) -> pd.DataFrame:
    """Convert columns to their declared types, reporting every cell that fails."""
    problems = []
    out = frame.copy()
    for column, col_spec in spec["columns"].items():
        kind = col_spec.get("type", "str")
        if kind not in TYPES:
            raise DataError(
                f"data/manifest.yml: table column '{column}' has unknown type "
                f"'{kind}' (use one of {', '.join(TYPES)})"
            )
        if kind == "str":
            out[column] = frame[column].astype("string").str.strip()
            continue
        numbers = pd.to_numeric(frame[column], errors="coerce")
        bad = numbers.isna() & frame[column].notna()
        for idx in frame.index[bad]:
            problems.append(
                Problem(rel, f"expected a number ({kind})", idx + 2, column, frame.at[idx, column])
            )
        if kind == "int":
            fractional = numbers.notna() & (numbers != numbers.round())
            for idx in frame.index[fractional]:
                problems.append(
                    Problem(rel, "expected a whole number", idx + 2, column, frame.at[idx, column])
                )
            numbers = numbers.where(~fractional)
        out[column] = numbers.astype(TYPES[kind])
    for column in PROVENANCE_COLUMNS:
        out[column] = frame[column].astype("string").str.strip()
    if problems:
        _raise(problems)
    return out


# -- validation -----------------------------------------------------------------


def schema(name: str, spec: dict | None = None) -> pa.DataFrameSchema:
    """The pandera schema of a table, built from its manifest entry."""
    import pandera.pandas as pa

    from valor import rules

    spec = spec or table_spec(name)
    columns = {}
    for column, col_spec in spec["columns"].items():
        checks = []
        if "min" in col_spec:
            checks.append(pa.Check.ge(col_spec["min"], error=f"must be ≥ {col_spec['min']}"))
        if "max" in col_spec:
            checks.append(pa.Check.le(col_spec["max"], error=f"must be ≤ {col_spec['max']}"))
        if "allowed" in col_spec:
            allowed = list(col_spec["allowed"])
            checks.append(pa.Check.isin(allowed, error="must be one of " + ", ".join(map(str, allowed))))
        columns[column] = pa.Column(
            TYPES[col_spec.get("type", "str")], checks, nullable=bool(col_spec.get("nullable", False))
        )
    keys = sorted(bib_keys())
    columns["source_key"] = pa.Column(
        "string", pa.Check.isin(keys, error="source key not found in references.bib")
    )
    columns["source_location"] = pa.Column(
        "string", pa.Check.str_length(min_value=3, error="must say where in the source the value stands")
    )
    columns["confidence"] = pa.Column(
        "string",
        pa.Check.isin(list(CONFIDENCE_LEVELS), error="must be one of " + ", ".join(CONFIDENCE_LEVELS)),
    )
    table_checks = [rules.check(rule) for rule in spec.get("rules", [])]
    return pa.DataFrameSchema(columns, checks=table_checks, strict=True, unique=spec.get("unique"), name=name)


def _problems_from(err: pa.errors.SchemaErrors, frame: pd.DataFrame, spec: dict, rel: str) -> list[Problem]:
    from valor import rules

    problems = []
    unique = spec.get("unique") or []
    seen_duplicates, seen_rules = set(), set()
    for case in err.failure_cases.itertuples(index=False):
        index = None if pd.isna(case.index) else int(case.index)
        line = None if index is None else index + 2
        check = str(case.check)
        column = None if pd.isna(case.column) else str(case.column)
        if check in rules.RULES:
            if (index, check) in seen_rules:
                continue
            seen_rules.add((index, check))
            problems.append(
                Problem(
                    rel,
                    f"rule '{check}' broken: {rules.describe(check)}",
                    line,
                    ", ".join(rules.columns(check)),
                )
            )
        elif "uniqueness" in check:
            if index in seen_duplicates:
                continue
            seen_duplicates.add(index)
            key = ", ".join(f"{c}={frame.at[index, c]}" for c in unique)
            problems.append(
                Problem(
                    rel,
                    f"duplicate key ({key}); the columns {', '.join(unique)} must be unique together",
                    line,
                )
            )
        elif check == "not_nullable":
            problems.append(Problem(rel, "a value is required here", line, column))
        else:
            value = case.failure_case
            problems.append(
                Problem(rel, check, line, column, value.item() if hasattr(value, "item") else value)
            )
    return sorted(problems, key=lambda p: (p.line or 0, p.column or ""))


def validation_key(spec: dict, text: str) -> str:
    """What a table's validation depends on: its text, its manifest entry, the
    source keys, and the code that validates (this module and ``valor.rules``)."""
    digest = hashlib.sha256(text.encode("utf-8"))
    digest.update(json.dumps(spec, sort_keys=True, default=str).encode())
    digest.update("\n".join(sorted(bib_keys())).encode())
    for code in (Path(__file__), Path(__file__).with_name("rules.py")):
        digest.update(code.read_bytes() if code.exists() else b"")
    return digest.hexdigest()


def _validated_before(key: str) -> bool:
    folders = (os.environ.get(VALIDATED_ENV), paths.data_dir() / VALIDATED_BESIDE_DATA)
    return any(folder and (Path(folder) / key).is_file() for folder in folders)


def table_key(name: str) -> str:
    """The validation key of table ``name`` as its file stands now (nothing validated)."""
    spec = table_spec(name)
    path = paths.data_dir() / spec["file"]
    return validation_key(spec, _read_text(path, _rel(path)))


def load(name: str) -> pd.DataFrame:
    """Read, validate and return the table ``name`` from ``data/``."""
    return _load(name)[0]


def _load(name: str) -> tuple[pd.DataFrame, str]:
    """The table and its validation key."""
    spec = table_spec(name)
    path = paths.data_dir() / spec["file"]
    rel = _rel(path)
    _record_read(path)
    text = _read_text(path, rel)
    frame = _parse_csv(text, rel)
    _check_header(frame, spec, rel)
    typed = _coerce(frame, spec, rel)[list(frame.columns)]
    key = validation_key(spec, text)
    if _validated_before(key):
        return typed, key
    import pandera.pandas as pa  # ~0.4 s to import: only when validating

    try:
        return schema(name, spec).validate(typed, lazy=True), key
    except pa.errors.SchemaErrors as err:
        problems = _problems_from(err, frame, spec, rel)
        _raise(problems or [Problem(rel, str(err))])
    except pa.errors.SchemaError as err:
        _raise([Problem(rel, str(err))])


def validate_all(remember: Path | None = None) -> list[str]:
    """Validate every table in the manifest and check the data folder against it.

    Returns a list of error messages (empty when all is well). With ``remember``
    (a folder), note there each table validated, by its validation key, for
    kernels given that folder in ``$VALOR_VALIDATED_TABLES``.
    """
    errors = []
    try:
        tables = read_manifest()["tables"]
    except DataError as err:
        return [str(err)]
    listed, keys = set(), []
    for name, spec in tables.items():
        listed.add(spec.get("file"))
        try:
            keys.append(_load(name)[1])
        except DataError as err:
            errors.append(str(err))
    if remember is not None and not errors:
        remember.mkdir(parents=True, exist_ok=True)
        for key in keys:
            (remember / key).touch()
    for csv in sorted(paths.data_dir().glob("*.csv")):
        if csv.name not in listed:
            errors.append(
                f"{_rel(csv)}: not listed in data/manifest.yml; describe it there "
                "(title, columns with units, sources) or remove it"
            )
    return errors


def main(argv: list[str] | None = None) -> int:
    errors = validate_all()
    if errors:
        print(f"Data validation failed ({len(errors)} file(s) with problems):", file=sys.stderr)
        for error in errors:
            print("  " + error.replace("\n", "\n  "), file=sys.stderr)
        return 1
    print(f"Data OK: {len(table_names())} tables in {_rel(paths.data_dir())}/ validated.")
    return 0


if __name__ == "__main__":
    sys.exit(main())


# -- row look-ups ---------------------------------------------------------------
# The one place chapters and analyses pick single rows and values out of a
# validated table (a frame returned by :func:`load`).


def row(frame: pd.DataFrame, **where) -> pd.Series:
    """The one row of ``frame`` whose columns equal ``where`` (``column=value`` pairs).

    Raises :class:`KeyError` naming the condition when no row or several rows match.
    """
    # positions rather than a filtered copy of the frame: 0.3 ms a look-up, not 1.2 ms
    # (a build's kernels look up about 1,100 rows)
    mask = np.ones(len(frame), dtype=bool)
    for column, wanted in where.items():
        mask &= (frame[column] == wanted).to_numpy(dtype=bool, na_value=False)
    found = np.flatnonzero(mask)
    if len(found) != 1:
        raise KeyError(f"expected one row with {where}, found {len(found)}")
    return frame.iloc[found[0]]


def value(frame: pd.DataFrame, column: str, **where):
    """The value of ``column`` in the one row matching ``where``."""
    return row(frame, **where)[column]


def parameter(frame: pd.DataFrame, name: str) -> float:
    """One number from a parameter table (``design``, ``background_facts``, ...)."""
    try:
        return float(value(frame, "value", parameter=name))
    except KeyError:
        raise KeyError(f"no parameter '{name}' in the table") from None
