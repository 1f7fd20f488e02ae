"""The dataset-card schema (model.cards): every problem of a card reported at once, each with the card file, the
key, what was expected, what was found and how to fix it. The cards here are written for the tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from model.card_problems import CardError, CardProblem
from model.cards import Card, load_cards, parse_card
from model.examples import DataError
from model.paths import PROJECT_ROOT
from tests.model.catalogue_fixtures import card_toml

GOOD_SHA = "b" * 64
MAPPING = '[mapping.slander]\ncolumns = ["y"]\nreason = "test"\n'


def examples_file(**changes: object) -> dict[str, object]:
    f: dict[str, object] = {
        "path": "x.csv",
        "sha256": GOOD_SHA,
        "role": "examples",
        "encoding": "utf-8",
        "text_column": "t",
        "format": {"type": "csv", "columns": ["t", "y", "g"]},
    }
    f.update(changes)
    return {k: v for k, v in f.items() if v is not None}


def write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path) -> CardError:
    with pytest.raises(CardError) as err:
        parse_card(path)
    assert isinstance(err.value, DataError)  # what callers catch
    return err.value


def problems(path: Path) -> dict[str, CardProblem]:
    """The problems of an invalid card, by field."""
    listed = error_of(path).problems
    found = {p.field: p for p in listed}
    assert len(found) == len(listed), "one problem per field here"
    return found


def test_a_valid_card_parses_into_the_values_callers_use(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "ok",
        card_toml(
            "ok", [examples_file(rows=3)], MAPPING, '[weak_labels.hoax]\nvalue = 0\nweight = 0.2\nreason = "test"\n'
        ),
    )
    card = parse_card(path)
    assert card.path == path and card.repository == "example/test-data" and card.commit == "a" * 40
    assert not card.local and card.citation == "none" and card.licence.commercial_use is True
    f = card.files[0]
    assert (f.format, f.columns, f.separator, f.header, f.sheet, f.rows) == ("csv", ("t", "y", "g"), ",", True, 0, 3)
    rules = [(r.target, r.columns, r.positive, r.negative) for r in card.mapping]
    assert rules == [("slander", ("y",), ("1",), ("0",))]
    assert [(w.target, w.value, w.weight) for w in card.weak] == [("hoax", 0, 0.2)]
    assert card.labels == ("slander",) and card.purpose == "training" and card.grouping is None


def test_problems_from_every_section_are_listed_together_with_file_key_expected_found_fix(tmp_path: Path) -> None:
    text = (
        card_toml(
            "many",
            [examples_file(sha256="abc", rows="3")],
            '[mapping.slander]\ncolumns = ["zz"]\nreason = "test"\n[mapping.hoaxes]\ncolumns = ["y"]\nreason = "t"\n',
        )
        .replace("commercial_use = true", 'commercial_use = "yes"')
        .replace("[source]", 'purpose = "train"\n[source]')
    )
    path = write(tmp_path, "many", text)
    found = problems(path)
    assert set(found) == {
        "licence.commercial_use",
        "files[1].sha256 (x.csv)",
        "files[1].rows (x.csv)",
        "mapping.slander.columns[1]",
        "mapping.hoaxes",
        "purpose",
    }
    sha = found["files[1].sha256 (x.csv)"]
    assert sha.card == path and "64 lower-case hex digits" in sha.expected and sha.found == "'abc'"
    assert "sha256sum" in sha.fix
    rows = found["files[1].rows (x.csv)"]
    assert (rows.expected, rows.found) == ("an integer", "'3'")
    lic = found["licence.commercial_use"]
    assert (lic.expected, lic.found) == ("true or false", "'yes'")
    # a check across sections (mapping <- files), reported although the same file has invalid keys
    col = found["mapping.slander.columns[1]"]
    assert col.found == "'zz'" and "['t', 'y', 'g']" in col.expected and "format.columns" in col.fix
    assert "unknown label 'hoaxes'" in found["mapping.hoaxes"].summary
    assert "'hoax'" in found["mapping.hoaxes"].expected
    assert found["purpose"].expected == "one of 'training' or 'evaluation'" and found["purpose"].found == "'train'"
    # the message: the card, then one line per problem in the card's order, each naming the card file
    msg = str(error_of(path))
    lines = [ln for ln in msg.splitlines() if ln.startswith("  - ")]
    assert msg.startswith(f"{path}: invalid dataset card (6 problem(s))")
    assert len(lines) == 6 and all(ln.startswith("  - many.toml: ") for ln in lines)
    assert [ln.split(": ")[1] for ln in lines] == [
        "purpose",
        "licence.commercial_use",
        "files[1].sha256 (x.csv)",
        "files[1].rows (x.csv)",
        "mapping.slander.columns[1]",
        "mapping.hoaxes",
    ]
    assert all(", found " in ln and ". Fix: " in ln and "expected " in ln for ln in lines)


def test_unknown_and_missing_keys_name_the_allowed_keys(tmp_path: Path) -> None:
    f = examples_file(sha256=None)
    f["sha265"] = GOOD_SHA  # a typo: the key is unknown and sha256 is missing
    f["format"] = {"type": "csv", "columns": ["t", "y"], "seperator": ";"}
    found = problems(write(tmp_path, "typo", card_toml("typo", [f], MAPPING).replace('title = "test card"\n', "")))
    assert set(found) == {
        "title",
        "files[1].sha256 (x.csv)",
        "files[1].sha265 (x.csv)",
        "files[1].format.seperator (x.csv)",
    }
    assert found["title"].summary == "missing key 'title'" and found["title"].found == "nothing (no such key)"
    typo = found["files[1].sha265 (x.csv)"]
    assert typo.summary == "unknown key 'sha265'" and "'sha256'" in typo.expected and "spelling" in typo.fix
    assert "'separator'" in found["files[1].format.seperator (x.csv)"].expected


def test_checks_across_keys_of_one_table(tmp_path: Path) -> None:
    f = examples_file(
        encoding=None,
        text_column=None,
        original_split="train",
        original_split_column="g",
        meta_columns=["split", "nope"],
        group_column="g",
        format={"type": "text", "columns": ["t", "g"]},
    )
    text = card_toml(
        "cross",
        [f],
        "",
        '[groups]\nmethod = "keywords"\nfallback = "rows"\n'
        '[[groups.topics]]\nid = "a"\nname = "a"\nkeywords = ["Lele"]\n',
    )
    text = text.replace("[source]\n", "[source]\nlocal = true\n")
    found = problems(write(tmp_path, "cross", text))
    assert set(found) == {
        "source.repository",
        "source.commit",
        "files[1].encoding (x.csv)",
        "files[1].format.type (x.csv)",
        "files[1].text_column (x.csv)",
        "files[1].original_split_column (x.csv)",
        "files[1].meta_columns[1] (x.csv)",
        "files[1].meta_columns[2] (x.csv)",
        "mapping",
        "groups",
        "groups.topics[1].rows",
    }
    assert "a local card (local = true) has no repository" in found["source.repository"].summary
    assert found["files[1].encoding (x.csv)"].summary == "missing key 'encoding'"
    assert "csv, xlsx or jsonl" in found["files[1].format.type (x.csv)"].summary
    assert "'split' would overwrite" in found["files[1].meta_columns[1] (x.csv)"].summary
    assert "'nope' is not among format.columns" in found["files[1].meta_columns[2] (x.csv)"].summary
    assert "no [mapping]" in found["mapping"].summary and found["mapping"].found == "no [mapping] table"
    assert "group_column" in found["groups"].summary


def test_an_invalid_key_is_not_also_reported_as_missing(tmp_path: Path) -> None:
    found = problems(write(tmp_path, "typed", card_toml("typed", [examples_file(text_column=3)], MAPPING)))
    assert list(found) == ["files[1].text_column (x.csv)"]
    assert found["files[1].text_column (x.csv)"].expected == "a string (in quotes)"


def test_the_schema_is_pydantic_and_needs_no_file() -> None:
    import tomllib

    raw = tomllib.loads(card_toml("elsewhere", [examples_file()], MAPPING))
    card = Card.model_validate(raw)  # no card file: no name check, no path
    assert card.name == "elsewhere" and card.path is None
    raw["weak_labels"] = {"nonsense": {"value": 1, "weight": 1.5, "reason": "x"}}
    with pytest.raises(ValidationError) as err:
        Card.model_validate(raw)
    locs = {e["loc"] for e in err.value.errors()}
    assert locs == {("weak_labels", "nonsense", "[key]"), ("weak_labels", "nonsense", "weight")}


def test_toml_syntax_error_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "syntax", "name = [")
    with pytest.raises(DataError, match="not valid TOML") as err:
        parse_card(path)
    assert str(path) in str(err.value)


def test_every_committed_card_parses() -> None:
    cards = load_cards(PROJECT_ROOT / "datasets")
    assert {"netifier", "saring_hoax_posts", "saring_register_suite", "pratiwi_hoax_news"} <= set(cards)
    assert cards["saring_register_suite"].purpose == "evaluation"
    assert cards["saring_hoax_posts"].local and not cards["saring_hoax_posts"].repository
    grouping = cards["pratiwi_hoax_news"].grouping
    assert grouping is not None and len(grouping.topics) == 12
    assert all(k == k.lower() for t in grouping.topics for k in t.keywords)


def test_a_card_whose_only_problem_spans_sections(tmp_path: Path) -> None:
    mapping = '[mapping.slander]\ncolumns = ["y", "missing_col"]\nreason = "test"\n'
    found = problems(write(tmp_path, "span", card_toml("span", [examples_file()], mapping)))
    assert list(found) == ["mapping.slander.columns[2]"]
    assert found["mapping.slander.columns[2]"].summary == "column 'missing_col' is not among x.csv's columns"
