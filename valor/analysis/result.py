"""What every analysis returns: a frozen record of plain numbers that prints readably."""

from __future__ import annotations

import dataclasses
import numbers
from dataclasses import dataclass, fields


def _shown(value) -> str:
    if isinstance(value, Result):
        return type(value).__name__ + "(...)"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        inner = ", ".join(f"{f.name}={_shown(getattr(value, f.name))}" for f in fields(value))
        return f"{type(value).__name__}({inner})"
    if isinstance(value, bool) or isinstance(value, str):
        return repr(value) if isinstance(value, str) else str(value)
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    if isinstance(value, numbers.Real):
        return f"{float(value):.4g}"
    if hasattr(value, "columns"):
        return f"<table: {value.shape[0]} rows x {value.shape[1]} columns>"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_shown(v)}" for k, v in value.items()) + "}"
    if isinstance(value, tuple | list):
        return "(" + ", ".join(_shown(v) for v in value) + ")"
    return repr(value)


@dataclass(frozen=True, repr=False)
class Result:
    """Base of every analysis result: one field per number, printed one per line."""

    def __repr__(self) -> str:
        rows = [(f.name, _shown(getattr(self, f.name))) for f in fields(self) if f.repr]
        width = max((len(name) for name, _ in rows), default=0)
        return "\n".join([type(self).__name__] + [f"  {name:<{width}}  {text}" for name, text in rows])

    def texts(self) -> dict[str, str]:
        """The numbers as the prose shows them: pre-formatted strings for glue."""
        raise NotImplementedError(f"{type(self).__name__} has no prose numbers")
