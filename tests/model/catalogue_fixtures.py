"""Helpers that write tiny catalogues (cards + a mirror) into a temporary folder. Every text here is
written for the tests; none comes from a mirrored dataset."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

SLANG_CSV = "gk,tidak\nbgt,banget\nyg,yang\n"

TWEETS_CSV = (
    "tweet,hs,ind,grp,src\n"
    "dasar bupati maling uang rakyat,1,1,0,twitter\n"
    "usir kaum pendatang dari kampung kita,1,0,1,instagram\n"
    "selamat pagi semua semoga sehat,0,0,0,kaskus\n"
    ",1,1,0,twitter\n"
    "nilai label aneh di sini,1,maybe,0,twitter\n"
    "kosong platform tapi label ada,0,0,0,\n"
)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def card_toml(name: str, files: list[dict[str, object]], mapping: str = "", extra: str = "") -> str:
    parts = [
        "schema_version = 1",
        f'name = "{name}"',
        'title = "test card"',
        'description = "written for the tests"',
        'platform = "twitter"',
        "[source]",
        'repository = "example/test-data"',
        f'commit = "{"a" * 40}"',
        "[licence]",
        'id = "CC-BY-4.0"',
        'basis = "test"',
        "commercial_use = true",
        "share_alike = false",
        "[citation]",
        'text = "none"',
    ]
    for f in files:
        parts.append("[[files]]")
        tables = {"format": f.pop("format", {"type": "csv"})}
        tables |= {k: v for k, v in f.items() if isinstance(v, dict)}  # e.g. spans: [files.spans]
        for k, v in f.items():
            if not isinstance(v, dict):
                parts.append(f"{k} = {_toml(v)}")
        for name, table in tables.items():
            parts.append(f"[files.{name}]")
            for k, v in table.items():  # type: ignore[union-attr]
                parts.append(f"{k} = {_toml(v)}")
    parts.append(mapping)
    parts.append(extra)
    return "\n".join(parts) + "\n"


def _toml(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, list):
        return "[" + ", ".join(_toml(x) for x in v) + "]"
    return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'


TWEETS_MAPPING = """
[mapping.slander]
columns = ["ind"]
reason = "test"
[mapping.incitement]
columns = ["grp"]
reason = "test"
[mapping.hate_speech]
columns = ["hs"]
reason = "test"
"""


def make_catalogue(
    tmp: Path,
    monkeypatch: pytest.MonkeyPatch,
    tweets: bytes = TWEETS_CSV.encode(),
    declared_sha: str | None = None,
    rows: int | None = 6,
    encoding: str = "utf-8",
) -> tuple[Path, Path]:
    """A catalogue folder with a 'tweets' card and a 'slang' card, and a mirror holding their files."""
    cat, mirror = tmp / "cards", tmp / "mirror"
    (mirror / "tweets" / "data").mkdir(parents=True)
    (mirror / "slangs").mkdir(parents=True)
    cat.mkdir()
    (mirror / "tweets" / "data" / "tweets.csv").write_bytes(tweets)
    (mirror / "slangs" / "slang.csv").write_bytes(SLANG_CSV.encode())
    f: dict[str, object] = {
        "path": "data/tweets.csv",
        "sha256": declared_sha or sha(tweets),
        "role": "examples",
        "encoding": encoding,
        "text_column": "tweet",
        "platform_column": "src",
        "original_split": "train",
        "format": {"type": "csv", "columns": ["tweet", "hs", "ind", "grp", "src"]},
    }
    if rows is not None:
        f["rows"] = rows
    (cat / "tweets.toml").write_text(card_toml("tweets", [f], TWEETS_MAPPING), encoding="utf-8")
    slang = {
        "path": "slang.csv",
        "sha256": sha(SLANG_CSV.encode()),
        "role": "resource",
        "resource": "slang",
        "encoding": "utf-8",
        "format": {"type": "csv", "header": False},
    }
    (cat / "slangs.toml").write_text(card_toml("slangs", [slang]), encoding="utf-8")
    monkeypatch.setenv("SARING_CATALOGUE_DIR", str(cat))
    monkeypatch.setenv("SARING_DATA_MIRROR", str(mirror))
    monkeypatch.setenv("SARING_CACHE_DIR", str(tmp / "cache"))
    monkeypatch.setenv("SARING_OFFLINE", "1")
    return cat, mirror


def add_card(tmp: Path, name: str, filename: str, data: bytes, mapping: str, **file: object) -> None:
    """Add to a catalogue made by make_catalogue a card `name` whose one examples file `filename` holds `data`
    (written into the mirror; its sha256 pinned in the card); `file` gives the card's other [[files]] keys."""
    folder = tmp / "mirror" / name
    folder.mkdir(exist_ok=True)
    (folder / filename).write_bytes(data)
    entry: dict[str, object] = {"path": filename, "sha256": sha(data), "role": "examples", **file}
    (tmp / "cards" / f"{name}.toml").write_text(card_toml(name, [entry], mapping), encoding="utf-8")
