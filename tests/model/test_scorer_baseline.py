from __future__ import annotations

import json

import numpy as np
import pytest

from model.labels import RISKS
from model.modeldir import ModelDir, ModelDirError
from model.scorer import Scorer


def test_baseline_dir_loads_and_scores_in_order(tiny_baseline_dir):
    scorer = Scorer(tiny_baseline_dir)
    texts = [
        "dasar walikota goblok dan maling uang rakyat",
        "jadwal vaksinasi besok pagi di kelurahan",
        "usir semua orang suku itu dari kampung kita",
    ]
    out = scorer.score(texts)
    assert len(out) == 3
    for r in out:
        assert set(r.scores) == set(RISKS)
        assert all(0.0 <= s <= 1.0 for s in r.scores.values())
        assert r.decision in ("allow", "review", "block")
        assert r.flags == {k: v != "allow" for k, v in r.decisions.items()}
    # the toy model learned something: the insult scores higher on slander than the schedule does
    assert out[0].scores["slander"] > out[1].scores["slander"]
    assert out[2].scores["incitement"] > out[1].scores["incitement"]
    # order is preserved: scoring one by one gives the same numbers
    single = [scorer.score([t])[0].scores for t in texts]
    for a, b in zip(single, out, strict=True):
        assert a == pytest.approx(b.scores)


def test_short_text_warns(tiny_baseline_dir):
    r = Scorer(tiny_baseline_dir).score(["ok"])[0]
    assert [w.code for w in r.warnings] == ["TEXT_TOO_SHORT"]
    assert "only 1 word(s)" in r.warnings[0].message


def test_emoji_symbols_and_links_are_no_words(tiny_baseline_dir):
    # users' complaint 10: "an emoji" gets confident nonsense scores; these are tokens, not words
    texts = ["😡😡😡", "!!!! ???", "@budi @ani https://x.co/a", "mulutmu sampah!!!", "jalan di depan rumah rusak 😡"]
    out = Scorer(tiny_baseline_dir).score(texts)
    assert [[w.code for w in r.warnings] for r in out] == [["TEXT_TOO_SHORT"]] * 4 + [[]]
    assert "no words" in out[0].warnings[0].message and "at least 3 words" in out[0].warnings[0].message
    assert "only 2 word(s)" in out[3].warnings[0].message
    assert all(set(r.scores) == set(RISKS) for r in out)  # scored all the same: a warning, never a failure


def test_reply_repeating_risky_parent_warns(tiny_baseline_dir):
    scorer = Scorer(tiny_baseline_dir)
    parent = "dasar walikota goblok dan maling uang rakyat, mundur saja kau"
    reply = "Tidak benar bahwa walikota goblok dan maling uang rakyat; laporan keuangan diaudit BPK."
    res = scorer.score([reply], parents=[parent])[0]
    codes = [w.code for w in res.warnings]
    if scorer.score([parent])[0].flags["slander"]:
        assert "REPEATS_RISKY_PARENT" in codes
        w = next(w for w in res.warnings if w.code == "REPEATS_RISKY_PARENT")
        assert any("maling uang rakyat" in s for s in w.words)
    clean = scorer.score(["Laporan keuangan kota diaudit BPK setiap tahun."], parents=[parent])[0]
    assert "REPEATS_RISKY_PARENT" not in [w.code for w in clean.warnings]


def test_model_dir_has_no_pickle_and_records_identity(tiny_baseline_dir):
    md = ModelDir(tiny_baseline_dir)
    info = md.check()
    assert info["kind"] == "baseline" and info["version"].startswith("saring-baseline-")
    assert "numpy" in info["library_versions"]
    suffixes = {p.suffix for p in tiny_baseline_dir.rglob("*") if p.is_file()}
    assert suffixes <= {".json", ".safetensors"}
    th = json.loads((tiny_baseline_dir / "thresholds.json").read_text())
    for r in RISKS:
        assert 0 < th["risks"][r]["flag"] <= th["risks"][r]["block"] <= 1


def test_refuses_pickle_in_model_dir(tiny_baseline_dir, tmp_path):
    import shutil

    bad = tmp_path / "m"
    shutil.copytree(tiny_baseline_dir, bad)
    (bad / "evil.pkl").write_bytes(b"\x80\x04")
    with pytest.raises(ModelDirError, match="pickle"):
        ModelDir(bad).check()


def test_missing_dir_error_says_how_to_fix(tmp_path):
    with pytest.raises(ModelDirError, match="saring train"):
        Scorer(tmp_path / "nope")


def test_predict_proba_is_calibrated_shape(tiny_baseline_dir):
    s = Scorer(tiny_baseline_dir)
    p = s.risk_proba(["a b c", "jalan rusak mohon diperbaiki"])
    assert p.shape == (2, 3) and np.all((p >= 0) & (p <= 1))
    assert s.risk_proba([]).shape == (0, 3)


@pytest.mark.parametrize("kind", ["baseline", "ensemble"])
def test_a_calibrated_length_term_moves_long_texts_only(kind, tiny_baseline_dir, tiny_ensemble_dir, tmp_path):
    """A calibration.json with a hoax length term (what training writes where validation supports one) is read
    by Scorer.score and predict_proba, alone and as an ensemble member: long texts move, posts do not."""
    import shutil

    src = tiny_baseline_dir if kind == "baseline" else tiny_ensemble_dir
    model = tmp_path / "m"
    shutil.copytree(src, model)
    calib = model / "calibration.json" if kind == "baseline" else model / "lexical" / "calibration.json"
    data = json.loads(calib.read_text())
    data["labels"]["hoax"]["c"] = -3.0
    calib.write_text(json.dumps(data))
    post = "awas vaksin berisi chip pelacak sebarkan sekarang"
    article = " ".join([post] * 30)  # 210 words: far beyond the knot
    before, after = Scorer(src), Scorer(model)
    h = RISKS.index("hoax")
    assert after.score([post])[0].scores["hoax"] == pytest.approx(before.score([post])[0].scores["hoax"])
    assert after.score([article])[0].scores["hoax"] < before.score([article])[0].scores["hoax"] - 0.01
    assert after.risk_proba([article])[0, h] == pytest.approx(after.score([article])[0].scores["hoax"])
    # slander has no length term: unchanged for every length
    assert after.score([article])[0].scores["slander"] == pytest.approx(before.score([article])[0].scores["slander"])


def test_text_fingerprints_are_read_on_demand_not_kept_for_serving(tiny_baseline_dir, tmp_path):
    import shutil

    from model.modeldir import MANIFEST_JSON

    md = tmp_path / "m"
    shutil.copytree(tiny_baseline_dir, md)
    assert Scorer(md).text_fingerprints() is None  # trained without them
    manifest = json.loads((md / MANIFEST_JSON).read_text())
    manifest["text_hashes"] = {"train": ["00ff00ff00ff00ff"], "validation": []}
    (md / MANIFEST_JSON).write_text(json.dumps(manifest))
    s = Scorer(md)
    assert s.text_fingerprints() == {"train": ["00ff00ff00ff00ff"], "validation": []}
    assert "text_hashes" not in s.manifest and "text_hashes" not in json.dumps(s.card())


def test_post_in_another_language_is_scored_with_a_warning_naming_it(tiny_baseline_dir):
    scorer = Scorer(tiny_baseline_dir)
    english, indonesian, short = scorer.score(
        [
            "The mayor is a thief who steals from the poor, everyone knows it.",
            "dasar walikota maling uang rakyat, semua orang tahu itu",
            "ok thanks",
        ]
    )
    (chinese,) = scorer.score(["这个疫苗里面有芯片，大家快转发"])  # one token, but a sentence: judged
    assert [w.code for w in chinese.warnings] == ["LANGUAGE_NOT_SUPPORTED"] and chinese.warnings[0].language == "zh"
    assert set(english.scores) == set(RISKS)  # scored all the same: a warning, never a failure
    w = [w for w in english.warnings if w.code == "LANGUAGE_NOT_SUPPORTED"]
    assert len(w) == 1 and w[0].language == "en" and "English" in w[0].message
    assert w[0].to_dict()["language"] == "en"
    assert "LANGUAGE_NOT_SUPPORTED" not in [w.code for w in indonesian.warnings]
    assert [w.code for w in short.warnings] == ["TEXT_TOO_SHORT"]  # too short to judge its language either


def test_loading_a_scorer_loads_the_language_identifier(tiny_baseline_dir):
    """The identifier every score consults loads with the model, so a process's first post is not its slowest."""
    from model import language

    language._identifier.cache_clear()
    language._batch_identifier.cache_clear()
    Scorer(tiny_baseline_dir)
    # both the one-post identifier and the batch one built from its arrays
    assert language._identifier.cache_info().currsize == 1
    assert language._batch_identifier.cache_info().currsize == 1
