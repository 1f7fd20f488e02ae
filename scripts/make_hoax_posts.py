"""Write datasets/saring_hoax_posts/posts.jsonl: short posts in the form hoaxes circulate, and posts on the
same topics that are not hoaxes (debunks, announcements, news, questions, personal stories, marked jokes).

Everything here was written by the saring team for this purpose; no post was copied from a platform or a
dataset. Each topic (a hoax narrative that Indonesian fact-checkers see again and again) has hand-written
hoax templates with slots (places, amounts, dates, links...), the true facts, real-looking news and
announcements on the same subject, and topic-specific personal stories and jokes; generic debunk, question,
personal and joke skeletons are filled with the topic's claim. Every text then gets a register (formal,
slang, alay spelling, capitals with emojis), broadcast formulas for hoaxes ("SEBARKAN!", "bukan hoax") and a
platform's habits (WhatsApp, Facebook, X, Instagram).

Deterministic: the same seed writes the same file. Exact duplicates after saring's normalisation and near
duplicates (token-set Jaccard >= 0.8 with an accepted post of the same topic and kind) are dropped.

    .venv/bin/python scripts/make_hoax_posts.py            # writes the file and prints the counts
    .venv/bin/python scripts/make_hoax_posts.py --check    # regenerates in memory; fails if the file differs
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eval.ood import evaluation_case_texts  # noqa: E402
from model.claims import BUILTIN_SLANG  # noqa: E402
from model.normalize import Normalizer  # noqa: E402
from model.overlap import NearCopyIndex  # noqa: E402

OUT = ROOT / "datasets" / "saring_hoax_posts" / "posts.jsonl"
SEED = 20240917
HELD_OUT_GENRES = ("disaster_prediction", "crime_panic")
GENRES = ("health", "aid_recruitment", "disaster_prediction", "official_announcement", "crime_panic", "political")

# ---------------------------------------------------------------------------------------------------------
# slot fillers
# ---------------------------------------------------------------------------------------------------------
CITIES = [
    "Jakarta",
    "Bandung",
    "Surabaya",
    "Semarang",
    "Medan",
    "Makassar",
    "Bekasi",
    "Depok",
    "Tangerang",
    "Bogor",
    "Malang",
    "Palembang",
    "Yogyakarta",
    "Padang",
    "Denpasar",
    "Balikpapan",
    "Pekanbaru",
    "Cirebon",
    "Solo",
    "Kupang",
    "Banjarmasin",
    "Pontianak",
    "Mataram",
    "Sidoarjo",
]
WHEN = [
    "besok pagi",
    "besok malam",
    "lusa",
    "malam ini",
    "Jumat ini",
    "akhir pekan ini",
    "tanggal 17 nanti",
    "minggu depan",
    "nanti sore",
]
AID_AMOUNTS = ["Rp 600 ribu", "Rp 1,2 juta", "Rp 2,4 juta", "Rp 3,5 juta", "Rp 5 juta", "Rp 10 juta"]
FEES = ["Rp 150 ribu", "Rp 250 ribu", "Rp 350 ribu", "Rp 500 ribu", "Rp 750 ribu"]
LINKS = [
    "bit.ly/bansos-resmi",
    "bantuan-pemerintah.online/daftar",
    "s.id/kuota-gratis-2024",
    "rekrutmen-bumn.web.app",
    "klaim-hadiah.xyz/survei",
    "daftar-blt.site",
    "tinyurl.com/cpns-jalur-khusus",
    "cek-rekening.info/update",
]
PHONES = ["0812 3456 7781", "0813 2211 4455", "0857 9012 3344", "0821 7788 9900", "0878 5566 1122"]
BANKS = ["BRI", "BNI", "Mandiri", "BCA", "BSI"]

# ---------------------------------------------------------------------------------------------------------
# topics: (genre, id, slots, hoax templates, claim clause, fact, authority, news, announcements, personal, jokes)
# ---------------------------------------------------------------------------------------------------------
TOPICS: list[dict[str, Any]] = [
    # ---------------------------------------------------------------- health: cures and dangers
    dict(
        genre="health",
        id="herbal_cure",
        slots={
            "herb": ["sirsak", "kelor", "pepaya", "sirih", "kersen"],
            "disease": ["kanker", "diabetes", "darah tinggi", "asam urat", "gagal ginjal"],
            "days": ["tiga", "tujuh", "14"],
        },
        hoax=[
            "Minum air rebusan daun {herb} tiap pagi, {disease} sembuh total dalam {days} hari. Dokter tidak mau "
            "kalian tahu ini!",
            "Rahasia yang disembunyikan rumah sakit: daun {herb} direbus, diminum dua kali sehari, {disease} hilang "
            "dalam {days} hari tanpa obat kimia.",
            "Tetangga saya sudah divonis {disease} stadium akhir, sekarang sembuh cuma minum rebusan daun {herb} "
            "{days} hari. Tidak perlu ke dokter lagi.",
            "Buang obat dokter kalian! Rebusan daun {herb} terbukti menyembuhkan {disease} dalam {days} hari, "
            "sudah diteliti profesor dari Jepang.",
        ],
        claim="air rebusan daun {herb} menyembuhkan {disease} dalam {days} hari",
        fact="belum ada uji klinis yang membuktikan daun {herb} menyembuhkan {disease}; pengobatan tetap harus "
        "sesuai anjuran dokter",
        authority="Kemenkes",
        news=[
            "Peneliti universitas menguji kandungan antioksidan daun {herb}, tetapi menegaskan hasilnya belum "
            "bisa disebut obat {disease}.",
            "BPOM mengingatkan masyarakat agar tidak menghentikan pengobatan {disease} dan beralih ke ramuan "
            "herbal tanpa konsultasi dokter.",
        ],
        announce=[
            "Dinas Kesehatan membuka pemeriksaan gula darah dan tekanan darah gratis di puskesmas setiap Sabtu pagi."
        ],
        personal=[
            "Almarhum om saya dulu berhenti kemoterapi karena percaya daun {herb} bisa menyembuhkan {disease}. "
            "Jangan sampai keluarga lain mengalami hal yang sama.",
            "Saya minum teh daun {herb} karena suka rasanya, tapi obat {disease} dari dokter tetap saya minum "
            "sesuai resep.",
        ],
        jokes=[
            "Katanya daun {herb} bisa sembuhin {disease}. Pohon {herb} di depan rumah langsung dijaga satpam "
            "RT 😂 #becanda"
        ],
    ),
    dict(
        genre="health",
        id="stroke_needle",
        slots={"part": ["jari tangan", "ujung jari", "daun telinga"]},
        hoax=[
            "Pertolongan pertama stroke: tusuk {part} dengan jarum sampai berdarah, korban akan sadar dalam "
            "hitungan menit.",
            "Kalau ada yang kena stroke, jangan langsung dibawa ke rumah sakit! Tusuk dulu {part}nya pakai jarum, "
            "keluarkan darahnya.",
            "Ilmu dari profesor Tiongkok: menusuk {part} dengan jarum jahit menyelamatkan penderita stroke 100 persen.",
            "Simpan jarum di dompet kalian. Stroke bisa ditolong dengan menusuk {part} sampai keluar darah, "
            "tidak perlu ambulans.",
        ],
        claim="menusuk {part} dengan jarum bisa menolong penderita stroke",
        fact="penderita stroke harus segera dibawa ke rumah sakit; menusuk {part} hanya membuang waktu emas penanganan",
        authority="Perhimpunan Dokter Spesialis Saraf",
        news=[
            "Dokter saraf mengingatkan bahwa penanganan stroke dalam empat setengah jam pertama sangat "
            "menentukan peluang pulih pasien.",
            "Rumah sakit daerah membuka layanan stroke 24 jam untuk mempercepat penanganan pasien.",
        ],
        announce=[
            "Kenali gejala stroke dengan SeGeRa Ke RS: senyum tidak simetris, gerak separuh tubuh lemah, "
            "bicara pelo. Segera hubungi 119."
        ],
        personal=[
            "Waktu ayah saya kena stroke, untung kami langsung ke IGD, bukan sibuk cari jarum seperti kata grup WA."
        ],
        jokes=[
            "Grup keluarga: stroke ditolong tusuk {part}. Aku: pegang HP, telepon 119. Jarumnya buat jahit "
            "kancing aja 😆 (candaan)"
        ],
    ),
    dict(
        genre="health",
        id="food_combination",
        slots={
            "pair": [
                "udang dan vitamin C",
                "durian dan minuman bersoda",
                "mi instan dan cokelat",
                "kepiting dan jeruk",
                "kopi dan durian",
            ]
        },
        hoax=[
            "Awas! Makan {pair} bersamaan menghasilkan racun arsenik. Sudah ada korban meninggal.",
            "Seorang anak meninggal setelah makan {pair} sekaligus. Kombinasi ini jadi racun di lambung.",
            "Dokter menemukan kandungan racun mematikan dari campuran {pair}. Jangan dimakan bersamaan!",
            "Penting untuk ibu-ibu: {pair} tidak boleh dikonsumsi bersama, bisa keracunan dan meninggal mendadak.",
        ],
        claim="makan {pair} bersamaan bisa menyebabkan keracunan sampai meninggal",
        fact="tidak ada bukti ilmiah bahwa kombinasi {pair} menjadi racun mematikan dalam porsi makan biasa",
        authority="BPOM",
        news=[
            "Ahli gizi menjelaskan bahwa keracunan makanan umumnya disebabkan bakteri akibat penyimpanan yang "
            "buruk, bukan kombinasi makanan.",
            "BPOM mencatat sebagian besar kasus keracunan makanan berasal dari jajanan yang tercemar bakteri.",
        ],
        announce=["Puskesmas mengadakan penyuluhan keamanan pangan untuk pedagang kantin sekolah pekan ini."],
        personal=[
            "Dari kecil saya sering makan {pair} barengan dan baik-baik saja. Kaget baca pesan berantai "
            "yang bilang itu racun."
        ],
        jokes=["Kalau {pair} bikin keracunan, berarti menu prasmanan kondangan kemarin itu uji nyali ya 🤣 #bercanda"],
    ),
    dict(
        genre="health",
        id="vaccine_danger",
        slots={
            "vaccine": ["COVID-19", "MR", "polio", "HPV", "DPT"],
            "danger": ["chip pelacak", "zat penyebab mandul", "unsur babi", "logam berat berbahaya"],
        },
        hoax=[
            "Vaksin {vaccine} mengandung {danger}! Jangan mau anak kalian disuntik.",
            "Bocoran dokumen rahasia: vaksin {vaccine} sengaja dicampur {danger}. Tolak vaksin sekarang juga!",
            "Saya perawat, saya tahu sendiri vaksin {vaccine} itu isinya {danger}. Selamatkan keluarga kalian.",
            "Terbukti! Vaksin {vaccine} yang dibagikan di sekolah berisi {danger}. Orang tua wajib menolak.",
        ],
        claim="vaksin {vaccine} mengandung {danger}",
        fact="vaksin {vaccine} yang beredar sudah diuji dan mendapat izin edar, dan kandungannya tercantum terbuka",
        authority="Kemenkes dan BPOM",
        news=[
            "Cakupan imunisasi {vaccine} di beberapa provinsi masih di bawah target, kata Kementerian Kesehatan.",
            "Ikatan Dokter Anak Indonesia mengimbau orang tua melengkapi imunisasi {vaccine} sesuai jadwal.",
        ],
        announce=["Bulan imunisasi anak: vaksin {vaccine} gratis di posyandu dan puskesmas, bawa buku KIA."],
        personal=[
            "Anak saya sudah vaksin {vaccine} lengkap, cuma demam sedikit semalam lalu sehat lagi.",
            "Sempat takut anak divaksin {vaccine} karena pesan di grup, akhirnya tanya bidan dan dijelaskan "
            "dengan sabar.",
        ],
        jokes=[
            "Katanya vaksin ada {danger}nya. Kalau ada chip, kenapa sinyal HP aku masih hilang di kamar "
            "mandi? 😂 #satire"
        ],
    ),
    dict(
        genre="health",
        id="medicine_virus",
        slots={
            "drug": ["paracetamol", "obat batuk sirup", "obat tetes mata", "vitamin C kemasan"],
            "bad": ["virus Machupo", "virus mematikan", "racun tikus", "sabu"],
        },
        hoax=[
            "Hati-hati, {drug} merek tertentu mengandung {bad}. Banyak korban sudah meninggal.",
            "Info dari teman di rumah sakit: {drug} yang dijual di apotek terkontaminasi {bad}. Jangan diminum!",
            "Polisi menemukan {drug} yang dicampur {bad} beredar di warung. Cek kode kemasannya!",
            "Berita penting!!! {drug} berisi {bad}, pasien yang meminumnya langsung kritis.",
        ],
        claim="{drug} yang beredar mengandung {bad}",
        fact="tidak ada temuan {bad} pada {drug} yang terdaftar; obat yang ditarik selalu diumumkan resmi",
        authority="BPOM",
        news=[
            "BPOM menarik beberapa produk obat sirup yang tercemar etilen glikol setelah pengujian laboratorium.",
            "Apotek diminta menjual obat keras hanya dengan resep dokter sesuai aturan.",
        ],
        announce=["Cek legalitas obat lewat aplikasi BPOM Mobile dengan memindai kode pada kemasan."],
        personal=[
            "Ibu saya panik baca pesan soal {drug} berisi {bad}, padahal obatnya dari puskesmas dan terdaftar di BPOM."
        ],
        jokes=["Minum {drug} katanya bisa kena {bad}. Yang bikin pusing tuh justru baca grup WA keluarga 🤣 (becanda)"],
    ),
    dict(
        genre="health",
        id="corona_home_remedy",
        slots={
            "remedy": [
                "uap air garam panas",
                "air kelapa dicampur garam",
                "bawang putih mentah",
                "air hangat dan lemon",
            ],
            "organ": ["paru-paru", "tenggorokan", "saluran napas"],
        },
        hoax=[
            "Virus corona mati dengan {remedy}! Virus di {organ} langsung hancur dalam 10 menit.",
            "Rumah sakit tidak mau kasih tahu: {remedy} menyembuhkan COVID-19, virus di {organ} mati.",
            "Sudah terbukti di Wuhan, {remedy} membunuh virus corona di {organ}. Lakukan tiap pagi.",
            "Tidak perlu isolasi, cukup {remedy} tiga kali sehari, corona di {organ} pasti hilang.",
        ],
        claim="{remedy} membunuh virus corona di {organ}",
        fact="tidak ada bukti {remedy} membunuh virus corona; yang terbukti adalah vaksinasi, masker dan "
        "perawatan medis",
        authority="WHO dan Kemenkes",
        news=[
            "Kasus COVID-19 kembali naik di beberapa kota, Kemenkes meminta kelompok rentan memakai masker di "
            "keramaian.",
            "Peneliti menguji manfaat obat tradisional untuk gejala ringan, tetapi belum ada yang terbukti "
            "membunuh virus.",
        ],
        announce=["Vaksinasi penguat COVID-19 tersedia di puskesmas untuk lansia dan kelompok rentan."],
        personal=[
            "Waktu kena COVID saya juga rajin {remedy}, enak buat badan, tapi yang bikin sembuh ya "
            "istirahat dan obat dari dokter."
        ],
        jokes=[
            "Kalau {remedy} bisa bunuh corona, dapur emak-emak se-Indonesia harusnya dapat hadiah Nobel 😂 #becanda"
        ],
    ),
    # ---------------------------------------------------------------- aid and recruitment offers
    dict(
        genre="aid_recruitment",
        id="bansos_link",
        slots={
            "amount": AID_AMOUNTS,
            "link": LINKS[:3] + LINKS[5:6],
            "giver": ["Kemensos", "Presiden", "pemerintah pusat", "Kementerian Keuangan"],
        },
        hoax=[
            "Bantuan sosial {amount} dari {giver} sudah cair! Daftar di {link} pakai NIK dan nomor KK.",
            "BLT {amount} untuk semua warga yang punya KTP. Klik {link}, isi data, dana masuk rekening hari ini.",
            "Program terbaru {giver}: bansos {amount} per keluarga. Kuota terbatas, daftar di {link} sebelum ditutup!",
            "Cek nama kalian penerima bansos {amount} di {link}. Saya sudah dapat, tinggal isi data diri.",
        ],
        claim="ada bansos {amount} dari {giver} yang bisa didaftarkan lewat tautan {link}",
        fact="pendaftaran bansos tidak pernah lewat tautan berantai; cek penerima hanya di cekbansos.kemensos.go.id",
        authority="Kemensos",
        news=[
            "Kemensos menyalurkan bantuan pangan beras 10 kilogram kepada jutaan keluarga penerima manfaat bulan ini.",
            "Polisi menangkap pelaku phishing yang mencuri data warga lewat tautan bansos palsu.",
        ],
        announce=[
            "Pengumuman kelurahan: penerima bantuan pangan bulan ini diminta mengambil beras di kantor pos "
            "dengan membawa KTP dan undangan."
        ],
        personal=[
            "Nenek saya hampir mengisi data KTP di tautan bansos {amount}. Untung cucunya lihat duluan, "
            "ternyata situs palsu.",
            "Alhamdulillah bantuan beras dari kelurahan sudah kami terima, prosesnya lewat RT, tidak ada link apa-apa.",
        ],
        jokes=["Dapat link bansos {amount}. Yang cair bukan bansos, tapi data pribadiku 🥲 #pengalaman #bercanda"],
    ),
    dict(
        genre="aid_recruitment",
        id="bumn_recruitment",
        slots={
            "company": ["PT Pertamina", "PLN", "Bank BRI", "PT KAI", "Telkom", "Pegadaian"],
            "fee": FEES,
            "bank": BANKS,
        },
        hoax=[
            "Lowongan kerja {company} tanpa tes! Lulusan SMA bisa daftar, biaya administrasi {fee} transfer "
            "ke rekening {bank} panitia.",
            "Rekrutmen khusus {company} dibuka, langsung diangkat pegawai tetap. Syarat: bayar seragam dan "
            "pelatihan {fee}.",
            "Ada orang dalam {company}, bisa bantu masuk kerja tanpa tes. Cukup transfer {fee} untuk biaya berkas.",
            "{company} butuh 500 karyawan baru, gaji 8 juta. Pendaftaran lewat WhatsApp admin, biaya {fee}.",
        ],
        claim="{company} membuka lowongan tanpa tes dengan biaya pendaftaran {fee}",
        fact="rekrutmen {company} tidak memungut biaya apa pun dan hanya diumumkan di situs dan akun resmi",
        authority="{company}",
        news=[
            "Kementerian BUMN membuka rekrutmen bersama secara daring; seluruh tahapan gratis dan diumumkan di "
            "situs resmi.",
            "Polisi membongkar penipuan lowongan kerja yang meminta korban mentransfer biaya seragam.",
        ],
        announce=[
            "Rekrutmen resmi {company} hanya melalui situs karier perusahaan. Kami tidak pernah meminta "
            "biaya dalam bentuk apa pun."
        ],
        personal=[
            "Sepupu saya kena tipu lowongan {company}, sudah transfer {fee} terus nomornya diblokir.",
            "Alhamdulillah keterima kerja di {company} lewat jalur resmi, tesnya tiga tahap dan semuanya gratis.",
        ],
        jokes=["Lowongan {company} tanpa tes, tanpa wawancara, tanpa kantor. Yang ada cuma nomor rekening 🤣 #satire"],
    ),
    dict(
        genre="aid_recruitment",
        id="free_quota",
        slots={
            "gb": ["30", "50", "75", "100"],
            "giver": ["Kemendikbud", "Kominfo", "Telkomsel", "pemerintah"],
            "link": ["s.id/kuota-gratis-2024", "kuota-belajar.online", "bit.ly/klaim-kuota"],
        },
        hoax=[
            "Kuota internet gratis {gb} GB dari {giver}! Klaim di {link} lalu bagikan ke 10 grup WhatsApp.",
            "Pelajar dan mahasiswa dapat kuota {gb} GB gratis dari {giver}. Buruan klaim lewat {link}.",
            "{giver} bagi-bagi kuota {gb} GB selama sebulan, cukup isi nomor HP dan kode OTP di {link}.",
            "Kuota belajar {gb} GB tahap terakhir dibuka hari ini! Daftar di {link} sebelum kehabisan.",
        ],
        claim="{giver} membagikan kuota gratis {gb} GB lewat tautan {link}",
        fact="bantuan kuota resmi disalurkan lewat data sekolah dan kampus, tidak pernah lewat tautan berantai "
        "atau meminta kode OTP",
        authority="{giver}",
        news=[
            "Kemendikbud menyalurkan bantuan kuota belajar ke nomor yang didaftarkan operator sekolah.",
            "Operator seluler mengingatkan pelanggan agar tidak memberikan kode OTP kepada siapa pun.",
        ],
        announce=[
            "Bantuan kuota belajar dikirim otomatis ke nomor yang terdaftar di Dapodik. Tidak ada "
            "pendaftaran lewat tautan."
        ],
        personal=["Adik saya hampir kasih kode OTP demi kuota {gb} GB gratis. Untung saya larang."],
        jokes=["Kuota {gb} GB gratis? Yang gratis cuma pulsaku kesedot buat buka linknya 😭 #becanda"],
    ),
    dict(
        genre="aid_recruitment",
        id="anniversary_prize",
        slots={
            "brand": ["Pertamina", "sebuah minimarket nasional", "maskapai nasional", "bank daerah"],
            "prize": [
                "voucher belanja Rp 1 juta",
                "sepeda motor",
                "saldo e-wallet Rp 500 ribu",
                "tiket pesawat gratis",
            ],
            "link": ["klaim-hadiah.xyz/survei", "hadiah-ultah.site", "bit.ly/survei-hadiah"],
        },
        hoax=[
            "Ulang tahun ke-60, {brand} bagi-bagi {prize} untuk 5.000 orang! Isi survei di {link}.",
            "Selamat! Nomor Anda terpilih mendapat {prize} dari {brand}. Klaim di {link} dan kirim biaya pengiriman.",
            "{brand} sedang ulang tahun, semua pengisi survei di {link} dapat {prize}. Saya sudah dapat!",
            "Promo rahasia {brand}: {prize} gratis, cukup bagikan pesan ini ke 20 kontak lalu buka {link}.",
        ],
        claim="{brand} membagikan {prize} lewat survei di {link}",
        fact="{brand} tidak pernah mengadakan survei berhadiah lewat pesan berantai; tautan itu situs phishing",
        authority="{brand}",
        news=[
            "Pakar keamanan siber mencatat modus survei berhadiah palsu meningkat menjelang hari besar.",
            "Bank mengingatkan nasabah agar tidak membuka tautan hadiah yang dikirim lewat WhatsApp.",
        ],
        announce=["Program hadiah resmi {brand} hanya diumumkan di situs dan akun media sosial terverifikasi."],
        personal=[
            "Ayah saya percaya dapat {prize} dari {brand}, sudah transfer ongkos kirim. Hadiahnya tidak pernah datang."
        ],
        jokes=[
            "Setiap bulan aku 'menang' {prize} dari {brand}. Sampai sekarang yang datang cuma pesan "
            "berantainya 🤣 #satire"
        ],
    ),
    dict(
        genre="aid_recruitment",
        id="cpns_fee",
        slots={
            "fee": FEES,
            "formation": ["CPNS", "PPPK guru", "CPNS Kemenkumham", "PPPK tenaga kesehatan"],
            "link": ["tinyurl.com/cpns-jalur-khusus", "pendaftaran-asn.online", "bit.ly/asn-khusus"],
        },
        hoax=[
            "Pendaftaran {formation} jalur khusus dibuka! Biaya administrasi {fee}, dijamin lulus. Daftar di {link}.",
            "Ada kuota tambahan {formation} tanpa tes SKD. Hubungi admin dan transfer {fee} untuk mengamankan kursi.",
            "Bocoran soal dan kunci jawaban {formation} tahun ini, harga {fee}. Dijamin keluar semua!",
            "Formasi {formation} untuk honorer tanpa seleksi, bayar {fee} ke panitia daerah lewat {link}.",
        ],
        claim="ada pendaftaran {formation} jalur khusus berbayar {fee}",
        fact="seleksi ASN hanya lewat SSCASN dan tidak dipungut biaya; tidak ada jalur khusus berbayar",
        authority="BKN",
        news=[
            "BKN mengumumkan jadwal seleksi kompetensi dasar {formation} secara terbuka di situs resmi.",
            "Pemerintah menambah formasi PPPK untuk guru honorer tahun ini.",
        ],
        announce=["Pendaftaran {formation} hanya di sscasn.bkn.go.id. Seluruh tahapan seleksi gratis."],
        personal=["Teman saya ikut tes {formation}, belajar tiga bulan dan lulus tanpa bayar sepeser pun."],
        jokes=["Jalur khusus {formation} seharga {fee}: lulus seleksi jadi korban penipuan 🥲 #bercanda"],
    ),
    dict(
        genre="aid_recruitment",
        id="umkm_loan",
        slots={"amount": ["Rp 2,4 juta", "Rp 5 juta", "Rp 10 juta", "Rp 25 juta"], "phone": PHONES},
        hoax=[
            "Bantuan UMKM {amount} cair tanpa jaminan! Kirim foto KTP dan KK ke WhatsApp {phone}.",
            "Pinjaman modal usaha {amount} tanpa bunga dari pemerintah, hubungi admin {phone}, biaya materai saja.",
            "BPUM {amount} tahap baru sudah dibuka. Daftar lewat WA {phone}, dana langsung masuk rekening.",
            "Pelaku usaha kecil dapat {amount}, syarat foto KTP, selfie dan kode OTP ke nomor {phone}.",
        ],
        claim="bantuan UMKM {amount} bisa dicairkan lewat WhatsApp {phone}",
        fact="bantuan dan kredit usaha resmi diajukan lewat dinas koperasi atau bank penyalur, bukan lewat "
        "nomor WhatsApp pribadi",
        authority="Kementerian Koperasi dan UKM",
        news=[
            "Bank penyalur KUR menurunkan bunga untuk pelaku usaha mikro tahun ini.",
            "Dinas koperasi memberikan pelatihan pemasaran daring untuk pelaku UMKM.",
        ],
        announce=[
            "Pengajuan Kredit Usaha Rakyat dilakukan langsung di kantor bank penyalur dengan membawa dokumen usaha."
        ],
        personal=[
            "Usaha keripik saya dapat KUR dari bank, prosesnya dua minggu dan tidak ada yang minta foto "
            "selfie atau OTP."
        ],
        jokes=[
            "Dapat tawaran bantuan UMKM {amount} dari nomor {phone}. Usahaku cuma jualan es teh, yang "
            "ngincer malah data KTP 😂"
        ],
    ),
    # ---------------------------------------------------------------- disaster predictions (held out)
    dict(
        genre="disaster_prediction",
        id="earthquake_date",
        slots={"mag": ["8,5", "9", "9,2"], "city": CITIES[:12], "when": WHEN},
        hoax=[
            "BMKG memprediksi gempa magnitudo {mag} akan mengguncang {city} {when}. Segera siapkan tas darurat!",
            "Info dari orang dalam BMKG: gempa besar {mag} SR terjadi di {city} {when}. Jangan tidur di dalam rumah.",
            "Peringatan! Gempa {mag} magnitudo dan tsunami akan melanda {city} {when}, sudah dihitung ahli geologi.",
            "Warga {city} harap waspada, {when} ada gempa dahsyat magnitudo {mag}. Kumpulkan surat berharga kalian.",
        ],
        claim="BMKG memprediksi gempa magnitudo {mag} di {city} {when}",
        fact="gempa bumi tidak bisa diprediksi waktu dan tempatnya secara tepat; BMKG tidak pernah mengeluarkan "
        "prediksi seperti itu",
        authority="BMKG",
        news=[
            "Gempa magnitudo 5,1 mengguncang wilayah selatan {city} pagi tadi dan tidak berpotensi tsunami.",
            "BMKG memasang sensor gempa baru untuk mempercepat peringatan dini di sekitar {city}.",
        ],
        announce=["BMKG: informasi gempa resmi hanya melalui aplikasi InfoBMKG dan akun terverifikasi."],
        personal=[
            "Semalam warga kompleks kami tidur di lapangan gara-gara pesan gempa {mag} di {city}. Pagi "
            "ini semua baik-baik saja.",
            "Saya tinggal di {city}, tadi merasakan guncangan kecil. Sempat panik, lalu cek InfoBMKG: "
            "magnitudo 4, tidak berbahaya.",
        ],
        jokes=[
            "Prediksi gempa {when} di {city}? Peramal cuaca aja sering meleset, apalagi grup WA keluarga 🤭 #becanda"
        ],
    ),
    dict(
        genre="disaster_prediction",
        id="tsunami_wave",
        slots={
            "height": ["15", "20", "30"],
            "coast": [
                "pantai selatan Jawa",
                "pesisir Padang",
                "pantai Anyer",
                "pesisir Bengkulu",
                "pantai Pangandaran",
            ],
            "when": WHEN,
        },
        hoax=[
            "Tsunami setinggi {height} meter akan menerjang {coast} {when}. Jangan ada yang ke pantai!",
            "Ahli Jepang memperingatkan gelombang {height} meter di {coast} {when}. Segera mengungsi ke "
            "dataran tinggi.",
            "Air laut di {coast} sudah surut jauh, tsunami {height} meter datang {when}! Info A1 dari tim SAR.",
            "Sirene tsunami di {coast} akan dibunyikan {when}, gelombang {height} meter sudah terdeteksi satelit.",
        ],
        claim="tsunami {height} meter akan menerjang {coast} {when}",
        fact="tidak ada peringatan dini tsunami untuk {coast}; kajian potensi tsunami bukan ramalan waktu kejadian",
        authority="BMKG",
        news=[
            "Kajian ilmuwan menyebut potensi tsunami di {coast}, tetapi waktunya tidak dapat diprediksi dan "
            "kajian itu untuk mitigasi.",
            "Pemerintah daerah memasang jalur evakuasi baru di sepanjang {coast}.",
        ],
        announce=[
            "Simulasi evakuasi tsunami digelar di {coast} {when}. Sirene yang berbunyi adalah bagian dari latihan."
        ],
        personal=[
            "Liburan ke {coast} tetap jalan, pantainya ramai dan aman. Pesan tsunami {height} meter itu "
            "cuma bikin ibu saya cemas."
        ],
        jokes=["Tsunami {height} meter {when}? Yang tinggi itu cuma tagihan listrik bulan ini 😅 #bercanda"],
    ),
    dict(
        genre="disaster_prediction",
        id="volcano_eruption",
        slots={
            "volcano": ["Merapi", "Semeru", "Sinabung", "Kelud", "Gede"],
            "when": WHEN,
            "radius": ["20", "30", "50"],
        },
        hoax=[
            "Gunung {volcano} akan meletus dahsyat {when}. Warga radius {radius} km wajib mengungsi malam ini!",
            "Bocoran dari PVMBG: {volcano} meletus besar {when}, abunya sampai ke Jakarta.",
            "Juru kunci {volcano} sudah dapat wangsit, letusan besar terjadi {when}. Selamatkan keluarga kalian.",
            "Status {volcano} naik jadi Awas, semua warga radius {radius} km harus pergi {when}!",
        ],
        claim="Gunung {volcano} akan meletus besar {when} dan warga radius {radius} km harus mengungsi",
        fact="status Gunung {volcano} tidak berubah dan tidak ada perintah mengungsi; status resmi diumumkan PVMBG",
        authority="PVMBG",
        news=[
            "PVMBG mencatat guguran lava dari Gunung {volcano} dan mempertahankan status Siaga.",
            "Warga lereng {volcano} mengikuti latihan evakuasi bersama BPBD.",
        ],
        announce=["Status Gunung {volcano} tetap Siaga. Masyarakat diminta menjauhi radius bahaya yang ditetapkan."],
        personal=[
            "Keluarga saya tinggal di lereng {volcano}. Mereka tetap tenang karena selalu pantau info "
            "dari pos pengamatan."
        ],
        jokes=["Katanya {volcano} meletus {when}. Yang meletus duluan malah emosi admin grup 😂 (candaan)"],
    ),
    dict(
        genre="disaster_prediction",
        id="dam_burst",
        slots={
            "dam": ["Jatiluhur", "Gajah Mungkur", "Karangkates", "Saguling", "Jatigede"],
            "city": ["Karawang", "Wonogiri", "Malang", "Bandung", "Sumedang", "Bekasi"],
            "when": WHEN,
        },
        hoax=[
            "Bendungan {dam} retak dan akan jebol {when}! Warga {city} segera mengungsi.",
            "Air bah dari {dam} menuju {city}, ketinggian 5 meter. Info dari petugas pintu air!",
            "Darurat! {dam} jebol, {city} akan tenggelam {when}. Selamatkan barang berharga.",
            "Video retakan {dam} bocor, pemerintah menutupi. Bendungan jebol {when}, {city} banjir total.",
        ],
        claim="Bendungan {dam} jebol dan air bah akan merendam {city} {when}",
        fact="Bendungan {dam} dalam kondisi aman dan dipantau setiap hari; video retakan itu bukan dari {dam}",
        authority="Balai Besar Wilayah Sungai",
        news=[
            "Debit air Bendungan {dam} naik setelah hujan deras, pintu air dibuka bertahap sesuai prosedur.",
            "Banjir setinggi lutut merendam puluhan rumah di {city} akibat luapan sungai.",
        ],
        announce=[
            "Pengumuman: pembukaan pintu air Bendungan {dam} {when}. Warga bantaran sungai diminta "
            "waspada, bukan mengungsi."
        ],
        personal=["Rumah saya di {city}. Pesan {dam} jebol bikin satu kampung begadang, padahal bendungannya aman."],
        jokes=["{dam} jebol {when}? Yang jebol beneran itu dompetku akhir bulan 🤣 #satire"],
    ),
    dict(
        genre="disaster_prediction",
        id="dark_days",
        slots={
            "days": ["tiga", "enam", "15"],
            "cause": ["badai matahari", "planet sejajar", "gerhana panjang", "debu kosmik"],
            "when": ["akhir bulan ini", "bulan depan", "tanggal 21 nanti"],
        },
        hoax=[
            "NASA mengonfirmasi bumi akan gelap total selama {days} hari {when} karena {cause}.",
            "Siapkan lilin dan makanan! {when} dunia gelap {days} hari akibat {cause}.",
            "Para ilmuwan merahasiakan ini: {cause} membuat bumi gelap {days} hari {when}.",
            "Listrik dan sinyal mati {days} hari {when} karena {cause}, sudah diumumkan NASA.",
        ],
        claim="bumi akan gelap total {days} hari {when} karena {cause}",
        fact="tidak ada fenomena {cause} yang membuat bumi gelap berhari-hari; NASA tidak pernah mengumumkannya",
        authority="BRIN dan LAPAN",
        news=[
            "Peneliti BRIN menjelaskan badai matahari bisa mengganggu sinyal GPS tetapi tidak membuat bumi gelap.",
            "Gerhana matahari sebagian dapat diamati dari beberapa kota di Indonesia pekan depan.",
        ],
        announce=["Planetarium membuka pengamatan gerhana bersama secara gratis untuk pelajar."],
        personal=[
            "Nenek saya sudah beli lilin satu dus gara-gara pesan gelap {days} hari. Ya sudah, buat "
            "cadangan mati lampu."
        ],
        jokes=["Gelap {days} hari karena {cause}? Kamar kosku gelap tiap hari karena belum bayar listrik 😂 #becanda"],
    ),
    dict(
        genre="disaster_prediction",
        id="aftershock_hour",
        slots={"hour": ["01.00", "02.00", "03.00", "23.00"], "city": CITIES[12:], "mag": ["7", "7,5", "8"]},
        hoax=[
            "Gempa susulan yang lebih besar, magnitudo {mag}, akan terjadi pukul {hour} nanti malam di {city}.",
            "Info BMKG: nanti malam jam {hour} ada gempa susulan {mag}. Warga {city} tidur di luar rumah!",
            "Jangan masuk rumah malam ini, gempa susulan {mag} pukul {hour} sudah dipastikan ahli.",
            "Pesan dari posko bencana {city}: gempa susulan {mag} terjadi tepat pukul {hour}.",
        ],
        claim="gempa susulan magnitudo {mag} akan terjadi pukul {hour} nanti malam di {city}",
        fact="BMKG tidak bisa dan tidak pernah memprediksi jam terjadinya gempa susulan",
        authority="BMKG",
        news=[
            "BMKG mencatat puluhan gempa susulan bermagnitudo kecil di {city} sejak pagi.",
            "Pengungsi gempa di {city} mulai kembali ke rumah yang dinyatakan aman.",
        ],
        announce=[
            "Gempa susulan masih mungkin terjadi dengan kekuatan lebih kecil. Pastikan bangunan aman dan "
            "ikuti info resmi."
        ],
        personal=[
            "Malam itu di {city} kami semua tidur di tenda karena pesan gempa jam {hour}. Tidak terjadi "
            "apa-apa, cuma digigit nyamuk."
        ],
        jokes=["Gempa susulan tepat jam {hour}? Gempa kok lebih tepat waktu daripada kereta 😆 #satire"],
    ),
    # ---------------------------------------------------------------- fake official announcements
    dict(
        genre="official_announcement",
        id="school_holiday",
        slots={
            "period": ["satu bulan", "dua minggu", "sampai akhir semester"],
            "when": ["besok", "Senin depan", "mulai pekan depan"],
            "issuer": ["Mendikbud", "gubernur", "Dinas Pendidikan"],
        },
        hoax=[
            "Surat edaran {issuer}: seluruh sekolah diliburkan {period} mulai {when}.",
            "Resmi! Sekolah libur {period} mulai {when}, surat {issuer} sudah keluar.",
            "Murid-murid libur {period} mulai {when} karena wabah, keputusan {issuer}.",
            "Beredar SE {issuer} nomor 12 tahun ini: kegiatan belajar di sekolah dihentikan {period} mulai {when}.",
        ],
        claim="sekolah diliburkan {period} mulai {when} berdasarkan surat edaran {issuer}",
        fact="tidak ada surat edaran {issuer} yang meliburkan sekolah; kalender pendidikan tetap berlaku",
        authority="Dinas Pendidikan",
        news=[
            "Dinas Pendidikan menetapkan libur semester dimulai pertengahan Desember sesuai kalender pendidikan.",
            "Beberapa sekolah di daerah banjir menerapkan belajar dari rumah selama tiga hari.",
        ],
        announce=[
            "Kalender pendidikan: libur semester ganjil dimulai tanggal 20 Desember. Surat resmi ada di situs dinas."
        ],
        personal=[
            "Anak saya sudah girang dengar sekolah libur {period}. Pas dicek ke wali kelas, ternyata "
            "hoaks. Dia langsung cemberut."
        ],
        jokes=["Anak SD paling rajin cek fakta cuma kalau ada kabar libur {period} 😂 #becanda"],
    ),
    dict(
        genre="official_announcement",
        id="blackout",
        slots={
            "region": ["Jawa-Bali", "seluruh Sumatra", "Jabodetabek", "Jawa Timur"],
            "days": ["tiga hari", "dua hari", "24 jam"],
            "when": ["Jumat ini", "besok", "akhir pekan ini"],
        },
        hoax=[
            "PLN mengumumkan pemadaman total {region} selama {days} mulai {when}. Siapkan lilin dan air.",
            "Pemadaman listrik {days} di {region} {when}! Isi daya semua HP sekarang.",
            "Bocoran dari pegawai PLN: {region} padam {days} mulai {when} karena perbaikan besar.",
            "Pengumuman resmi PLN: listrik {region} mati total {days}, mulai {when}.",
        ],
        claim="PLN akan memadamkan listrik {region} selama {days} mulai {when}",
        fact="PLN tidak menjadwalkan pemadaman total; pemeliharaan jaringan diumumkan per wilayah dan hanya "
        "beberapa jam",
        authority="PLN",
        news=[
            "PLN melakukan pemeliharaan jaringan di beberapa kecamatan selama empat jam pada Minggu pagi.",
            "Gangguan transmisi membuat sebagian {region} padam dua jam sebelum listrik kembali normal.",
        ],
        announce=[
            "Info pemeliharaan jaringan: pemadaman sementara pukul 09.00-13.00 di dua kelurahan. Jadwal "
            "lengkap di aplikasi PLN Mobile."
        ],
        personal=["Tetangga sudah borong lilin karena pesan pemadaman {days}. Listrik kami aman-aman saja."],
        jokes=["Pemadaman {days}? Akhirnya ada alasan buat ngobrol sama keluarga tanpa HP 🤣 #bercanda"],
    ),
    dict(
        genre="official_announcement",
        id="account_block",
        slots={
            "bank": BANKS,
            "when": ["akhir bulan ini", "besok", "dalam 24 jam"],
            "link": ["cek-rekening.info/update", "bit.ly/update-data-nasabah", "perbarui-data.site"],
        },
        hoax=[
            "Nasabah {bank}: rekening yang tidak diperbarui datanya akan diblokir {when}. Perbarui di {link}.",
            "Pemberitahuan: tarif transfer {bank} berubah jadi Rp 150 ribu per bulan. Jika tidak setuju, isi "
            "formulir di {link}.",
            "Rekening Anda akan dinonaktifkan {when}. Segera verifikasi di {link} dengan nomor kartu dan PIN.",
            "Semua ATM {bank} lama tidak berlaku {when}, ganti kartu lewat {link}.",
        ],
        claim="rekening {bank} yang tidak diperbarui akan diblokir {when}",
        fact="{bank} tidak pernah meminta pembaruan data lewat tautan atau meminta PIN; tautan itu phishing",
        authority="{bank}",
        news=[
            "Otoritas Jasa Keuangan mencatat kerugian nasabah akibat phishing meningkat tahun ini.",
            "Polisi menangkap sindikat pembobol rekening yang memakai tautan perubahan tarif palsu.",
        ],
        announce=["{bank} tidak pernah meminta PIN, OTP, atau data kartu melalui pesan, telepon, maupun tautan."],
        personal=[
            "Saldo tabungan ibu saya hilang setelah klik tautan pembaruan data {bank}. Sekarang kami "
            "selalu telepon call center dulu."
        ],
        jokes=["Rekeningku mau diblokir {when}? Isinya juga cuma Rp 12 ribu, bloknya rugi di {bank} 😂 #becanda"],
    ),
    dict(
        genre="official_announcement",
        id="money_withdrawn",
        slots={
            "denom": ["Rp 100 ribu", "Rp 50 ribu", "Rp 20 ribu", "Rp 10 ribu"],
            "year": ["2016", "2014", "2022"],
            "when": ["bulan depan", "akhir tahun ini", "1 Januari"],
        },
        hoax=[
            "Uang kertas {denom} emisi {year} ditarik dan tidak berlaku lagi mulai {when}. Segera tukarkan!",
            "Bank Indonesia: pecahan {denom} tahun {year} tidak laku mulai {when}.",
            "Pedagang jangan terima uang {denom} edisi {year} lagi, mulai {when} sudah tidak sah.",
            "Info penting, uang {denom} emisi {year} dicabut {when}. Yang menyimpan bakal rugi!",
        ],
        claim="uang {denom} emisi {year} tidak berlaku mulai {when}",
        fact="uang {denom} emisi {year} masih alat pembayaran yang sah; pencabutan selalu diumumkan resmi jauh hari",
        authority="Bank Indonesia",
        news=[
            "Bank Indonesia membuka layanan penukaran uang baru menjelang Lebaran di ratusan titik.",
            "Bank Indonesia mengeluarkan uang pecahan khusus untuk memperingati hari kemerdekaan.",
        ],
        announce=["Bank Indonesia: uang lusuh dan rusak dapat ditukar gratis di kantor BI dan bank umum."],
        personal=[
            "Pedagang di pasar sempat menolak uang {denom} saya karena pesan berantai. Setelah saya "
            "tunjukkan rilis BI, dia minta maaf."
        ],
        jokes=["Uang {denom} mau ditarik {when}? Tenang, di dompetku sudah lama tidak ada 🥲 #bercanda"],
    ),
    dict(
        genre="official_announcement",
        id="traffic_fine",
        slots={
            "item": ["sandal jepit", "celana pendek", "helm tanpa SNI", "kaca film gelap"],
            "fine": ["Rp 500 ribu", "Rp 1 juta", "Rp 250 ribu"],
            "when": ["besok", "mulai Senin", "bulan depan"],
        },
        hoax=[
            "Mulai {when}, pengendara yang memakai {item} akan ditilang dengan denda {fine}.",
            "Polisi akan menggelar razia {item} {when}, dendanya {fine}. Hati-hati!",
            "Aturan baru Korlantas: {item} dilarang saat berkendara, denda {fine} mulai {when}.",
            "Surat tilang elektronik untuk {item} dikirim lewat WhatsApp dalam bentuk file APK, denda {fine}.",
        ],
        claim="pengendara yang memakai {item} akan ditilang dengan denda {fine} mulai {when}",
        fact="tidak ada aturan baru tentang {item}, dan surat tilang elektronik tidak pernah dikirim lewat WhatsApp",
        authority="Korlantas Polri",
        news=[
            "Polisi menggelar operasi keselamatan selama dua pekan dengan sasaran pengendara tanpa helm dan "
            "melawan arus.",
            "Kamera tilang elektronik dipasang di sepuluh persimpangan baru.",
        ],
        announce=[
            "Konfirmasi tilang elektronik hanya melalui surat pos dan situs resmi ETLE. Jangan unduh file "
            "APK dari pesan WhatsApp."
        ],
        personal=[
            "Tiap hari saya naik motor pakai {item} ke pasar, tidak pernah ditilang. Pesan denda {fine} itu "
            "bikin bapak-bapak di pangkalan heboh."
        ],
        jokes=["Denda {fine} gara-gara {item}? Mending ditilang karena terlalu ganteng 😎 #becanda"],
    ),
    dict(
        genre="official_announcement",
        id="id_card_invalid",
        slots={
            "doc": ["KTP elektronik", "SIM lama", "kartu BPJS lama", "kartu keluarga lama"],
            "year": ["2019", "2015", "2020"],
            "fee": ["Rp 150 ribu", "Rp 200 ribu", "Rp 300 ribu"],
        },
        hoax=[
            "{doc} yang dibuat sebelum {year} tidak berlaku lagi, wajib diganti dengan biaya {fee}.",
            "Pengumuman Dukcapil: {doc} terbitan sebelum {year} diblokir, segera perbarui dan bayar {fee}.",
            "Mulai bulan depan {doc} sebelum {year} tidak bisa dipakai untuk layanan apa pun.",
            "Cepat ganti {doc} kalian! Yang dibuat sebelum {year} harus diurus ulang, biayanya {fee}.",
        ],
        claim="{doc} yang dibuat sebelum {year} tidak berlaku dan harus diganti dengan biaya {fee}",
        fact="{doc} tetap berlaku sesuai ketentuannya dan layanan administrasi kependudukan tidak dipungut biaya",
        authority="Dukcapil Kemendagri",
        news=[
            "Dukcapil meluncurkan identitas kependudukan digital yang bisa disimpan di ponsel.",
            "Layanan administrasi kependudukan dibuka hari Sabtu di beberapa kecamatan.",
        ],
        announce=["Seluruh layanan Dukcapil gratis. Laporkan petugas yang meminta bayaran ke nomor pengaduan resmi."],
        personal=[
            "Saya sempat antre mau ganti {doc} gara-gara pesan grup. Petugasnya bilang tidak perlu, "
            "punya saya masih berlaku."
        ],
        jokes=["{doc} sebelum {year} tidak berlaku? Foto di KTP-ku juga sudah tidak berlaku, mukaku berubah 🤣"],
    ),
    # ---------------------------------------------------------------- crime and kidnapping panics (held out)
    dict(
        genre="crime_panic",
        id="ambulance_kidnap",
        slots={"vehicle": ["mobil ambulans", "minibus putih", "mobil boks", "angkot"], "city": CITIES[:16]},
        hoax=[
            "Waspada! Penculik anak berkeliaran pakai {vehicle} di sekitar sekolah di {city}.",
            "Sudah tiga anak hilang di {city}, pelakunya pakai {vehicle}. Jemput anak kalian tepat waktu!",
            "Komplotan penculik dengan {vehicle} mengincar anak SD di {city}. Info dari polsek setempat.",
            "Tadi pagi ada percobaan penculikan pakai {vehicle} di depan SD {city}. Sebarkan ke grup wali murid!",
        ],
        claim="ada penculik anak yang memakai {vehicle} di sekitar sekolah di {city}",
        fact="polisi tidak menerima laporan penculikan dengan {vehicle} di {city}; foto yang beredar kejadian "
        "lama di daerah lain",
        authority="Polres {city}",
        news=[
            "Polres {city} menambah patroli di sekitar sekolah pada jam pulang untuk menenangkan orang tua.",
            "Seorang anak yang dilaporkan hilang di {city} ditemukan selamat di rumah kerabatnya.",
        ],
        announce=[
            "Polres {city}: laporkan kejadian mencurigakan ke 110. Jangan menyebarkan pesan yang belum dikonfirmasi."
        ],
        personal=[
            "Anak saya sekolah di {city}, sejak pesan {vehicle} itu beredar, semua orang tua jadi curiga "
            "sama tiap ambulans yang lewat.",
            "Saya sopir {vehicle} di {city}. Gara-gara hoaks penculikan, saya sempat dihadang warga.",
        ],
        jokes=[
            "Sekarang setiap {vehicle} lewat dicurigai penculik. Tukang sayur pakai angkot juga ditanya-tanya 😅 "
            "(candaan)"
        ],
    ),
    dict(
        genre="crime_panic",
        id="organ_syndicate",
        slots={"city": CITIES[4:20], "victim": ["anak SD", "balita", "remaja putri", "anak jalanan"]},
        hoax=[
            "Sindikat penjual organ menculik {victim} di {city}, korban ditemukan tanpa ginjal.",
            "Jual beli organ tubuh marak di {city}! {victim} diculik lalu organnya diambil.",
            "Video korban penjualan organ di {city} beredar, polisi menutupi. Jaga {victim} kalian!",
            "Komplotan dari luar negeri mencari {victim} di {city} untuk diambil organnya.",
        ],
        claim="sindikat penjual organ menculik {victim} di {city}",
        fact="tidak ada kasus penculikan untuk perdagangan organ di {city}; video itu berasal dari negara lain",
        authority="Polda setempat",
        news=[
            "Polisi membongkar perdagangan orang yang mengirim pekerja ilegal ke luar negeri melalui {city}.",
            "Dinas sosial {city} mendata anak jalanan untuk program pendidikan gratis.",
        ],
        announce=["Layanan pengaduan perlindungan anak tersedia 24 jam di nomor SAPA 129."],
        personal=[
            "Ibu-ibu di {city} sampai melarang anaknya main di luar gara-gara pesan penjualan organ. "
            "Padahal tidak ada kejadian."
        ],
        jokes=["Kalau ada yang mau ambil ginjalku, silakan, asal sekalian bayar cicilanku 😂 #satire #bercanda"],
    ),
    dict(
        genre="crime_panic",
        id="drugged_candy",
        slots={
            "item": ["permen", "tisu", "kartu nama", "semprotan parfum", "uang receh"],
            "place": ["taman bermain", "SPBU", "pasar", "lampu merah", "depan sekolah"],
        },
        hoax=[
            "Modus baru penculikan: {item} berisi obat bius dibagikan di {place}. Korban langsung pingsan!",
            "Hati-hati menerima {item} dari orang asing di {place}, sudah dicampur bius.",
            "Korban kejahatan di {place} pingsan setelah mencium {item} pemberian orang tak dikenal.",
            "Pesan dari polisi: jangan terima {item} di {place}, itu modus bius untuk merampok dan menculik.",
        ],
        claim="{item} berisi obat bius dibagikan di {place} untuk menculik dan merampok",
        fact="polisi menyatakan tidak ada laporan modus {item} berisi bius di {place}; pesan serupa sudah beredar "
        "sejak bertahun-tahun",
        authority="Polri",
        news=[
            "Polisi menangkap pelaku pencurian dengan modus pecah kaca di area {place}.",
            "Warga diimbau tetap waspada di {place} dan menyimpan barang berharga dengan aman.",
        ],
        announce=[
            "Polri: laporkan kejahatan melalui layanan 110. Pesan berantai tanpa sumber jelas jangan disebarkan."
        ],
        personal=["Di {place} saya pernah ditawari {item} sama sales, ternyata memang cuma promosi produk."],
        jokes=[
            "Ditawari {item} di {place}, aku langsung kabur. Ternyata mas-mas promosi gratis, nyesel deh 😂 #becanda"
        ],
    ),
    dict(
        genre="crime_panic",
        id="gang_attack",
        slots={
            "area": ["Jakarta Timur", "Depok", "Bekasi Utara", "Bogor Barat", "Tangerang Selatan", "Cimahi"],
            "when": ["malam ini", "besok malam", "malam Minggu ini"],
        },
        hoax=[
            "Geng motor akan menyerang kampung-kampung di {area} {when}. Warga siaga, tutup gang!",
            "Ratusan anggota geng motor berkumpul, target serangan {area} {when}. Jangan keluar rumah.",
            "Info dari grup keamanan: {area} diserang geng motor {when}, bawa senjata tajam.",
            "Balas dendam geng motor ke {area} {when}. Polisi sudah angkat tangan!",
        ],
        claim="geng motor akan menyerang kampung di {area} {when}",
        fact="polisi tidak menemukan rencana penyerangan; pesan itu pernah beredar dengan nama daerah lain",
        authority="Polres setempat",
        news=[
            "Polisi menangkap anggota geng motor yang melukai pelajar di {area} pekan lalu.",
            "Warga {area} menggelar ronda malam untuk mencegah pencurian kendaraan.",
        ],
        announce=["Polres: patroli malam ditingkatkan di {area}. Hubungi 110 bila ada gangguan keamanan."],
        personal=[
            "Tinggal di {area}, semalam warga begadang jaga gang gara-gara pesan geng motor. Tidak ada "
            "apa-apa, cuma kopi habis."
        ],
        jokes=["Geng motor mau serang {area}? Jalan kampungku rusak parah, motornya pasti mogok duluan 🤣 #satire"],
    ),
    dict(
        genre="crime_panic",
        id="fake_driver_robber",
        slots={
            "disguise": ["ojek online", "kurir paket", "petugas PLN", "petugas sensus"],
            "city": CITIES[:14],
            "victims": ["lima", "tujuh", "sepuluh"],
        },
        hoax=[
            "Begal menyamar jadi {disguise} di {city}, sudah {victims} korban tewas!",
            "Awas, penjahat berpakaian {disguise} masuk rumah-rumah di {city} lalu merampok.",
            "{victims} orang jadi korban perampok yang menyamar sebagai {disguise} di {city}. Jangan buka pintu!",
            "Modus {disguise} palsu di {city}, korban dibius dan dirampok. Sudah {victims} kejadian.",
        ],
        claim="perampok yang menyamar sebagai {disguise} sudah memakan {victims} korban di {city}",
        fact="polisi {city} tidak mencatat rangkaian kejadian seperti itu; pesan ini menggabungkan kasus lama "
        "dari daerah berbeda",
        authority="Polres {city}",
        news=[
            "Seorang {disguise} di {city} menjadi korban begal dan motornya dirampas, pelaku sudah ditangkap.",
            "Perusahaan meminta pelanggan memeriksa identitas {disguise} melalui aplikasi resmi.",
        ],
        announce=["Petugas resmi selalu membawa kartu identitas. Cek keasliannya lewat nomor layanan pelanggan."],
        personal=["Saya {disguise} di {city}. Sejak pesan itu viral, banyak pelanggan takut buka pintu. Sedih juga."],
        jokes=["Sekarang kurir datang, aku wawancara dulu tiga pertanyaan kayak tes CPNS 😂 (bercanda ya)"],
    ),
    dict(
        genre="crime_panic",
        id="disguised_kidnapper",
        slots={
            "disguise": ["orang gila", "pengemis", "penjual mainan", "badut jalanan"],
            "city": CITIES[8:24],
            "place": ["pasar", "alun-alun", "depan sekolah", "masjid"],
        },
        hoax=[
            "Penculik menyamar jadi {disguise} di {place} {city}, bawa karung untuk membawa anak.",
            "Hati-hati dengan {disguise} di {place}, mereka komplotan penculik anak dari luar kota.",
            "Tertangkap basah! {disguise} di {city} ternyata penculik, di karungnya ada anak kecil.",
            "Jangan biarkan anak dekat {disguise} di {place} {city}, sudah ada anak yang hilang.",
        ],
        claim="penculik anak menyamar sebagai {disguise} di {place} {city}",
        fact="tidak ada laporan penculikan oleh {disguise} di {city}; seorang {disguise} sempat dianiaya warga "
        "karena hoaks ini",
        authority="Polres {city}",
        news=[
            "Dinas sosial {city} menjangkau warga telantar di {place} dan membawanya ke panti.",
            "Polisi meminta warga tidak main hakim sendiri setelah seorang {disguise} dipukuli karena dituduh "
            "menculik.",
        ],
        announce=["Polres {city}: tuduhan penculikan harus dilaporkan ke polisi, bukan dihakimi sendiri."],
        personal=[
            "Di {place} dekat rumah memang ada {disguise} yang tiap hari lewat. Dia ramah sama anak-anak, "
            "kasihan sekarang dicurigai."
        ],
        jokes=["Badut ulang tahun anakku ditanya KTP dulu sama tamu gara-gara hoaks penculik 😅 #becanda"],
    ),
    # ---------------------------------------------------------------- political fabrications
    dict(
        genre="political",
        id="savings_seized",
        slots={
            "amount": ["Rp 100 juta", "Rp 500 juta", "Rp 50 juta"],
            "when": ["tahun depan", "bulan depan", "setelah pemilu"],
        },
        hoax=[
            "Pemerintah akan menyita tabungan di atas {amount} {when} untuk membayar utang negara. Tarik uang kalian!",
            "Bocoran rapat kabinet: simpanan nasabah lebih dari {amount} dibekukan {when}.",
            "Negara bangkrut, rekening di atas {amount} akan dipotong 30 persen {when}.",
            "Segera pindahkan uang! Deposito di atas {amount} diambil alih negara {when}.",
        ],
        claim="pemerintah akan menyita tabungan di atas {amount} {when}",
        fact="simpanan dijamin LPS hingga Rp 2 miliar per nasabah per bank dan tidak ada rencana penyitaan",
        authority="LPS dan Kementerian Keuangan",
        news=[
            "Lembaga Penjamin Simpanan mempertahankan tingkat bunga penjaminan simpanan rupiah.",
            "Kementerian Keuangan melaporkan posisi utang pemerintah dalam APBN Kita bulan ini.",
        ],
        announce=["LPS menjamin simpanan nasabah hingga Rp 2 miliar per bank. Cek syarat penjaminan di situs resmi."],
        personal=[
            "Bapak saya panik mau tarik semua deposito gara-gara pesan penyitaan. Setelah ditelepon "
            "pihak bank, baru tenang."
        ],
        jokes=["Tabungan di atas {amount} mau disita? Aman, saldoku bahkan belum lewat Rp 100 ribu 😂 #becanda"],
    ),
    dict(
        genre="political",
        id="ballot_containers",
        slots={"n": ["tujuh", "sepuluh", "lima"], "port": ["Tanjung Priok", "Tanjung Perak", "Belawan"]},
        hoax=[
            "{n} kontainer surat suara yang sudah dicoblos tiba di {port}. Pemilu sudah diatur!",
            "Temuan mengejutkan di {port}: {n} kontainer surat suara tercoblos untuk satu pasangan calon.",
            "Kawal pemilu! Surat suara tercoblos {n} kontainer diselundupkan lewat {port}.",
            "Sumber di pelabuhan {port} bilang ada {n} kontainer kertas suara yang sudah dicoblos.",
        ],
        claim="{n} kontainer surat suara yang sudah dicoblos tiba di {port}",
        fact="tidak ada kontainer surat suara tercoblos; surat suara dicetak di dalam negeri dan diawasi",
        authority="KPU dan Bawaslu",
        news=[
            "KPU mendistribusikan logistik pemilu ke daerah terpencil dengan pengawalan aparat.",
            "Bawaslu menemukan surat suara rusak di gudang logistik dan meminta penggantian.",
        ],
        announce=["KPU: surat suara dicetak dengan pengawasan dan didistribusikan sesuai jadwal yang diumumkan."],
        personal=[
            "Saya petugas KPPS tahun lalu, surat suara dihitung satu-satu di depan saksi. Cerita "
            "kontainer itu bikin saya geleng-geleng."
        ],
        jokes=["{n} kontainer surat suara? Bikin undangan nikah 300 lembar aja aku pusing 😂 #satire"],
    ),
    dict(
        genre="political",
        id="election_postponed",
        slots={"election": ["pemilu", "pilkada serentak", "pemilihan presiden"], "year": ["2027", "2028", "2030"]},
        hoax=[
            "Resmi! {election} ditunda sampai {year} berdasarkan keputusan presiden.",
            "DPR diam-diam setuju {election} diundur ke {year}. Demokrasi kita dalam bahaya!",
            "Surat keputusan penundaan {election} hingga {year} sudah ditandatangani.",
            "Bocoran: {election} tidak jadi digelar, diundur ke {year} dengan alasan anggaran.",
        ],
        claim="{election} ditunda sampai {year}",
        fact="jadwal {election} ditetapkan undang-undang dan KPU; tidak ada keputusan penundaan",
        authority="KPU",
        news=[
            "KPU menetapkan jadwal kampanye dan hari pemungutan suara {election}.",
            "Pemungutan suara ulang digelar di beberapa TPS karena kesalahan prosedur.",
        ],
        announce=["KPU mengajak warga mengecek nama di daftar pemilih tetap melalui situs resmi."],
        personal=["Om saya yakin {election} diundur ke {year}, sampai saya kirim jadwal resmi KPU baru dia percaya."],
        jokes=["{election} diundur ke {year}? Aku juga mau undur deadline skripsi ke {year} 😂 #becanda"],
    ),
    dict(
        genre="political",
        id="foreign_workers",
        slots={"n": ["10 juta", "5 juta", "2 juta"], "region": ["Sulawesi", "Kalimantan", "Indonesia", "Maluku Utara"]},
        hoax=[
            "{n} tenaga kerja asing dari Tiongkok masuk {region} tahun ini, pribumi makin susah kerja!",
            "Data rahasia imigrasi: {n} TKA ilegal sudah menetap di {region}.",
            "Bandara penuh TKA, {n} orang didatangkan ke {region} bulan ini saja.",
            "Pemerintah membuka pintu untuk {n} pekerja asing di {region}, rakyat sendiri dibiarkan menganggur.",
        ],
        claim="{n} tenaga kerja asing masuk {region} tahun ini",
        fact="jumlah tenaga kerja asing yang tercatat jauh di bawah angka itu dan hanya untuk jabatan tertentu",
        authority="Kementerian Ketenagakerjaan",
        news=[
            "Kementerian Ketenagakerjaan merilis data tenaga kerja asing per sektor dan provinsi.",
            "Pemerintah membatasi tenaga kerja asing hanya untuk jabatan ahli yang tidak tersedia di dalam negeri.",
        ],
        announce=["Laporkan dugaan tenaga kerja asing ilegal ke dinas tenaga kerja setempat dengan bukti lengkap."],
        personal=[
            "Saya kerja di kawasan industri di {region}, memang ada beberapa pekerja asing, tapi mayoritas "
            "karyawan orang lokal."
        ],
        jokes=["{n} TKA masuk? Angka segitu lebih banyak dari followers aku dikali seribu 😂 #satire"],
    ),
    dict(
        genre="political",
        id="dpr_allowance",
        slots={
            "amount": ["Rp 1 miliar", "Rp 500 juta", "Rp 300 juta"],
            "item": ["membeli mobil", "jalan-jalan", "pulsa", "membeli rumah"],
        },
        hoax=[
            "Anggota DPR menerima tunjangan {amount} per bulan untuk {item}. Rakyat susah, mereka pesta!",
            "Bocoran slip gaji: tiap anggota dewan dapat {amount} sebulan khusus untuk {item}.",
            "DPR sahkan tunjangan {item} {amount} per orang. Viralkan biar rakyat tahu!",
            "Gaji rakyat kecil 2 juta, anggota DPR dapat {amount} per bulan cuma buat {item}.",
        ],
        claim="anggota DPR menerima tunjangan {amount} per bulan untuk {item}",
        fact="besaran tunjangan anggota DPR diatur dan diumumkan; tidak ada tunjangan {amount} untuk {item}",
        authority="Sekretariat Jenderal DPR",
        news=[
            "Anggota DPR menerima tunjangan perumahan karena tidak lagi menempati rumah dinas.",
            "Lembaga pemantau parlemen meminta rincian anggaran DPR dibuka kepada publik.",
        ],
        announce=["Sekretariat Jenderal DPR mempublikasikan rincian gaji dan tunjangan anggota di situs resmi."],
        personal=[
            "Saya juga kesal soal anggaran DPR, tapi angka {amount} untuk {item} itu tidak ada sumbernya. "
            "Kritik pakai data yang benar saja."
        ],
        jokes=["Tunjangan {item} {amount}? Tunjanganku bulan ini: gorengan dari bos 😂 #bercanda"],
    ),
    dict(
        genre="political",
        id="program_abolished",
        slots={
            "program": ["elpiji 3 kg", "pelajaran agama", "subsidi listrik 900 VA", "BPJS gratis"],
            "when": ["bulan depan", "tahun depan", "mulai Januari"],
        },
        hoax=[
            "Pemerintah akan menghapus {program} {when}. Rakyat kecil makin dicekik!",
            "Sudah diputuskan: {program} dihapus {when}. Yang protes akan ditangkap.",
            "Menteri keceplosan, {program} hilang {when}. Sebarkan sebelum dihapus beritanya!",
            "Bocoran rapat: {program} tidak ada lagi {when}, diganti program titipan asing.",
        ],
        claim="pemerintah akan menghapus {program} {when}",
        fact="tidak ada keputusan menghapus {program}; perubahan kebijakan diumumkan resmi dan dibahas terbuka",
        authority="kementerian terkait",
        news=[
            "Pemerintah mewajibkan pembelian elpiji 3 kg menunjukkan KTP agar subsidi tepat sasaran.",
            "DPR dan pemerintah membahas anggaran subsidi energi untuk tahun depan.",
        ],
        announce=["Pembelian elpiji 3 kg di pangkalan resmi wajib menunjukkan KTP mulai bulan ini."],
        personal=[
            "Warung saya masih jual elpiji 3 kg seperti biasa. Pembeli pada tanya soal kabar {program} "
            "dihapus, saya bilang belum ada info resmi."
        ],
        jokes=["{program} dihapus {when}? Yang beneran dihapus itu chat mantan 🤣 #becanda"],
    ),
]

# ---------------------------------------------------------------------------------------------------------
# generic skeletons (filled with a topic's claim, fact and authority)
# ---------------------------------------------------------------------------------------------------------
DEBUNK = [
    "[HOAKS] Beredar pesan berantai bahwa {claim}. Faktanya, {fact} ({authority}).",
    "Cek fakta: kabar bahwa {claim} tidak benar. {Fact}.",
    "Klarifikasi {authority}: informasi bahwa {claim} adalah hoaks. {Fact}.",
    "Jangan percaya pesan yang bilang {claim}. Itu hoaks dan sudah dibantah {authority}.",
    "Pesan soal {claim} itu hoaks lama yang diedarkan ulang. {Fact}. Saring sebelum sharing.",
    "Hati-hati, ada hoaks lagi: {claim}. Menurut {authority}, {fact}.",
    "Disinformasi! Unggahan yang menyebut {claim} sudah diverifikasi {authority} dan dinyatakan salah.",
    "Mohon tidak meneruskan pesan yang menyebut {claim}. {Fact}. Kalau ragu, cek dulu ke sumber resmi.",
    "Tim cek fakta menelusuri klaim bahwa {claim}. Hasilnya: keliru. {Fact}.",
    "Buat grup keluarga: info {claim} itu hoaks ya. {Fact} 🙏",
    "Lagi ramai lagi nih hoaks {claim}. Sudah dibantah {authority}, jangan ikut menyebarkan.",
    "Waspada hoaks! Kabar {claim}? Tidak benar. {Fact}. Sebarkan klarifikasi ini, bukan hoaksnya.",
    "MENYESATKAN: klaim {claim}. {authority} menegaskan {fact}.",
    "Kominfo memberi label hoaks pada konten yang menyebut {claim}. {Fact}.",
    "Itu tidak benar ya. Yang beredar bilang {claim}, padahal {fact}.",
    "Luruskan dulu sebelum makin ramai: {claim} itu kabar bohong. Sumber resmi: {authority}.",
    "Sudah dicek ke {authority}: klaim {claim} keliru. {Fact}.",
    "Penjelasan singkat buat yang dapat pesan {claim}: {fact}. Tolong hapus, jangan diteruskan.",
]
QUESTION = [
    "Apa benar {claim}? Dapat pesan ini dari grup keluarga, mohon pencerahan.",
    "Ada yang tahu ini hoaks atau bukan? Katanya {claim}.",
    "Min, mau tanya, benar tidak sih {claim}? Takut ikut menyebarkan yang salah.",
    "Barusan dapat pesan berantai: {claim}. Ini valid tidak ya? Ada sumber resminya?",
    "{authority}, mohon konfirmasi: benarkah {claim}?",
    "Serius nanya, {claim} itu beneran atau hoax? Tolong yang paham jelaskan.",
    "Tolong dong yang ngerti, katanya {claim}. Sumbernya dari mana ya?",
    "Ini asli atau editan? Di grup kantor ramai soal {claim}.",
    "Adakah yang bisa memastikan kabar {claim}? Mau saya teruskan ke orang tua tapi ragu.",
]
PERSONAL = [
    "Ibu saya hampir percaya pesan yang bilang {claim}. Untung sempat saya cek dulu, ternyata hoaks.",
    "Tadi di grup RT ada yang menyebarkan kabar {claim}. Saya bilang sudah dibantah {authority}, malah "
    "dibilang sok tahu 😅",
    "Pengalaman pribadi: dulu saya ikut menyebarkan info {claim}. Sekarang saya selalu cek dulu sebelum share.",
    "Bapak saya tiap hari dapat pesan kayak gini: {claim}. Capek juga menjelaskan satu per satu.",
    "Kemarin saya debat panjang sama tante soal {claim}. Akhirnya saya kirim tautan klarifikasi resmi.",
    "Di kantor ada yang heboh bilang {claim}. Saya diam saja dulu, cari beritanya di media resmi.",
]
JOKE = [
    "Katanya {claim}. Kalau beneran, aku sudah jadi sultan dari kemarin 😂 #becanda #hoaks",
    "(JOKE) Grup keluarga hari ini: {claim}. Aku: sudah minum obat, Om? 🤣 *bercanda, itu hoaks ya*",
    "Satire ya: mulai besok {claim}, dan kucingku jadi ketua RT 😹 #satire",
    "Level grup WA keluarga: {claim}. Level aku: cek fakta dulu, baru ketawa 😆 (candaan, jangan dianggap serius)",
    "Plot twist hari ini: {claim}. Besok apa lagi, bumi datar? 🤣 #receh #bercanda",
    "Disclaimer: ini lelucon. Kalau {claim}, aku mau daftar jadi ketua panitianya 😂",
]
ANNOUNCE_WRAP = ["{text}", "INFO RESMI: {text}", "Pengumuman: {text}", "{text} Terima kasih.", "[RILIS RESMI] {text}"]
NEWS_WRAP = [
    "{text}",
    "{text} (Antara)",
    "BERITA TERKINI: {text}",
    "{text} Baca selengkapnya di situs kami.",
    "Jakarta - {text}",
]

# broadcast formulas of hoaxes
HOAX_PREFIX = [
    "Info dari grup sebelah:",
    "Copas dari grup RT:",
    "INFO A1!!",
    "Penting!!!",
    "Pesan dari teman yang kerja di {authority}:",
    "Baca sampai habis.",
    "Mohon perhatian semua:",
    "Berita terkini, belum masuk TV:",
    "Assalamualaikum bapak ibu,",
    "Dari grup alumni, penting:",
    "Teruskan ke keluarga!",
    "Kabar dari saudara di lapangan:",
]
HOAX_SUFFIX = [
    "SEBARKAN!!",
    "Sebarkan ke keluarga dan teman.",
    "Jangan berhenti di kamu.",
    "Ini bukan hoax, sudah dikonfirmasi.",
    "Share sebelum dihapus!",
    "Demi keselamatan kita semua 🙏",
    "Viralkan!!!",
    "Tolong teruskan ke 10 grup.",
    "Kalau tidak percaya, silakan buktikan sendiri.",
    "Berita ini tidak akan muncul di TV.",
    "Semoga bermanfaat, bagikan!",
    "Yang sayang keluarga pasti share.",
]
DEBUNK_SUFFIX = [
    "#CekFakta #LawanHoaks",
    "Saring sebelum sharing.",
    "Cek selalu di turnbackhoax.id.",
    "Sumber: cekfakta.com",
    "#JanganAsalShare",
    "",
]
QUESTION_SUFFIX = ["cmiiw", "makasih sebelumnya 🙏", "ada yang tahu?", "", "mohon infonya"]

EMOJI = ["⚠️", "🚨", "😱", "🙏", "📢", "‼️", "😭", "🔥", "❗", "👇"]
SLANG = {
    "tidak": "gak",
    "sudah": "udah",
    "yang": "yg",
    "dengan": "dgn",
    "untuk": "buat",
    "saja": "aja",
    "sangat": "banget",
    "karena": "krn",
    "sekarang": "skrg",
    "bagaimana": "gimana",
    "benar": "bener",
    "memang": "emang",
    "begitu": "gitu",
    "kalau": "kalo",
    "juga": "jg",
    "dari": "dr",
    "orang": "org",
    "hanya": "cuma",
    "belum": "blm",
    "tahu": "tau",
    "lagi": "lg",
    "jangan": "jgn",
    "banyak": "byk",
    "harus": "hrs",
    "semua": "smua",
    "saya": "aku",
    "bapak": "bpk",
    "ibu": "bu",
    "tetapi": "tapi",
    "mereka": "mrk",
    "sebelum": "sblm",
    "setelah": "stlh",
    "teman": "temen",
    "bilang": "blg",
    "terima kasih": "makasih",
    "silakan": "silahkan",
    "keluarga": "kluarga",
    "segera": "buruan",
    "berita": "brita",
    "mengirim": "ngirim",
    "menyebarkan": "nyebarin",
    "percaya": "prcaya",
}
SLANG_TAIL = ["", "", " gaes", " wkwk", " sih", " deh", " nih", " guys", " cuy"]
LEET = str.maketrans({"a": "4", "e": "3", "i": "1", "o": "0"})

REGISTER_WEIGHTS = {  # kind -> register weights (formal, slang, alay, caps_emoji)
    "hoax_post": (0.30, 0.25, 0.15, 0.30),
    "debunk": (0.45, 0.25, 0.05, 0.25),
    "question": (0.25, 0.50, 0.15, 0.10),
    "personal": (0.35, 0.45, 0.15, 0.05),
    "joke": (0.15, 0.55, 0.25, 0.05),
    "news": (0.85, 0.05, 0.0, 0.10),
    "announcement": (0.65, 0.05, 0.0, 0.30),
}
REGISTERS = ("formal", "slang", "alay", "caps_emoji")
PLATFORM_WEIGHTS = {  # kind -> (whatsapp, facebook, x, instagram)
    "hoax_post": (0.45, 0.30, 0.15, 0.10),
    "debunk": (0.25, 0.30, 0.25, 0.20),
    "question": (0.30, 0.35, 0.25, 0.10),
    "personal": (0.20, 0.40, 0.25, 0.15),
    "joke": (0.15, 0.25, 0.35, 0.25),
    "news": (0.10, 0.35, 0.35, 0.20),
    "announcement": (0.20, 0.30, 0.25, 0.25),
}
PLATFORMS = ("whatsapp", "facebook", "x", "instagram")
QUOTA = {"hoax_post": 13, "debunk": 7, "question": 3, "personal": 2, "news": 2, "announcement": 2, "joke": 2}
NEAR_DUP = 0.8


# ---------------------------------------------------------------------------------------------------------
# generation
# ---------------------------------------------------------------------------------------------------------
def _cap(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


def _fill(template: str, values: dict[str, str]) -> str:
    return template.format(**values, **{_cap(k): _cap(v) for k, v in values.items()})


def _slang(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    out = []
    for w in words:
        core = w.rstrip(".,!?:;")
        tail = w[len(core) :]
        rep = SLANG.get(core.lower())
        out.append((rep if rep and rng.random() < 0.8 else core.lower()) + tail)
    s = " ".join(out)
    s = re.sub(r"\.(\s|$)", lambda m: ("," if rng.random() < 0.5 else "") + m.group(1), s)
    return s.rstrip(" ,") + rng.choice(SLANG_TAIL)


def _alay(text: str, rng: random.Random) -> str:
    words = _slang(text, rng).split(" ")
    out = []
    for w in words:
        if len(w) >= 4 and w.isalpha() and rng.random() < 0.3:
            w = w.translate(LEET)
        elif len(w) >= 4 and w.isalpha() and rng.random() < 0.15:
            w = "".join(c.upper() if i % 2 else c for i, c in enumerate(w))
        elif len(w) >= 3 and w.isalpha() and rng.random() < 0.1:
            w = w + w[-1] * rng.randint(2, 4)
        out.append(w)
    return " ".join(out)


def _caps(text: str, rng: random.Random) -> str:
    s = text.upper().replace("!", "!!!")
    s = re.sub(r"\.(\s|$)", lambda m: rng.choice(["!!", "!!!", "."]) + m.group(1), s)
    e1, e2 = rng.sample(EMOJI, 2)
    return f"{e1}{e1} {s} {e2}" if rng.random() < 0.6 else f"{s} {e1}{e2}{e2}"


def apply_register(text: str, register: str, rng: random.Random) -> str:
    if register == "slang":
        return _slang(text, rng)
    if register == "alay":
        return _alay(text, rng)
    if register == "caps_emoji":
        return _caps(text, rng)
    return text


def apply_platform(text: str, platform: str, kind: str, rng: random.Random) -> str:
    if platform == "x" and len(text) > 280:
        cut = text[:277]
        text = cut[: cut.rfind(" ")] + "..."
    if platform == "instagram" and rng.random() < 0.7:
        tags = {
            "hoax_post": ["#info", "#viral", "#waspada", "#penting"],
            "debunk": ["#cekfakta", "#hoaks", "#literasidigital"],
            "joke": ["#receh", "#humor", "#satire"],
            "news": ["#berita", "#news"],
            "announcement": ["#pengumuman", "#inforesmi"],
        }.get(kind, ["#tanya", "#cerita"])
        text += "\n\n" + " ".join(rng.sample(tags, min(2, len(tags))))
    if platform == "whatsapp" and kind == "hoax_post" and rng.random() < 0.3:
        text = "*" + text.split(". ")[0] + "*" + (". " + ". ".join(text.split(". ")[1:]) if ". " in text else "")
    if platform == "x" and kind in ("debunk", "question") and rng.random() < 0.3:
        text = rng.choice(["@kemkominfo ", "@cekfakta ", "@turnbackhoax "]) + text
    return text


def _choice_weighted(rng: random.Random, options: tuple[str, ...], weights: tuple[float, ...]) -> str:
    return rng.choices(options, weights=weights, k=1)[0]


def _slot_values(topic: dict[str, Any], rng: random.Random) -> dict[str, str]:
    return {k: rng.choice(v) for k, v in topic["slots"].items()}


def _pool(items: list[str], held_out: bool) -> list[str]:
    """The part of a generic pool a topic may use: every third item for held-out genres, the rest for the
    others, so that the test genres are also phrased with skeletons and formulas never seen in training."""
    return [x for i, x in enumerate(items) if (i % 3 == 2) == held_out]


def _candidates(topic: dict[str, Any], kind: str, rng: random.Random) -> tuple[str, dict[str, str]]:
    """One raw (formal) text of `kind` for `topic`, and the slot values used."""
    held = topic["genre"] in HELD_OUT_GENRES
    debunk_pool, question_pool, personal_pool, joke_pool = (_pool(p, held) for p in (DEBUNK, QUESTION, PERSONAL, JOKE))
    hoax_prefix_pool, hoax_suffix_pool, debunk_suffix_pool, question_suffix_pool = (
        _pool(p, held) for p in (HOAX_PREFIX, HOAX_SUFFIX, DEBUNK_SUFFIX, QUESTION_SUFFIX)
    )
    announce_wrap_pool, news_wrap_pool = (_pool(p, held) for p in (ANNOUNCE_WRAP, NEWS_WRAP))
    values = _slot_values(topic, rng)
    claim = _fill(topic["claim"], values)
    fact = _fill(topic["fact"], values)
    authority = _fill(topic["authority"], values)
    ctx = {**values, "claim": claim, "fact": fact, "authority": authority}
    if kind == "hoax_post":
        text = _fill(rng.choice(topic["hoax"]), values)
        if rng.random() < 0.45:
            text = _fill(rng.choice(hoax_prefix_pool), ctx) + " " + text
        if rng.random() < 0.6:
            text = text + " " + rng.choice(hoax_suffix_pool)
        return text, values
    if kind == "debunk":
        text = _fill(rng.choice(debunk_pool), ctx)
        suffix = rng.choice(debunk_suffix_pool)
        return (text + " " + suffix).strip(), values
    if kind == "question":
        return (_fill(rng.choice(question_pool), ctx) + " " + rng.choice(question_suffix_pool)).strip(), values
    if kind == "personal":
        pool = [(t, True) for t in topic["personal"]] + [(t, False) for t in personal_pool]
        t, _ = rng.choice(pool)
        return _fill(t, ctx), values
    if kind == "joke":
        pool = topic["jokes"] + joke_pool
        return _fill(rng.choice(pool), ctx), values
    if kind == "news":
        return _fill(rng.choice(news_wrap_pool), {"text": _fill(rng.choice(topic["news"]), ctx)}), values
    if kind == "announcement":
        return _fill(rng.choice(announce_wrap_pool), {"text": _fill(rng.choice(topic["announce"]), ctx)}), values
    raise ValueError(kind)


def generate(seed: int = SEED) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    # Duplicates are found with the reading the committed file was written with (version 2): a newer normaliser
    # must not redraw a dataset whose card pins its sha256.
    normalizer = Normalizer(BUILTIN_SLANG, version="2")
    seen: set[str] = set()
    records: list[dict[str, Any]] = []
    for topic in TOPICS:
        accepted: dict[str, list[set[str]]] = {}
        for kind, quota in QUOTA.items():
            got = 0
            attempts = 0
            while got < quota and attempts < quota * 60:
                attempts += 1
                raw, _ = _candidates(topic, kind, rng)
                register = _choice_weighted(rng, REGISTERS, REGISTER_WEIGHTS[kind])
                platform = _choice_weighted(rng, PLATFORMS, PLATFORM_WEIGHTS[kind])
                text = apply_platform(apply_register(raw, register, rng), platform, kind, rng)
                norm = normalizer.normalize(text)
                if norm in seen:
                    continue
                toks = {t for t in norm.split() if any(c.isalnum() for c in t)}
                if any(len(toks & o) / max(len(toks | o), 1) >= NEAR_DUP for o in accepted.get(kind, [])):
                    continue
                seen.add(norm)
                accepted.setdefault(kind, []).append(toks)
                records.append(
                    {
                        "text": text,
                        "hoax": int(kind == "hoax_post"),
                        "genre": topic["genre"],
                        "topic": topic["id"],
                        "kind": kind,
                        "register": register,
                        "platform": platform,
                        "split": "test" if topic["genre"] in HELD_OUT_GENRES else "train",
                    }
                )
                got += 1
    for i, r in enumerate(records, start=1):
        digest = hashlib.sha256(r["text"].encode("utf-8")).hexdigest()[:8]
        r["id"] = f"shp-{i:04d}-{digest}"
    keys = ("id", "text", "hoax", "genre", "topic", "kind", "register", "platform", "split")
    # Decontamination, after the ids are given so that dropping a post renumbers nothing: a post that shares half
    # its words with a committed evaluation case (model.overlap) would teach that case; it is dropped, not redrawn.
    evaluation = NearCopyIndex(evaluation_case_texts())
    return [{k: r[k] for k in keys} for r in records if not evaluation.is_near_copy(r["text"])]


def to_jsonl(records: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def summary(records: list[dict[str, Any]]) -> str:
    lines = [
        f"{len(records)} posts: {sum(r['hoax'] for r in records)} hoax, {sum(1 - r['hoax'] for r in records)} not hoax"
    ]
    for key in ("genre", "kind", "register", "platform", "split"):
        c = Counter((r[key], r["hoax"]) for r in records)
        vals = sorted({r[key] for r in records})
        lines.append(f"{key}: " + ", ".join(f"{v} {c[(v, 1)]}/{c[(v, 0)]}" for v in vals) + "  (hoax/not)")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--check", action="store_true", help="fail if the committed file differs from a fresh run")
    args = ap.parse_args()
    records = generate(args.seed)
    data = to_jsonl(records)
    if args.check:
        same = args.out.is_file() and args.out.read_text(encoding="utf-8") == data
        print("up to date" if same else f"{args.out} differs from a fresh run; regenerate it")
        return 0 if same else 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".jsonl.tmp")
    tmp.write_text(data, encoding="utf-8")
    tmp.replace(args.out)
    print(summary(records))
    print("sha256", hashlib.sha256(data.encode("utf-8")).hexdigest())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
