"""Every problem of a dataset card at once, as the card's author reads them.

pydantic reports every invalid key of a card in one ValidationError, but it skips a table's model validators (the
checks across keys, `Table._problems`) when one of that table's keys is invalid. `report_every_problem`, the card's
wrap validator, adds them: it rebuilds the card from the keys that are valid on their own (`salvage`; an invalid
key reads as INVALID) and runs every table's cross-key checks on that. `card_error` turns the errors into a
CardError (a DataError) whose problems each name the card file, the key, what was expected, what was found and
how to fix it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, NamedTuple, Self, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError, model_validator
from pydantic_core import ErrorDetails, InitErrorDetails, PydanticCustomError

from model.examples import DataError

README = "datasets/README.md ('Card keys')"
RULE = "card_rule"  # the pydantic error type of a broken card rule
NOTHING = "nothing (no such key)"


def rule(summary: str, expected: str, fix: str, found: str | None = None) -> PydanticCustomError:
    """A broken rule of the card schema (raise it in a validator). The value found is the error's input unless
    `found` says how to show it."""
    ctx = {"summary": summary, "expected": expected, "fix": fix}
    if found is not None:
        ctx["found"] = found
    return PydanticCustomError(RULE, "{summary}", ctx)


class Issue(NamedTuple):
    """A broken rule found across the keys of a table, at `loc` inside it."""

    loc: tuple[str | int, ...]
    summary: str
    expected: str
    found: Any
    fix: str
    found_text: str | None = None  # how to show `found` when not as its value (e.g. a missing key)

    def error(self, prefix: tuple[str | int, ...] = ()) -> InitErrorDetails:
        return InitErrorDetails(
            type=rule(self.summary, self.expected, self.fix, self.found_text), loc=prefix + self.loc, input=self.found
        )


def missing_key(key: str, expected: str, fix: str) -> Issue:
    return Issue((key,), f"missing key '{key}'", expected, None, fix, found_text=NOTHING)


class _Invalid:
    """A key of a salvaged table whose value is invalid (and reported): falsy, empty, never None."""

    def __bool__(self) -> bool:
        return False

    def __iter__(self) -> Iterator[Any]:
        return iter(())

    def __repr__(self) -> str:
        return "<invalid>"


INVALID: Any = _Invalid()


class Table(BaseModel):
    """A table of a card: its keys are exactly the fields (by alias); `_problems` checks keys against each other."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def _problems(self) -> Iterator[Issue]:
        """Rules across this table's keys. Also run on salvaged tables, where a key may be None (absent, no
        default) or INVALID (reported already): each check reads only values that are set and truthy."""
        return iter(())

    @model_validator(mode="after")
    def _check_keys_together(self) -> Self:
        issues = list(self._problems())
        if issues:
            raise ValidationError.from_exception_data(type(self).__name__, [i.error() for i in issues])
        return self


# ---------------------------------------------------------------------------------------------------------
# The valid rest of an invalid card
# ---------------------------------------------------------------------------------------------------------
def _bare(annotation: Any) -> Any:
    """`annotation` without Annotated metadata and without `| None`."""
    while True:
        if get_origin(annotation) is Annotated:
            annotation = get_args(annotation)[0]
        elif get_origin(annotation) in (Union, UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def _salvage_value(annotation: Any, value: Any) -> Any:
    """`value` validated as `annotation`; when invalid, its valid parts (tables, lists and tables of tables),
    else INVALID."""
    try:
        return TypeAdapter(annotation).validate_python(value)
    except ValidationError:
        pass
    bare = _bare(annotation)
    if isinstance(bare, type) and issubclass(bare, Table):
        return salvage(bare, value)
    args = get_args(bare)
    if get_origin(bare) is tuple and len(args) == 2 and args[1] is Ellipsis and isinstance(value, list):
        return tuple(_salvage_value(args[0], v) for v in value)
    if get_origin(bare) is dict and isinstance(value, dict):
        return {k: _salvage_value(args[1], v) for k, v in value.items()}
    return INVALID


def salvage(cls: type[Table], data: Any) -> Any:
    """A `cls` built without validation from the keys of `data` that are valid on their own."""
    if not isinstance(data, dict):
        return INVALID
    values: dict[str, Any] = {}
    for name, field in cls.model_fields.items():
        key = field.alias or name
        if key in data:
            values[name] = _salvage_value(field.rebuild_annotation(), data[key])
        else:
            values[name] = None if field.is_required() else field.get_default(call_default_factory=True)
    return cls.model_construct(**values)


def _issues_in(value: Any, loc: tuple[str | int, ...]) -> Iterator[InitErrorDetails]:
    """The cross-key problems of every table in a salvaged card, located in the card."""
    if isinstance(value, Table):
        for issue in value._problems():
            yield issue.error(loc)
        for name, field in type(value).model_fields.items():
            yield from _issues_in(getattr(value, name, None), loc + (field.alias or name,))
    elif isinstance(value, tuple):
        for i, v in enumerate(value):
            yield from _issues_in(v, loc + (i,))
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _issues_in(v, loc + (k,))


def _reraisable(err: ErrorDetails) -> InitErrorDetails:
    """An error of a ValidationError, as ValidationError.from_exception_data takes it."""
    ctx = err.get("ctx")
    if err["type"] == RULE:
        return InitErrorDetails(type=PydanticCustomError(RULE, "{summary}", ctx), loc=err["loc"], input=err["input"])
    out = InitErrorDetails(type=err["type"], loc=err["loc"], input=err["input"])
    if ctx is not None:
        out["ctx"] = ctx
    return out


def _identity(err: InitErrorDetails) -> tuple[Any, ...]:
    kind = err["type"]
    if isinstance(kind, PydanticCustomError):
        return (tuple(err["loc"]), kind.type, (kind.context or {}).get("summary"))
    return (tuple(err["loc"]), kind, None)


def report_every_problem(cls: type[Table], data: Any, handler: Callable[[Any], Any]) -> Any:
    """The body of a card's wrap validator: on invalid keys, add the cross-key problems of the valid rest."""
    try:
        return handler(data)
    except ValidationError as e:
        errors = [_reraisable(err) for err in e.errors()]
        seen = {_identity(err) for err in errors}
        for err in _issues_in(salvage(cls, data), ()):
            if _identity(err) not in seen:
                seen.add(_identity(err))
                errors.append(err)
        raise ValidationError.from_exception_data(cls.__name__, errors) from None


# ---------------------------------------------------------------------------------------------------------
# Problems as the card's author reads them
# ---------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CardProblem:
    """One problem of a card: where (the card file and the key), what was expected, what was found, the fix."""

    card: Path
    field: str  # e.g. "files[1].format.columns[2] (data/x.csv)": list entries counted from 1
    summary: str  # the rule that is broken, when it says more than `expected`
    expected: str
    found: str
    fix: str

    def __str__(self) -> str:
        what = f"{self.summary}: " if self.summary else ""
        return f"{self.card.name}: {self.field}: {what}expected {self.expected}, found {self.found}. Fix: {self.fix}"


class CardError(DataError):
    """An invalid dataset card; `problems` lists every problem found."""

    def __init__(self, card: Path, problems: list[CardProblem]) -> None:
        self.problems = tuple(problems)
        listed = "\n  - ".join(str(p) for p in problems)
        super().__init__(
            f"invalid dataset card ({len(problems)} problem(s)):\n  - {listed}\nEvery key is described in {README}",
            file=card,
        )
        self.fix = "correct each problem listed"


_EXPECTED_TYPE = {
    "string_type": "a string (in quotes)",
    "int_type": "an integer",
    "bool_type": "true or false",
    "float_type": "a number",
    "dict_type": "a table",
    "model_type": "a table",
    "model_attributes_type": "a table",
    "list_type": "a list",
    "tuple_type": "a list",
}


def _found(value: Any) -> str:
    """A value as TOML writes it (short)."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, dict):
        text = f"a table with keys {list(value)}" if value else "an empty table"
    else:
        text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


def _field(loc: tuple[str | int, ...], raw: dict[str, Any]) -> str:
    """`loc` as a dotted key path, list entries counted from 1; a [[files]] entry also names its file."""
    parts: list[str] = []
    for part in loc:
        if part != "[key]":
            parts.append(f"[{part + 1}]" if isinstance(part, int) else f".{part}" if parts else str(part))
    text = "".join(parts) or "(top level)"
    files = raw.get("files")
    entry = (
        files[loc[1]]
        if (
            len(loc) > 1
            and loc[0] == "files"
            and isinstance(files, list)
            and isinstance(loc[1], int)
            and loc[1] < len(files)
        )
        else None
    )
    if isinstance(entry, dict) and isinstance(entry.get("path"), str):
        text += f" ({entry['path']})"
    return text


def _table_keys(root: type[Table], loc: tuple[str | int, ...]) -> list[str]:
    """The keys the table at `loc` may hold."""
    cls: Any = root
    skip = False  # the next part is an entry of a list or a table of tables
    for part in loc:
        if skip or isinstance(part, int):
            skip = False
            continue
        fields = {f.alias or n: f for n, f in cls.model_fields.items()}
        if part not in fields:
            return []
        ann = _bare(fields[part].annotation)
        if get_origin(ann) in (tuple, dict):
            ann, skip = _bare(get_args(ann)[-1 if get_origin(ann) is dict else 0]), True
        if not (isinstance(ann, type) and issubclass(ann, Table)):
            return []
        cls = ann
    return [f.alias or n for n, f in cls.model_fields.items()]


def _problem(card: Path, root: type[Table], err: ErrorDetails, raw: dict[str, Any]) -> CardProblem:
    loc, kind, ctx = tuple(err["loc"]), err["type"], err.get("ctx") or {}
    key = str(next((p for p in reversed(loc) if p != "[key]" and not isinstance(p, int)), "the key"))
    field = _field(loc, raw)
    found = _found(err["input"])
    if kind == RULE:
        return CardProblem(card, field, ctx["summary"], ctx["expected"], ctx.get("found", found), ctx["fix"])
    if kind == "missing":
        return CardProblem(
            card, field, f"missing key '{key}'", f"a value for {key} (required)", NOTHING, f"add {key} (see {README})"
        )
    if kind == "extra_forbidden":
        return CardProblem(
            card,
            field,
            f"unknown key '{key}'",
            f"one of the keys {_table_keys(root, loc[:-1])}",
            found,
            "remove it, or correct its spelling",
        )
    if kind == "literal_error":
        return CardProblem(card, field, "", f"one of {ctx.get('expected')}", found, "use one of these values")
    expected = _EXPECTED_TYPE.get(kind) or err["msg"].removeprefix("Input should be ")
    return CardProblem(card, field, "", expected, found, f"write {key} as {expected}")


def _position(loc: tuple[str | int, ...], raw: Any) -> tuple[int, ...]:
    """Where `loc` is in the card, in the order of its TOML (keys it lacks come last)."""
    out = []
    for part in loc:
        keys = list(raw) if isinstance(raw, dict) else []
        if isinstance(part, int):
            out.append(part)
            raw = raw[part] if isinstance(raw, list) and part < len(raw) else None
        else:
            out.append(keys.index(part) if part in keys else len(keys))
            raw = raw.get(part) if isinstance(raw, dict) else None
    return tuple(out)


def card_error(card: Path, root: type[Table], error: ValidationError, raw: dict[str, Any]) -> CardError:
    """The CardError of a card file whose TOML `raw` did not validate as `root`: its problems in the card's order."""
    errors = sorted(error.errors(), key=lambda err: _position(tuple(err["loc"]), raw))
    return CardError(card, [_problem(card, root, err, raw) for err in errors])
