"""One pydantic validation error in words a user can act on: "'field' what was expected, what was found".

Used where a user's rows or cases are validated one by one (term lists, functional cases) and by the model
directory's checks; dataset cards have their own, richer reporting (model.card_problems).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def field_problem(err: Any, keys: Iterable[str] | None = None) -> str:
    """One entry of `ValidationError.errors()`; `keys`, when given, are named as the ones expected instead of an
    unknown key."""
    loc = ".".join(str(p) for p in err["loc"] if p != "[key]")
    kind = err["type"]
    if kind == "value_error":
        msg = str(err["ctx"]["error"])
    elif kind == "extra_forbidden":
        return f"unknown keys [{loc!r}]" + (f"; expected some of {sorted(keys)}" if keys is not None else "")
    elif kind == "missing":
        msg = "is missing"
    elif kind == "literal_error":
        msg = f"is {err['input']!r}; expected one of {err['ctx']['expected']}"
    elif kind == "model_type" and not loc:
        return f"expected a JSON object, found {type(err['input']).__name__}"
    else:
        msg = f"{err['msg'].lower()}, found {err['input']!r}"
    return f"'{loc}' {msg}" if loc else msg
