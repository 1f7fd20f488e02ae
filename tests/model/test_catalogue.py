from __future__ import annotations

import urllib.error
from pathlib import Path

import pytest

from model import catalogue
from model.card_reader import assign_topics, repair_text
from model.cards import Grouping, Topic, load_cards, parse_card
from model.catalogue import fetch_file, load_catalogue, load_dataset, load_slang
from model.examples import DataError
from tests.model.catalogue_fixtures import TWEETS_CSV, add_card, card_toml, make_catalogue, sha


def test_cards_load_and_map_labels(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_catalogue(tmp_path, monkeypatch)
    cards = load_cards()
    assert set(cards) == {"tweets", "slangs"}
    card = cards["tweets"]
    assert card.labels == ("slander", "incitement", "hate_speech")
    res = load_dataset("tweets", cards)
    by_id = {e.id: e for e in res.examples}
    assert set(by_id) == {"tweets:1", "tweets:2", "tweets:3", "tweets:6"}
    first = by_id["tweets:1"]
    assert first.source == "tweets"
    assert first.labels == {"slander": 1, "incitement": 0, "hate_speech": 1}
    assert first.label("hoax") is None  # not annotated by this source: missing, never 0
    assert first.platform == "twitter" and by_id["tweets:2"].platform == "instagram"
    assert by_id["tweets:6"].platform == "twitter"  # empty platform cell -> the card's default
    assert first.meta["original_split"] == "train" and first.meta["sha256"] == card.files[0].sha256
    reasons = {b.row: b.reason for b in res.bad_rows}
    assert set(reasons) == {4, 5}
    assert "text is empty" in reasons[4]
    assert "'ind'" in reasons[5] and "'maybe'" in reasons[5]


def test_load_catalogue_skips_resource_only_cards(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_catalogue(tmp_path, monkeypatch)
    res = load_catalogue()
    assert {e.source for e in res.examples} == {"tweets"}
    with pytest.raises(DataError, match="unknown dataset 'nope'"):
        load_dataset("nope")


def test_load_slang_from_the_resource_card(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_catalogue(tmp_path, monkeypatch)
    norm = load_slang()
    assert norm.normalize("GK suka yg itu") == "tidak suka yang itu"


def test_wrong_sha256_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_catalogue(tmp_path, monkeypatch, declared_sha="0" * 64)
    card = load_cards()["tweets"]
    with pytest.raises(DataError) as err:
        fetch_file(card, card.files[0])
    msg = str(err.value)
    assert "data/tweets.csv" in msg
    assert "expected " + "0" * 64 in msg
    assert "found " + sha(TWEETS_CSV.encode()) in msg
    assert "Fix:" in msg and "raw.githubusercontent.com/example/test-data/" in msg


def test_no_mirror_and_offline_names_file_hash_and_both_fixes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_catalogue(tmp_path, monkeypatch)
    card = load_cards()["tweets"]
    monkeypatch.setenv("SARING_DATA_MIRROR", str(tmp_path / "empty"))
    with pytest.raises(DataError) as err:
        fetch_file(card, card.files[0])
    msg = str(err.value)
    assert "data/tweets.csv" in msg and card.files[0].sha256 in msg
    assert "SARING_DATA_MIRROR" in msg and "network" in msg


def test_no_mirror_and_download_failing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_catalogue(tmp_path, monkeypatch)
    card = load_cards()["tweets"]
    monkeypatch.setenv("SARING_DATA_MIRROR", str(tmp_path / "empty"))
    monkeypatch.delenv("SARING_OFFLINE")

    def no_network(url: str, dest: Path, timeout: float = 60.0) -> None:
        raise urllib.error.URLError("no route to host")

    monkeypatch.setattr(catalogue, "_download", no_network)
    with pytest.raises(DataError) as err:
        fetch_file(card, card.files[0])
    msg = str(err.value)
    assert card.files[0].sha256 in msg and "SARING_DATA_MIRROR" in msg and "network access" in msg
    assert not list((tmp_path / "cache").rglob("*.part"))


def test_download_is_verified_and_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_catalogue(tmp_path, monkeypatch)
    card = load_cards()["tweets"]
    monkeypatch.setenv("SARING_DATA_MIRROR", str(tmp_path / "empty"))
    monkeypatch.delenv("SARING_OFFLINE")
    urls: list[str] = []

    def fake(url: str, dest: Path, timeout: float = 60.0) -> None:
        urls.append(url)
        dest.write_bytes(TWEETS_CSV.encode())

    monkeypatch.setattr(catalogue, "_download", fake)
    path = fetch_file(card, card.files[0])
    assert urls == [f"https://raw.githubusercontent.com/example/test-data/{'a' * 40}/data/tweets.csv"]
    assert path.read_bytes() == TWEETS_CSV.encode() and "downloads" in path.parts
    assert fetch_file(card, card.files[0]) == path and len(urls) == 1  # cached

    path.unlink()
    monkeypatch.setattr(catalogue, "_download", lambda url, dest, timeout=60.0: dest.write_bytes(b"tampered"))
    with pytest.raises(DataError, match="sha256 mismatch"):
        fetch_file(card, card.files[0])
    assert not path.exists() and not list(path.parent.glob("*.part"))


def test_wrong_encoding_names_the_encoding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = "tweet,hs,ind,grp,src\ncaf\xe9 itu bejat,1,1,0,twitter\n".encode("cp1252")
    make_catalogue(tmp_path, monkeypatch, tweets=data, rows=1)
    with pytest.raises(DataError, match="not valid utf-8"):
        load_dataset("tweets")


def test_row_count_mismatch_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_catalogue(tmp_path, monkeypatch, rows=99)
    with pytest.raises(DataError, match="read 6 data rows, the card says 99"):
        load_dataset("tweets")


def test_invalid_card_lists_every_problem(tmp_path: Path) -> None:
    bad = card_toml(
        "broken",
        [
            {
                "path": "x.csv",
                "sha256": "abc",
                "role": "examples",
                "encoding": "utf-8",
                "text_column": "t",
                "format": {"type": "csv", "columns": ["t", "y"]},
            }
        ],
        '[mapping.not_a_label]\ncolumns = ["y"]\n[mapping.slander]\ncolumns = ["zz"]\nreason = "t"\n',
    )
    path = tmp_path / "broken.toml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(DataError) as err:
        parse_card(path)
    msg = str(err.value)
    assert "sha256 must be 64" in msg
    assert "unknown label 'not_a_label'" in msg
    assert "column 'zz' is not among" in msg
    other = tmp_path / "renamed.toml"
    other.write_text(bad.replace('sha256 = "abc"', f'sha256 = "{"b" * 64}"'), encoding="utf-8")
    with pytest.raises(DataError, match="must equal the file name stem"):
        parse_card(other)
    (tmp_path / "syntax.toml").write_text("name = [", encoding="utf-8")
    with pytest.raises(DataError, match="not valid TOML"):
        parse_card(tmp_path / "syntax.toml")


def test_xlsx_reader_with_value_mapping_and_mojibake_repair(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import openpyxl  # a pinned dependency: never skipped

    make_catalogue(tmp_path, monkeypatch)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Kalimat", "label"])
    garbled = "KPAI bodoh 😡".encode().decode("mac_roman")
    ws.append([garbled, 3])
    ws.append(["komentar biasa saja", 1])
    ws.append(["kasar tapi tidak menyerang", 2])
    ws.append(["label di luar skala", 7])
    xlsx = tmp_path / "c.xlsx"
    wb.save(xlsx)
    mapping = (
        '[mapping.abusive]\ncolumns = ["label"]\npositive = ["2", "3"]\nnegative = ["1"]\nreason = "t"\n'
        '[mapping.slander]\ncolumns = ["label"]\npositive = ["3"]\nnegative = ["1"]\nmissing = ["2"]\n'
        'reason = "t"\n'
    )
    add_card(
        tmp_path,
        "comments",
        "c.xlsx",
        xlsx.read_bytes(),
        mapping,
        text_column="Kalimat",
        rows=4,
        text_repairs=["utf8_read_as_mac_roman"],
        format={"type": "xlsx", "sheet": 0},
    )
    res = load_dataset("comments")
    texts = {e.text: e.labels for e in res.examples}
    assert texts["KPAI bodoh 😡"] == {"abusive": 1, "slander": 1}
    assert texts["komentar biasa saja"] == {"abusive": 0, "slander": 0}
    assert texts["kasar tapi tidak menyerang"] == {"abusive": 1, "slander": None}
    assert [b.row for b in res.bad_rows] == [4] and "'7'" in res.bad_rows[0].reason


def test_repairs() -> None:
    assert (
        repair_text("lucu \\xf0\\x9f\\x98\\x82 banget'", ["python_byte_escapes", "trailing_repr_quote"])
        == "lucu 😂 banget"
    )
    assert repair_text("putus \\xe2\\x80", ["python_byte_escapes"]) == "putus "  # truncated run dropped
    assert repair_text("aman saja", ["utf8_read_as_mac_roman"]) == "aman saja"
    assert repair_text("‚Å£GOBLOK", ["utf8_read_as_mac_roman"]) == "\u2063GOBLOK"
    with pytest.raises(ValueError, match="unknown text repair"):
        repair_text("x", ["nope"])


def test_assign_topics_keywords_fallback_and_unassigned() -> None:
    topics = (
        Topic(id="lele", name="lele", keywords=("lele",), rows=(1, 2)),
        Topic(id="gaji", name="gaji", keywords=("gaji presiden", "gaji"), rows=(3, 4)),
    )
    g = Grouping(method="keywords", min_score=1, dominance=2.0, fallback="rows", topics=topics)
    texts = [
        "Ikan lele mengandung kanker? Lele aman dimakan.",
        "Berita tanpa kata kunci apa pun",  # row 2 -> rows fallback
        "Gaji presiden naik? Kabar gaji itu hoaks",
        "lele dan gaji disebut sama banyak",  # tie -> rows fallback (row 4 -> gaji)
    ]
    found, how = assign_topics(texts, g)
    assert [t.id if t else None for t in found] == ["lele", "lele", "gaji", "gaji"]
    assert how == ["keywords", "rows", "keywords", "rows"]
    g2 = Grouping(method="keywords", min_score=1, dominance=2.0, fallback=None, topics=topics)
    found, how = assign_topics(texts[1:2], g2)
    assert found == [None] and how == ["unassigned"]


def test_ragged_csv_rows_of_a_card_are_reported_not_padded_or_cut(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the card's files go through model.readers like every other table: a row with a field too many (an unquoted
    # comma) or too few becomes a bad row naming the count, and the rows around it are read
    data = (
        b"tweet,hs,ind,grp,src\n"
        b"dasar bupati maling uang rakyat,1,1,0,twitter\n"
        b"komentar berkoma, tanpa tanda kutip,0,0,0,twitter\n"
        b"baris kurang kolom,1,1\n"
        b'"komentar berkoma, dengan tanda kutip",0,0,0,twitter\n'
    )
    make_catalogue(tmp_path, monkeypatch, tweets=data, rows=4)
    res = load_dataset("tweets")
    assert [e.text for e in res.examples] == [
        "dasar bupati maling uang rakyat",
        "komentar berkoma, dengan tanda kutip",
    ]
    reasons = {b.row: b.reason for b in res.bad_rows}
    assert set(reasons) == {2, 3}
    assert "expected 5 fields" in reasons[2] and "found 6" in reasons[2] and "double quotes" in reasons[2]
    assert "expected 5 fields" in reasons[3] and "found 3" in reasons[3]


def test_card_separator_and_quotechar_are_the_cards(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_catalogue(tmp_path, monkeypatch)
    data = b"berita;tagging\n'Waspada; pesan berantai palsu';1\nPengumuman jadwal posyandu;0\nTanpa kutip; rusak;1\n"
    add_card(
        tmp_path,
        "news",
        "n.csv",
        data,
        '[mapping.hoax]\ncolumns = ["tagging"]\nreason = "t"\n',
        encoding="utf-8",
        text_column="berita",
        rows=3,
        format={"type": "csv", "separator": ";", "quotechar": "'"},
    )
    res = load_dataset("news")
    assert {e.text: e.labels["hoax"] for e in res.examples} == {
        "Waspada; pesan berantai palsu": 1,
        "Pengumuman jadwal posyandu": 0,
    }
    (bad,) = res.bad_rows
    assert bad.row == 3 and 'a semicolon must be in quotes "\'"' in bad.reason


def test_card_sheet_by_name_reads_that_sheet_and_an_unknown_one_names_the_sheets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import openpyxl  # a pinned dependency: never skipped

    make_catalogue(tmp_path, monkeypatch)
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "Catatan"
    notes.append(["dibaca oleh card lain"])
    data_sheet = wb.create_sheet("Data")
    data_sheet.append(["Kalimat", "label"])
    data_sheet.append(["komentar biasa saja", 1])
    data_sheet.append(["KPAI bodoh", 3])
    xlsx = tmp_path / "c.xlsx"
    wb.save(xlsx)
    mapping = '[mapping.slander]\ncolumns = ["label"]\npositive = ["3"]\nnegative = ["1"]\nreason = "t"\n'

    def write(sheet: str) -> None:
        fmt = {"type": "xlsx", "sheet": sheet}
        add_card(tmp_path, "comments", "c.xlsx", xlsx.read_bytes(), mapping, text_column="Kalimat", format=fmt)

    write("Data")  # the other sheet holds values: with a sheet named, that is the card's business, not an error
    res = load_dataset("comments")
    assert {e.text: e.labels["slander"] for e in res.examples} == {"komentar biasa saja": 0, "KPAI bodoh": 1}
    write("Lembar1")
    with pytest.raises(DataError) as err:
        load_dataset("comments")
    assert "expected a sheet 'Lembar1'" in str(err.value) and "['Catatan', 'Data']" in str(err.value)
    assert "format.sheet" in str(err.value)


def test_slang_table_with_a_broken_row_is_an_error_naming_it(tmp_path: Path) -> None:
    from model.normalize import Normalizer

    path = tmp_path / "slang.csv"
    path.write_text("gk,tidak\nbgt,banget,sekali\nyg,\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        Normalizer.from_csv(path, encoding="utf-8")
    assert "row 2" in str(err.value) and "expected 2 fields" in str(err.value)
    path.write_text("gk,tidak\nyg,\n", encoding="utf-8")  # an empty side replaces nothing
    assert Normalizer.from_csv(path, encoding="utf-8").slang == {"gk": "tidak"}
