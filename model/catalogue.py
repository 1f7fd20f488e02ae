"""The dataset catalogue: the files of the dataset cards (model.cards), verified by sha256, and the Examples they
hold (model.card_reader).

Files are taken from the local mirror (`model.paths.data_mirror()`, laid out as `<mirror>/<card>/<path>`)
when present, else downloaded from `https://raw.githubusercontent.com/<repo>/<commit>/<path>` into
`model.paths.cache_dir()/downloads/`. A local card (`[source] local = true`: data the saring team wrote and
committed) has no repository: its files are read from `<catalogue dir>/<card>/<path>` and never downloaded.
Every file's sha256 is checked, wherever it came from.
"""

from __future__ import annotations

import logging
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterable
from pathlib import Path

from model.card_reader import read_examples_file
from model.cards import Card, CardFile, load_cards
from model.examples import BadRow, DataError, Example, ReadResult
from model.modeldir import file_sha256
from model.normalize import Normalizer
from model.paths import cache_dir, catalogue_dir, data_mirror

logger = logging.getLogger(__name__)

OFFLINE_ENV = "SARING_OFFLINE"


# ---------------------------------------------------------------------------------------------------------
# Fetching files
# ---------------------------------------------------------------------------------------------------------
sha256_of = file_sha256


def _hash_mismatch(card: Card, file: CardFile, where: Path, found: str, origin: str) -> DataError:
    if card.local:
        regenerate = f" or regenerate it with {card.generator}" if card.generator else ""
        return DataError(
            f"sha256 mismatch for {card.name}/{file.path} ({origin}): expected {file.sha256}, found {found}",
            file=where,
            fix=(
                f"restore the committed file (git checkout -- {where}){regenerate}; if it changed on purpose, "
                f"review it and update the sha256, row counts and label counts in {card.path or 'the card'}"
            ),
        )
    return DataError(
        f"sha256 mismatch for {card.name}/{file.path} ({origin}): expected {file.sha256}, found {found}",
        file=where,
        fix=(
            f"replace it with the original file from {card.url(file)} (the commit pinned in "
            f"{card.path or 'the card'}); if the source changed on purpose, review the new file and update "
            "the card's sha256, row counts and label counts"
        ),
    )


def _download(url: str, dest: Path, timeout: float = 60.0) -> None:
    """Download `url` to `dest` (a temporary path). Replaced in tests."""
    with urllib.request.urlopen(url, timeout=timeout) as resp, open(dest, "wb") as out:
        for chunk in iter(lambda: resp.read(1 << 20), b""):
            out.write(chunk)


def fetch_file(card: Card, file: CardFile) -> Path:
    """A verified local copy of `file`: from the mirror, else from the download cache, else downloaded.

    A local card's file is read where it is committed (`Card.local_file`), never from a mirror or the network.
    The sha256 is always checked; a file whose hash differs from the card's is refused (DataError).
    """
    if card.local:
        path = card.local_file(file)
        if not path.is_file():
            regenerate = f", or regenerate it with {card.generator}" if card.generator else ""
            raise DataError(
                f"{card.name}/{file.path} (sha256 {file.sha256}) is missing: card {card.name!r} is local, its files "
                "are committed beside the card and never downloaded",
                file=path,
                fix=f"restore {path} from the saring repository{regenerate}, or point SARING_CATALOGUE_DIR at a "
                "complete catalogue folder",
            )
        found = sha256_of(path)
        if found != file.sha256:
            raise _hash_mismatch(card, file, path, found, "local card file")
        return path

    mirror = data_mirror()
    if mirror is not None:
        candidate = mirror / card.name / file.local_path
        if candidate.is_file():
            found = sha256_of(candidate)
            if found != file.sha256:
                raise _hash_mismatch(card, file, candidate, found, "local mirror")
            return candidate
        logger.info("%s is not in the mirror %s; trying the download cache", file.path, mirror)

    cached = cache_dir() / "downloads" / card.name / card.commit[:12] / file.path
    if cached.is_file():
        found = sha256_of(cached)
        if found != file.sha256:
            raise _hash_mismatch(card, file, cached, found, "download cache")
        return cached

    url = card.url(file)
    how_to_fix = (
        "either set SARING_DATA_MIRROR to a folder holding the files as <folder>/"
        f"{card.name}/{file.local_path}, or allow network access so saring can download {url}"
    )
    if os.environ.get(OFFLINE_ENV, "").strip().lower() in ("1", "true", "yes"):
        raise DataError(
            f"{card.name}/{file.path} (sha256 {file.sha256}) is not in a local mirror and {OFFLINE_ENV} forbids "
            "downloading it",
            file=file.path,
            fix=how_to_fix + f" (unset {OFFLINE_ENV})",
        )
    cached.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=cached.name + ".", suffix=".part", dir=cached.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        logger.info("downloading %s", url)
        try:
            _download(url, tmp)
        except (urllib.error.URLError, OSError, TimeoutError) as e:
            raise DataError(
                f"{card.name}/{file.path} (sha256 {file.sha256}) is not in a local mirror and could not be "
                f"downloaded from {url}: {e}",
                file=file.path,
                fix=how_to_fix,
            ) from e
        found = sha256_of(tmp)
        if found != file.sha256:
            raise _hash_mismatch(card, file, Path(url), found, "download")
        os.replace(tmp, cached)
    finally:
        tmp.unlink(missing_ok=True)
    return cached


# ---------------------------------------------------------------------------------------------------------
# Loading examples
# ---------------------------------------------------------------------------------------------------------
def load_dataset(name: str, cards: dict[str, Card] | None = None) -> ReadResult:
    """The examples of one catalogue dataset, labelled per its card's mapping."""
    cards = cards if cards is not None else load_cards()
    if name not in cards:
        raise DataError(
            f"unknown dataset {name!r}; the catalogue has {sorted(cards)}", fix="use one of the catalogue's names"
        )
    card = cards[name]
    if not card.examples_files:
        raise DataError(f"dataset {name!r} has no examples files (it only lists resources)", file=card.path)
    examples: list[Example] = []
    bad: list[BadRow] = []
    for file in card.examples_files:
        res = read_examples_file(card, file, fetch_file(card, file))
        examples += res.examples
        bad += res.bad_rows
    return ReadResult(examples, bad)


def load_catalogue(names: Iterable[str] | None = None, cards: dict[str, Card] | None = None) -> ReadResult:
    """The examples of several catalogue datasets (default: every training card with examples files; evaluation
    suites are read only by name, with `load_dataset`)."""
    cards = cards if cards is not None else load_cards()
    wanted = (
        list(names)
        if names is not None
        else [n for n, c in cards.items() if c.examples_files and c.purpose == "training"]
    )
    examples: list[Example] = []
    bad: list[BadRow] = []
    for name in wanted:
        res = load_dataset(name, cards)
        examples += res.examples
        bad += res.bad_rows
    return ReadResult(examples, bad)


def load_slang(cards: dict[str, Card] | None = None) -> Normalizer:
    """The Normalizer built from the catalogue's slang resource (Ibrohim's new_kamusalay.csv)."""
    cards = cards if cards is not None else load_cards()
    for card in cards.values():
        file = card.resource("slang")
        if file is not None:
            return Normalizer.from_csv(fetch_file(card, file), encoding=file.encoding or "utf-8")
    raise DataError(
        'no card lists a file with resource = "slang"',
        file=catalogue_dir(),
        fix="add the slang dictionary to a card (see datasets/ibrohim2019_multilabel_hs.toml)",
    )
