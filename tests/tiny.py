"""Tiny, offline Hugging Face encoders for tests (a helper module, not a test file).

`make_tiny_encoder(path)` writes, in a fraction of a second, a BertModel directory (hidden 32, 2 layers,
2 heads) with a WordPiece tokenizer (`tokenizers` library) whose vocabulary is counted on the fly from a
built-in Indonesian corpus. Both `AutoModel.from_pretrained(path)` and `AutoTokenizer.from_pretrained(path)`
load it without a hub. The weights are random but seeded, so the same call always gives the same model and
tokenizer, byte for byte.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

TINY_HIDDEN = 32
TINY_MAX_POSITIONS = 128
SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")

# A few hundred Indonesian words in short sentences: news, social media, slang, hoax and incitement talk.
_CORPUS = """
pemerintah membantah kabar bahwa vaksin mengandung chip pelacak
kabar vaksin berisi chip pelacak dibantah oleh pemerintah
harga beras naik tajam menjelang lebaran di pasar tradisional
menjelang hari raya harga beras minyak goreng dan gula melonjak
tim nasional sepak bola menang dua gol tanpa balas tadi malam
resep nasi goreng kampung yang enak dan mudah dibuat di rumah
hoaks beredar di grup whatsapp tentang penculikan anak di sekolah
polisi menegaskan pesan berantai itu tidak benar dan meminta warga tenang
jangan mudah percaya berita yang belum jelas sumbernya cek dulu faktanya
saring sebelum sharing supaya tidak ikut menyebarkan fitnah
ujaran kebencian terhadap suku agama ras dan antargolongan dilarang
warga diminta tidak terprovokasi oleh unggahan di media sosial
gempa bumi mengguncang wilayah pesisir dan tidak berpotensi tsunami
banjir merendam ratusan rumah setelah hujan deras semalaman
presiden meresmikan jalan tol baru yang menghubungkan dua provinsi
menteri kesehatan mengimbau masyarakat memakai masker di keramaian
dasar bodoh kamu tidak tahu apa apa soal politik
gk usah sok tau deh jgn sebar berita bohong bgt
anjir parah banget sih ini beneran apa hoax ya
mantap gan makasih infonya sangat bermanfaat
tolong viralkan agar semua orang tahu kebenarannya
video itu hasil suntingan dan sudah dibantah oleh kepolisian
klarifikasi resmi dari kementerian komunikasi dan informatika
foto lama diunggah ulang seolah olah kejadian baru
pelaku penyebaran hoaks dapat dijerat undang undang ite
mahasiswa berdemo di depan gedung dewan menolak kenaikan harga bahan bakar
petani mengeluhkan harga pupuk yang mahal dan langka
guru honorer menuntut kenaikan gaji dan kepastian status
kereta api tambahan disiapkan untuk arus mudik tahun ini
bandara ditutup sementara karena abu vulkanik gunung berapi
cuaca ekstrem diperkirakan terjadi hingga akhir pekan
bantuan sosial disalurkan kepada keluarga penerima manfaat
pemilu berlangsung aman dan damai di seluruh daerah
calon presiden menyampaikan visi dan misi dalam debat
jangan golput ayo gunakan hak pilihmu dengan bijak
ajakan menyerang kelompok lain tidak bisa dibenarkan
mari jaga persatuan dan kesatuan bangsa indonesia
komentar kasar dan menghina akan dihapus oleh admin
berita ini sudah diverifikasi oleh tim cek fakta
sumber informasi tidak jelas dan tidak dapat dipercaya
"""


def _corpus(texts: list[str] | None) -> list[str]:
    lines = [line.strip() for line in _CORPUS.strip().splitlines() if line.strip()]
    return lines + [t for t in (texts or []) if t.strip()]


def _train_tokenizer(lines: list[str]):  # -> tokenizers.Tokenizer
    """A WordPiece tokenizer whose vocabulary is counted from `lines`.

    The `tokenizers` trainers break ties through hash-seeded maps, so their vocabulary changes from one
    process to the next; this "training" counts in Python instead, which makes it deterministic: the
    special tokens, every character (and its `##` continuation), the corpus words by frequency, and the
    most frequent word-initial and word-final pieces of 2-4 characters (Indonesian affixes: me-, di-,
    ber-, -kan, -nya, ...).
    """
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True, lowercase=True)
    pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    words: Counter[str] = Counter()
    for line in lines:
        words.update(w for w, _ in pre_tokenizer.pre_tokenize_str(normalizer.normalize_str(line)))
    chars = sorted(set("abcdefghijklmnopqrstuvwxyz0123456789.,!?-:;'\"()/@#") | {c for w in words for c in w})
    heads: Counter[str] = Counter()
    tails: Counter[str] = Counter()
    for word, count in words.items():
        for k in range(2, min(4, len(word) - 1) + 1):
            heads[word[:k]] += count
            tails[word[-k:]] += count
    ranked_words = sorted(words, key=lambda w: (-words[w], w))
    ranked_heads = sorted(heads, key=lambda w: (-heads[w], w))[:100]
    ranked_tails = sorted(tails, key=lambda w: (-tails[w], w))[:100]
    pieces = [*SPECIAL_TOKENS, *chars, *(f"##{c}" for c in chars), *ranked_words, *ranked_heads]
    pieces += [f"##{t}" for t in ranked_tails]
    vocab: dict[str, int] = {}
    for piece in pieces:
        vocab.setdefault(piece, len(vocab))

    tok = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]", max_input_chars_per_word=100))
    tok.normalizer = normalizer
    tok.pre_tokenizer = pre_tokenizer
    tok.decoder = decoders.WordPiece(prefix="##")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])],
    )
    return tok


def make_tiny_encoder(path: Path, texts: list[str] | None = None) -> Path:
    """Write a tiny BertModel directory at `path` (created if needed) and return `path`.

    hidden 32, 2 layers, 2 heads, intermediate 64, max_position_embeddings 128; a lowercasing WordPiece
    tokenizer counted from a built-in Indonesian corpus plus `texts`, with [PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3
    [MASK]=4 and a `[CLS] $A [SEP]` post-processor. Seeded: deterministic for the same `texts`. The
    global torch RNG state is left untouched.
    """
    import torch
    from transformers import BertConfig, BertModel

    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    tok = _train_tokenizer(_corpus(texts))
    tok.save(str(path / "tokenizer.json"))
    special_map = {
        "unk_token": "[UNK]",
        "pad_token": "[PAD]",
        "cls_token": "[CLS]",
        "sep_token": "[SEP]",
        "mask_token": "[MASK]",
    }
    tok_config = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        **special_map,
        "model_max_length": TINY_MAX_POSITIONS,
        "padding_side": "right",
        "clean_up_tokenization_spaces": False,
        "model_input_names": ["input_ids", "token_type_ids", "attention_mask"],
    }
    (path / "tokenizer_config.json").write_text(json.dumps(tok_config, indent=2) + "\n")
    (path / "special_tokens_map.json").write_text(json.dumps(special_map, indent=2) + "\n")

    config = BertConfig(
        vocab_size=tok.get_vocab_size(),
        hidden_size=TINY_HIDDEN,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=TINY_MAX_POSITIONS,
        type_vocab_size=2,
        pad_token_id=tok.token_to_id("[PAD]"),
        architectures=["BertModel"],
    )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        model = BertModel(config)
    model.save_pretrained(str(path))
    return path
