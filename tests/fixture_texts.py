"""Small Indonesian texts written for the tests (not taken from any dataset), with labels for the three
risks. Enough for tiny models to learn something, so tests can check that outputs move the right way."""

from __future__ import annotations

from model.examples import Example

HOAX = [
    "SEBARKAN!! minum air rebusan daun sirih tiga kali sehari pasti sembuh dari kanker",
    "vaksin mengandung chip pelacak dari luar negeri, jangan mau disuntik",
    "bantuan tunai 5 juta dari pemerintah, daftar sekarang lewat link ini bayar admin 50 ribu",
    "gempa besar akan terjadi besok malam jam 2, BMKG sudah konfirmasi, segera mengungsi",
    "penculik anak berkeliaran pakai mobil ambulans, culik anak sekolah, sebarkan ke grup",
    "makan mie instan dengan coklat bikin mati mendadak, sudah banyak korban",
    "pemerintah akan memblokir semua rekening yang tidak diperbarui minggu ini, klik link",
    "lowongan kerja BUMN tanpa tes, cukup transfer biaya pendaftaran ke rekening ini",
    "air kelapa dicampur garam menyembuhkan covid dalam satu hari, dokter menyembunyikan ini",
    "beredar surat resmi menteri bahwa sekolah diliburkan sebulan penuh mulai besok",
    "telur palsu dari plastik beredar di pasar, jangan beli telur murah",
    "sinyal 5G menyebarkan virus, matikan hp kalian malam ini",
    "ada tsunami susulan setinggi 20 meter nanti sore kata orang dalam",
    "pembagian sembako gratis di kantor kelurahan, syarat kirim foto ktp dan kode otp",
    "obat herbal ini lebih manjur dari kemoterapi, rumah sakit tidak mau kalian tahu",
]
SLANDER = [
    "bupati itu maling uang rakyat, dasar koruptor tidak tahu malu",
    "kepala dinas bodoh dan penipu, kerjanya cuma makan gaji buta",
    "dasar walikota goblok, otak udang, mundur saja kau",
    "pak camat itu tukang peras warga, penjahat berseragam",
    "anggota dewan itu pembohong besar, mukanya tebal, penjilat",
    "lurah kampung kami bejat, suka main perempuan dan korupsi dana desa",
    "menteri itu antek asing, pengkhianat bangsa, bangsat",
    "polisi itu bajingan, kerjanya cuma minta suap",
    "si gubernur tolol itu memang pantas dihina, sampah",
    "direktur rumah sakit itu pembunuh, penipu kelas kakap",
    "kepala sekolah cabul, predator, pecat dan penjarakan",
    "dasar pejabat kampret, mulutnya busuk, tukang fitnah",
    "ketua partai itu dungu dan rakus, perampok berdasi",
    "hakim itu disogok, hakim bejat tidak punya malu",
    "wakil rakyat itu sinting, kerjanya tidur dan korupsi",
]
INCITEMENT = [
    "usir semua orang cina dari kampung kita, mereka perusak negeri",
    "bakar saja tempat ibadah mereka, kaum kafir tidak boleh tinggal di sini",
    "orang dari suku itu semuanya pencuri, jangan beri tempat di kota ini",
    "ayo serbu kampung sebelah, habisi mereka yang beda agama",
    "kaum pendatang harus dibasmi sebelum menguasai tanah kita",
    "jangan beli di toko orang keturunan itu, boikot dan usir mereka",
    "mereka yang beda keyakinan layak diperangi, bangkit saudaraku",
    "ganti dasar negara dengan khilafah, angkat senjata melawan thogut",
    "suku itu bodoh semua dan tidak pantas jadi pemimpin, lawan mereka",
    "umat lain musuh kita, serang rumah ibadah mereka malam ini",
    "usir kaum minoritas itu, mereka penyakit bangsa",
    "orang kulit hitam dari timur itu kotor, jangan terima di kos",
    "kita harus perang melawan golongan sesat itu, bunuh pemimpinnya",
    "bangsa asing keturunan itu lintah, rampas toko mereka",
    "hancurkan kelompok agama itu sampai ke akar akarnya",
]
NEUTRAL = [
    "jalan di depan rumah kami rusak parah sejak bulan lalu, mohon segera diperbaiki",
    "terima kasih atas pelayanan puskesmas yang cepat dan ramah",
    "jadwal vaksinasi di kelurahan besok pagi jam delapan, bawa ktp",
    "lampu jalan di gang tiga mati, mohon dicek petugas",
    "bagaimana cara mengurus akta kelahiran untuk anak kedua?",
    "BMKG: tidak ada peringatan tsunami, masyarakat diminta tetap tenang",
    "hoaks soal chip dalam vaksin sudah dibantah kementerian kesehatan",
    "pelayanan kantor samsat hari ini lambat sekali, antrean panjang",
    "perayaan natal dan idul fitri di kampung kami selalu rukun",
    "warga keturunan tionghoa ikut kerja bakti membersihkan selokan",
    "kebijakan kenaikan tarif air ini memberatkan warga, tolong ditinjau ulang",
    "saya kecewa dengan lambatnya perbaikan jembatan, sudah tiga bulan",
    "informasi bantuan sosial resmi hanya melalui situs kementerian sosial",
    "selamat hari raya bagi umat yang merayakan, semoga damai",
    "harga cabai di pasar naik lagi minggu ini",
    "mohon info jam buka kantor kecamatan hari sabtu",
    "apakah benar ada pemadaman listrik besok? mohon konfirmasi",
    "pemerintah daerah membuka pendaftaran beasiswa resmi tanpa biaya",
]


def fixture_examples() -> list[Example]:
    """Every text labelled for all three risks (a clean, fully annotated toy set)."""
    out: list[Example] = []
    groups = {"hoax": HOAX, "slander": SLANDER, "incitement": INCITEMENT, "neutral": NEUTRAL}
    for kind, texts in groups.items():
        for i, text in enumerate(texts):
            labels = {r: int(r == kind) for r in ("hoax", "slander", "incitement")}
            out.append(Example(text=text, labels=labels, source="fixture", id=f"{kind}-{i}", platform="x"))
    return out


def fixture_splits() -> dict[str, list[Example]]:
    """Deterministic train/validation/test: every 5th example to validation, every 7th to test."""
    splits: dict[str, list[Example]] = {"train": [], "validation": [], "test": []}
    for i, ex in enumerate(fixture_examples()):
        key = "validation" if i % 5 == 0 else "test" if i % 7 == 0 else "train"
        splits[key].append(ex)
    return splits
