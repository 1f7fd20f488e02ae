"""Write datasets/saring_register_posts/posts.jsonl: short Indonesian posts in the registers the public corpora
lack (Jakarta colloquial gue/lu, alay spelling, regional code-mixing, capitals with emoji), labelled for all
three saring risks, with hard negatives written beside every positive.

Everything here was written by the saring team for this purpose; no post was copied from a platform or a
dataset, and every person, village, regency, company and phone number is invented. Four parts:

* group hate (incitement = 1) and its counterfactuals (all risks 0): the same group slots with a changed
  attitude or verb: counter-speech quoting or naming the hate, negated hate, neutral mentions, praise,
  profanity with no protected target, abuse of weather, traffic, phones, apps and football clubs;
* slander of (fictional) persons, officials and institutions (slander = 1) and its hard negatives: neutral
  news of an investigation, criticism of performance, citizens' complaints, praise, questions to officials;
* benign posts of many functions (all risks 0);
* hoaxes (hoax = 1: a checkable false claim stated as fact, with and without broadcast formulas) and posts
  that look as urgent but are not hoaxes (true notices, debunks, questions, opinions), in the same styles.

A template family (`template`) is a handful of templates of one kind; about 15% of the families of each kind
are held out (split = test, allocated per kind by largest remainder, chosen by a seeded hash), so the test
rows are phrased with templates never seen in training. Every post gets a register and a platform's habits.
Exact duplicates (lower-cased, whitespace collapsed, and after saring's normaliser) and near duplicates within
a family (token-set Jaccard >= 0.9) are dropped. Deterministic: the same seed writes the same file.

    .venv/bin/python scripts/make_register_posts.py            # writes the file and prints the counts
    .venv/bin/python scripts/make_register_posts.py --check    # regenerates in memory; fails if the file differs
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

OUT = ROOT / "datasets" / "saring_register_posts" / "posts.jsonl"
SEED = 20250611
TEST_SHARE = 0.15
NEAR_DUP = 0.9
REGISTERS = ("formal", "colloquial", "alay", "regional", "caps")
PLATFORMS = ("whatsapp", "facebook", "x", "instagram", "youtube")

# ---------------------------------------------------------------------------------------------------------
# groups (suku, agama, ras / keturunan, antargolongan): the same slots feed hate and its counterfactuals
# ---------------------------------------------------------------------------------------------------------
G = dict
GROUPS: list[dict[str, Any]] = [
    G(cat="suku", bare="Jawa", grp=["orang Jawa"], home="Jawa", food="gudeg", event="Grebeg Sekaten", slur=["Jawir"]),
    G(cat="suku", bare="Sunda", grp=["orang Sunda"], home="Jawa Barat", food="karedok", event="Seren Taun"),
    G(
        cat="suku",
        bare="Batak",
        grp=["orang Batak"],
        home="Tapanuli",
        food="arsik ikan mas",
        event="Festival Danau Toba",
    ),
    G(
        cat="suku",
        bare="Minang",
        grp=["orang Minang", "orang Padang"],
        home="Sumatera Barat",
        food="rendang",
        event="festival Tabuik",
    ),
    G(cat="suku", bare="Madura", grp=["orang Madura"], home="Madura", food="sate Madura", event="karapan sapi"),
    G(cat="suku", bare="Bugis", grp=["orang Bugis"], home="Sulawesi", food="burasa", event="Festival Pinisi"),
    G(cat="suku", bare="Betawi", grp=["orang Betawi"], home="kampungnya", food="kerak telor", event="Lebaran Betawi"),
    G(
        cat="suku",
        bare="Papua",
        grp=["orang Papua"],
        home="Papua",
        food="papeda",
        event="Festival Lembah Baliem",
        slur=["monyet"],
    ),
    G(
        cat="suku",
        bare="Ambon",
        grp=["orang Ambon"],
        home="Maluku",
        food="ikan kuah kuning",
        event="acara Pela Gandong",
    ),
    G(cat="suku", bare="Dayak", grp=["orang Dayak"], home="Kalimantan", food="juhu umbut rotan", event="Gawai Dayak"),
    G(cat="suku", bare="Aceh", grp=["orang Aceh"], home="Aceh", food="mie Aceh", event="pertunjukan tari Saman"),
    G(
        cat="suku",
        bare="Tionghoa",
        grp=["orang Tionghoa", "warga keturunan Tionghoa"],
        home="Tiongkok",
        food="kue keranjang",
        event="Cap Go Meh",
        slur=["Cokin", "aseng"],
    ),
    G(cat="suku", bare="Nias", grp=["orang Nias"], home="Nias", event="atraksi lompat batu"),
    G(cat="suku", bare="Flores", grp=["orang Flores"], home="Flores", food="kopi Bajawa", event="Festival Reba"),
    G(
        cat="agama",
        bare="Islam",
        grp=["orang Islam", "umat Islam", "muslim"],
        agama="Islam",
        home="Arab",
        food="ketupat",
        event="Idulfitri",
        ibadah="masjid",
        slur=["kadrun"],
    ),
    G(
        cat="agama",
        bare="Kristen",
        grp=["orang Kristen", "umat Kristiani"],
        agama="Kristen",
        home="Eropa",
        event="Natal",
        ibadah="gereja",
        slur=["kafir"],
    ),
    G(
        cat="agama",
        bare="Katolik",
        grp=["orang Katolik", "umat Katolik"],
        agama="Katolik",
        home="Vatikan",
        event="Paskah",
        ibadah="gereja",
        slur=["kafir"],
    ),
    G(
        cat="agama",
        bare="Hindu",
        grp=["orang Hindu", "umat Hindu"],
        agama="Hindu",
        home="India",
        event="Nyepi",
        ibadah="pura",
        slur=["kafir"],
    ),
    G(
        cat="agama",
        bare="Buddha",
        grp=["umat Buddha", "orang Buddha"],
        agama="Buddha",
        home="Tiongkok",
        event="Waisak",
        ibadah="vihara",
        slur=["kafir"],
    ),
    G(
        cat="agama",
        bare="Konghucu",
        grp=["umat Konghucu"],
        agama="Konghucu",
        home="Tiongkok",
        event="Imlek",
        ibadah="klenteng",
        slur=["kafir"],
    ),
    G(cat="agama", bare="ateis", grp=["orang ateis", "kaum ateis"], slur=["kafir"]),
    G(
        cat="agama",
        bare="Ahmadiyah",
        grp=["jemaah Ahmadiyah", "orang Ahmadiyah"],
        agama="Ahmadiyah",
        home="Pakistan",
        event="Jalsah Salanah",
        ibadah="masjid",
        slur=["Ahmadi sesat"],
    ),
    G(
        cat="agama",
        bare="Syiah",
        grp=["orang Syiah", "penganut Syiah"],
        agama="Syiah",
        home="Iran",
        event="peringatan Asyura",
        ibadah="masjid",
        slur=["rafidhah"],
    ),
    G(cat="ras", bare="Arab", grp=["orang Arab", "keturunan Arab"], home="Arab", food="nasi kebuli", slur=["onta"]),
    G(
        cat="ras",
        bare="Cina",
        grp=["orang Cina", "keturunan Cina"],
        home="Cina",
        food="bakpao",
        event="Imlek",
        slur=["aseng", "Cokin"],
    ),
    G(
        cat="ras",
        bare="India",
        grp=["orang India", "keturunan India"],
        home="India",
        food="roti canai",
        event="Deepavali",
        slur=["keling"],
    ),
    G(cat="ras", bare="bule", grp=["bule", "orang bule"], home="negaranya"),
    G(cat="golongan", bare="pendatang", grp=["pendatang", "kaum pendatang"], home="kampung asalnya"),
    G(cat="golongan", bare="buruh", grp=["buruh", "buruh pabrik"], event="peringatan Hari Buruh"),
    G(cat="golongan", bare="petani", grp=["petani", "para petani"], event="panen raya"),
    G(cat="golongan", bare="orang miskin", grp=["orang miskin", "warga miskin"], slur=["gembel"]),
    G(
        cat="golongan",
        bare="difabel",
        grp=["difabel", "penyandang disabilitas"],
        event="Hari Disabilitas Internasional",
        slur=["orang cacat"],
    ),
    G(cat="golongan", bare="perempuan", grp=["perempuan", "kaum perempuan"], event="Hari Kartini", slur=["betina"]),
    G(cat="golongan", bare="LGBT", grp=["kaum LGBT", "orang LGBT"], slur=["bencong", "banci"]),
    G(cat="golongan", bare="ojol", grp=["driver ojol", "ojol"]),
]
GROUP_KEYS = ("grp", "bare", "home", "food", "event", "ibadah", "agama", "slur", "grp_obf")

# ---------------------------------------------------------------------------------------------------------
# slot pools shared by all parts
# ---------------------------------------------------------------------------------------------------------
POOLS: dict[str, list[str]] = {
    "kota": [
        "Jakarta",
        "Bandung",
        "Surabaya",
        "Semarang",
        "Medan",
        "Makassar",
        "Bekasi",
        "Depok",
        "Bogor",
        "Malang",
        "Palembang",
        "Yogyakarta",
        "Padang",
        "Denpasar",
        "Pekanbaru",
        "Solo",
        "Kupang",
        "Pontianak",
        "Balikpapan",
        "Manado",
        "Tangerang",
        "Cirebon",
        "Jambi",
        "Ambon",
    ],
    "kota2": [
        "Cirebon",
        "Purwokerto",
        "Tasikmalaya",
        "Kediri",
        "Madiun",
        "Tegal",
        "Garut",
        "Magelang",
        "Bukittinggi",
        "Pematangsiantar",
        "Parepare",
        "Jember",
    ],
    "jalan": [
        "Jalan Merdeka",
        "Jalan Sudirman",
        "Jalan Ahmad Yani",
        "Jalan Diponegoro",
        "Jalan Gatot Subroto",
        "Jalan Pahlawan",
        "Jalan Veteran",
        "jalan lingkar",
        "Jalan Pemuda",
        "flyover Pasar Baru",
    ],
    "animal": ["tikus", "kecoa", "anjing", "babi", "hama", "lintah", "monyet", "cacing", "virus"],
    "insult": ["sampah", "parasit", "benalu", "penyakit", "beban", "biang kerok", "kotoran"],
    "insult_obf": ["s4mp4h", "p4r4s1t", "b3n4lu", "s@mpah", "k3c0a", "t1kus", "b*bi", "anj1ng"],
    "trait": [
        "pelit",
        "licik",
        "pemalas",
        "kasar",
        "jorok",
        "tukang tipu",
        "bodoh",
        "tukang bikin rusuh",
        "gak bisa diatur",
        "suka nyolong",
    ],
    "club": [
        "Persija",
        "Persib",
        "Arema",
        "Persebaya",
        "PSM",
        "PSS Sleman",
        "Bali United",
        "Persis",
        "Borneo FC",
        "PSIS",
    ],
    "club2": [
        "Madura United",
        "Dewa United",
        "Persita",
        "Bhayangkara",
        "Barito Putera",
        "Semen Padang",
        "PSBS Biak",
        "Malut United",
    ],
    "hp_brand": ["merek X", "hp murah", "hp second", "tablet", "laptop kantor", "hp lipet"],
    "rt": ["01", "02", "03", "04", "05", "06", "07", "08", "09", "11", "12"],
    "hari": ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"],
    "tgl": [
        "3 Maret",
        "12 April",
        "17 Mei",
        "8 Juni",
        "21 Juli",
        "14 Agustus",
        "2 September",
        "19 Oktober",
        "6 November",
        "11 Desember",
        "25 Januari",
        "9 Februari",
    ],
    "jam": ["07.00", "08.30", "09.00", "10.00", "13.00", "14.00", "19.30", "20.00", "22.00", "02.00"],
    "fname": [
        "Rina",
        "Dedi",
        "Sari",
        "Yoga",
        "Putri",
        "Andi",
        "Wulan",
        "Bayu",
        "Tika",
        "Rizal",
        "Nia",
        "Fajar",
        "Ucok",
        "Made",
        "Intan",
        "Asep",
        "Ujang",
        "Ketut",
        "Dimas",
        "Lina",
    ],
    "fname_full": [
        "Bapak Sutrisno Wibowo",
        "Ibu Hartini Lestari",
        "Bapak Yohanes Sinaga",
        "Ibu Siti Maimunah",
        "Bapak I Wayan Suarta",
        "Ibu Margaretha Pical",
        "Bapak Syamsul Bahri",
        "Ibu Dewi Anggraini",
    ],
    "rel": ["ayahanda", "ibunda", "kakek", "nenek", "suami", "adik"],
    "hp": ["0812 7745 1190", "0813 9021 5567", "0857 3312 8840", "0821 6654 0093", "0878 1209 4471", "0896 5530 2218"],
    "handle": ["pemkab_mekarsari", "dishub_tanahluhur", "pdam_sungaijernih", "humas_bukitrimba", "pln_up3_pesisir"],
    "desa": [
        "Sumberwangi",
        "Karangmulyo Wetan",
        "Mekarwangi Hilir",
        "Sidomakmur Lor",
        "Pasir Kembang",
        "Lubuk Sentosa",
        "Tanjung Harapan Baru",
        "Sukamanah Jaya",
        "Tegalrejo Kidul",
        "Batu Putih Indah",
    ],
    "kec": [
        "Cibening",
        "Wonoasri",
        "Padang Lestari",
        "Batu Ampar Baru",
        "Sungai Keruh Hulu",
        "Gunung Sari Timur",
        "Kalibening Kulon",
        "Teluk Damai",
    ],
    "kab": ["Mekarsari", "Tanah Luhur", "Bukit Rimba", "Sungai Jernih", "Pesisir Indah", "Lembah Hijau", "Danau Biru"],
    "proyek": [
        "jalan kabupaten",
        "jembatan desa",
        "pasar induk",
        "gedung sekolah",
        "saluran irigasi",
        "rumah sakit daerah",
        "pengadaan alat kesehatan",
    ],
    "thn": ["2019", "2020", "2021", "2022", "2023"],
    "jml": ["1,2", "2", "3,5", "4", "7", "12"],
    "inisial": ["DS", "HR", "AW", "MT", "SN", "YP", "RB", "FK"],
    "nominal": ["Rp 600 ribu", "Rp 1,5 juta", "Rp 2,4 juta", "Rp 3,5 juta", "Rp 5 juta", "Rp 7,5 juta"],
    "fee": ["Rp 150 ribu", "Rp 200 ribu", "Rp 350 ribu", "Rp 500 ribu", "Rp 1 juta"],
    "fine": ["Rp 250 ribu", "Rp 500 ribu", "Rp 750 ribu", "Rp 1 juta", "Rp 2 juta"],
    "link": [
        "bit.ly/blt-kemensos-2025",
        "bansos-tunai.online/daftar",
        "s.id/subsidi-warga",
        "klaim-bantuan.site",
        "tinyurl.com/loker-bumn-sma",
        "daftar-bantuan.web.app",
        "program-rakyat.xyz/ktp",
    ],
    "bumn": ["PT KAI", "Pertamina", "PLN", "Telkom", "Pelindo", "Angkasa Pura", "Bank BUMN"],
    "disease": [
        "kanker",
        "diabetes",
        "darah tinggi",
        "asam urat",
        "stroke",
        "kolesterol",
        "maag kronis",
        "batu ginjal",
    ],
    "vaksin": ["campak", "polio", "MR", "HPV", "DPT", "BCG"],
    "sr": ["8,7", "9,1", "8,9", "9,3"],
    "gunung": ["Merapi", "Semeru", "Gede", "Salak", "Kelud", "Sinabung", "Lokon", "Rinjani"],
    "dam": ["Jatiluhur", "Gajah Mungkur", "Karangkates", "Sermo", "Batu Tegi", "Saguling"],
    "pecahan": ["Rp 2.000", "Rp 5.000", "Rp 10.000", "Rp 20.000"],
    "bulan_depan": ["1 Juli", "1 Agustus", "1 September", "1 Oktober", "awal bulan depan", "1 Januari"],
    "waktu": ["sore hingga malam ini", "dini hari nanti", "siang ini", "dalam 3 jam ke depan", "besok pagi"],
    "sekolah": ["SDN 03", "SMPN 2", "SMAN 1", "SDN Sukamaju 1", "SMPN 5", "MI Nurul Huda"],
}
NAMES_M = [
    "Darsono",
    "Heru Santosa",
    "Yohanes Tarigan",
    "Rudi Hartanto",
    "Made Sudarsana",
    "Agus Salimin",
    "Bonifasius Lewa",
    "Hendra Gunawan",
    "Jufri Lamatta",
    "Wayan Sukerta",
    "Taufik Hidayat",
    "Sahat Pardede",
]
NAMES_F = [
    "Ratna Wijayanti",
    "Lilis Suryani",
    "Nurhasanah",
    "Fransiska Bunga",
    "Sulastri",
    "Ani Marlina",
    "Rosmawati",
    "Yuliana Tanamal",
    "Ni Luh Sriani",
    "Eka Puspitasari",
]
NAMES_CN = ["Hendra Gunawan", "Liem Kok Hwa", "Andi Wijaya", "Tan Sin Gie"]
# {who}: (text, target); roles are of invented villages, districts and regencies
WHO: list[tuple[str, str]] = [
    ("Pak Lurah {desa}", "official:lurah"),
    ("Kades {desa}", "official:kepala_desa"),
    ("Bupati {kab}", "official:bupati"),
    ("Pak Camat {kec}", "official:camat"),
    ("Bu Camat {kec}", "official:camat"),
    ("Kepala Dinas PU {kab}", "official:kepala_dinas"),
    ("Kadis Sosial {kab}", "official:kepala_dinas"),
    ("anggota DPRD {kab} {name_m}", "official:anggota_dprd"),
    ("anggota DPRD {kab} Bu {name_f}", "official:anggota_dprd"),
    ("Pak RW {rt} {name_m}", "official:ketua_rw"),
    ("Kepala sekolah {sekolah} Bu {name_f}", "official:kepala_sekolah"),
    ("Pak {name_m}", "person:named"),
    ("Bu {name_f}", "person:named"),
    ("Haji {name_m}", "person:named"),
    ("Koh {name_cn}", "person:named"),
    ("ketua koperasi {name_m}", "person:named"),
    ("Hajah {name_f}", "person:named"),
]
INST: dict[str, list[tuple[str, str]]] = {  # {inst}: any; {inst_health}: patients; {inst_fin}: customers, staff
    "inst": [
        ("Dinas Sosial {kab}", "institution:dinas"),
        ("Dinas PU {kab}", "institution:dinas"),
        ("Polsek {kec}", "institution:polsek"),
        ("Puskesmas {kec}", "institution:puskesmas"),
        ("RSUD {kab}", "institution:rumah_sakit"),
        ("kantor Kelurahan {desa}", "institution:kelurahan"),
        ("PT Sinar Abadi Jaya", "institution:company"),
        ("Koperasi Dana Makmur", "institution:company"),
        ("PDAM {kab}", "institution:bumd"),
        ("Samsat {kab}", "institution:samsat"),
    ],
    "inst_health": [
        ("Puskesmas {kec}", "institution:puskesmas"),
        ("RSUD {kab}", "institution:rumah_sakit"),
        ("Klinik Sehat Sentosa", "institution:clinic"),
        ("RS Medika Harapan", "institution:rumah_sakit"),
    ],
    "inst_fin": [
        ("BPR Artha Sejahtera", "institution:company"),
        ("Koperasi Dana Makmur", "institution:company"),
        ("PT Mega Karya Nusantara", "institution:company"),
        ("PT Sinar Abadi Jaya", "institution:company"),
        ("Koperasi Simpan Pinjam Maju Bersama", "institution:company"),
    ],
}
ROLE_NEUTRAL = [
    "Kepala Dinas PU {kab} berinisial {inisial}",
    "seorang camat di {kab} berinisial {inisial}",
    "Kades {desa} berinisial {inisial}",
    "anggota DPRD {kab} berinisial {inisial}",
    "Direktur PT Sinar Abadi Jaya berinisial {inisial}",
    "bendahara Dinas Sosial {kab}",
]

# ---------------------------------------------------------------------------------------------------------
# families: kind -> list of (family id, templates). A template starts with its native register:
# "f:" formal base (may be rendered in any register), "c:" colloquial (not rendered formal), "r:" regional,
# "a:" alay / obfuscated spelling.
# ---------------------------------------------------------------------------------------------------------
F = tuple
FAMILIES: dict[str, list[tuple[str, list[str]]]] = {
    # ----------------------------------------------------------------- group hate: incitement = 1
    "hate_derogation": [
        F(
            (
                "hder_trash",
                [
                    "c:{Grp} tuh emang sampah masyarakat, bikin kotor {kota} aja.",
                    "c:Sumpah ya {grp} itu gak ada gunanya sama sekali, cuma nyusahin orang.",
                    "f:{Grp} adalah beban bagi daerah ini dan tidak pernah membawa kebaikan.",
                    "c:Dari dulu {grp} cuma bisa ngerusak, gak pernah ngebangun apa-apa.",
                ],
            )
        ),
        F(
            (
                "hder_neighbour",
                [
                    "c:Males banget gue tetanggaan sama {grp}, jorok dan gak tau aturan.",
                    "c:Kos-kosan gue jangan sampe diisi {grp}, bikin sial.",
                    "f:Saya tidak sudi bertetangga dengan {grp}, mereka kotor dan tidak beradab.",
                    "c:Pokoknya yang ngontrak di gang ini jangan {grp}, bikin kampung jadi kumuh.",
                ],
            )
        ),
        F(
            (
                "hder_lowclass",
                [
                    "c:{Grp} mah kelas rendahan, gak level sama kita.",
                    "c:Lu liat aja kelakuan {grp}, emang dasar kampungan semua.",
                    "f:Derajat {grp} jelas lebih rendah, jangan pernah disamakan dengan kita.",
                    "r:Wong {bare} ki pancen kelas rendahan, ra level karo awake dewe.",
                ],
            )
        ),
        F(
            (
                "hder_religion",
                [
                    "c:Agama {agama} itu agama sesat, pengikutnya bodoh semua.",
                    "c:Ngapain sih {grp} bangun {ibadah} di sini, bikin kotor lingkungan aja.",
                    "f:Ajaran {agama} itu menyesatkan dan pemeluknya tidak pantas dihormati.",
                    "c:Denger suara dari {ibadah} {grp} aja gue udah eneg, agama gak jelas.",
                ],
            )
        ),
        F(
            (
                "hder_disgust",
                [
                    "c:Jijik gue liat {grp}, mending gak usah nongol di tempat umum.",
                    "c:{Grp} tuh isinya orang-orang gagal, pantes idupnya gitu-gitu aja.",
                    "f:Keberadaan {grp} di lingkungan kami hanya merusak pemandangan.",
                ],
            )
        ),
    ],
    "hate_dehumanisation": [
        F(
            (
                "hdeh_animal",
                [
                    "c:{Grp} itu kayak {animal}, makin banyak makin rusak kampung kita.",
                    "f:{Grp} tidak ada bedanya dengan {animal} yang merusak lingkungan.",
                    "c:Dasar {grp}, {animal} aja masih lebih beradab.",
                ],
            )
        ),
        F(
            (
                "hdeh_pest",
                [
                    "c:{Grp} tuh penyakit, harus dibersihin dari {kota}.",
                    "f:{Grp} adalah hama yang harus dibasmi dari negeri ini.",
                    "c:Kalo {grp} makin banyak, kota ini bakal jadi kandang {animal}.",
                ],
            )
        ),
        F(
            (
                "hdeh_nothuman",
                [
                    "c:Gue gak nganggep {grp} itu manusia, titik.",
                    "c:{Grp} itu setengah {animal}, gak usah diajak ngomong baik-baik.",
                    "r:Wong {bare} iku dudu menungso, podo wae karo {animal}.",
                ],
            )
        ),
    ],
    "hate_threat": [
        F(
            (
                "hthr_expel",
                [
                    "c:Usir aja semua {grp} dari {kota}, jangan kasih tempat.",
                    "f:Warga harus bersatu mengusir {grp} dari kampung ini sebelum terlambat.",
                    "c:Udah lah, {grp} balik aja ke {home}, di sini gak ada yang butuh lu pada.",
                    "c:Kalo gue jadi wali kota, {grp} gue tendang keluar semua dari {kota}.",
                ],
            )
        ),
        F(
            (
                "hthr_violence",
                [
                    "c:Kalo ketemu {grp} di jalan, hajar aja, gak usah ragu.",
                    "c:Sekali lagi {grp} bikin ulah, kita bakar rumahnya rame-rame.",
                    "f:Jangan beri ampun, {grp} harus diberi pelajaran dengan kekerasan.",
                    "c:Siapin bambu runcing, malem ini kita datengin kampungnya {grp}.",
                ],
            )
        ),
        F(
            (
                "hthr_worship",
                [
                    "c:Bakar aja {ibadah} mereka, biar {grp} gak berani ngumpul lagi.",
                    "c:Segel {ibadah} punya {grp}, kalo perlu rubuhin sekalian.",
                    "f:Tempat ibadah {grp} harus dibongkar paksa malam ini juga.",
                ],
            )
        ),
        F(
            (
                "hthr_boycott",
                [
                    "c:Jangan kasih {grp} kerja, jangan sewain rumah, biar pada minggat sendiri.",
                    "f:Boikot semua usaha milik {grp} sampai mereka angkat kaki dari sini.",
                    "c:Ayo kita sweeping {grp} malem ini, siapa ikut?",
                ],
            )
        ),
        F(
            (
                "hthr_kill",
                [
                    "c:{Grp} tuh mending dibasmi aja sampe abis.",
                    "c:Gue sumpahin {grp} mati semua, biar negara ini bersih.",
                    "f:Negeri ini baru akan aman kalau {grp} dimusnahkan.",
                ],
            )
        ),
    ],
    "hate_slur": [
        F(
            (
                "hslur_dasar",
                [
                    "c:Dasar {slur}, balik sono ke {home}!",
                    "c:{Slur} kayak lu gak usah sok ngatur di sini.",
                    "c:Pantesan kelakuannya gitu, ternyata {slur}.",
                ],
            )
        ),
        F(
            (
                "hslur_many",
                [
                    "c:Males liat muka {slur} di tv, bikin eneg.",
                    "f:Para {slur} itu seharusnya tidak diberi tempat di negeri ini.",
                    "c:Kampung ini udah kebanyakan {slur}, lama-lama kita yang diusir.",
                ],
            )
        ),
        F(
            (
                "hslur_call",
                [
                    "c:Woi {slur}, ngapain lu di sini? Pergi sana!",
                    "c:Gak usah sok akrab, {slur} tetep aja {slur}.",
                    "c:Semua {slur} sama aja, gak usah dipercaya.",
                ],
            )
        ),
    ],
    "hate_question": [
        F(
            (
                "hq_why",
                [
                    "c:Kenapa sih {grp} gak balik aja ke {home}? Bikin sempit aja.",
                    "c:Emang {grp} bisa dipercaya? Dari dulu kerjaannya nipu doang.",
                    "f:Mengapa {grp} masih dibiarkan tinggal di sini padahal mereka hanya membawa masalah?",
                ],
            )
        ),
        F(
            (
                "hq_who",
                [
                    "c:Ada yang bisa jelasin kenapa {grp} pada jorok semua?",
                    "c:Siapa sih yang masih mau temenan sama {grp}? Mending jauhin deh.",
                    "c:Gak capek apa {grp} bikin rusuh terus? Kapan musnahnya?",
                ],
            )
        ),
        F(
            (
                "hq_leader",
                [
                    "c:Kok bisa {grp} dikasih jabatan? Nanti negara ancur dong.",
                    "f:Apakah pantas {grp} menjadi pemimpin di daerah ini? Tentu tidak, mereka tidak bisa dipercaya.",
                    "c:Serius ada yang mau dipimpin {grp}? Mikir dong, mereka kan {trait}.",
                ],
            )
        ),
    ],
    "hate_opinion": [
        F(
            (
                "hop_notfit",
                [
                    "c:Menurut gue sih {grp} gak pantes tinggal di sini, titik.",
                    "f:Menurut saya {grp} seharusnya tidak diberi hak yang sama dengan warga lain.",
                    "c:Opini gue: {grp} itu sumber masalah di {kota}.",
                ],
            )
        ),
        F(
            (
                "hop_disclaimer",
                [
                    "c:Bukannya rasis ya, tapi {grp} emang {trait} semua.",
                    "c:Gue gak benci {grp} kok, cuma emang mereka itu {insult}.",
                    "f:Saya tidak bermaksud rasis, tetapi {grp} memang tidak bisa hidup berdampingan dengan kita.",
                    "c:No offense, tapi {grp} tuh {insult} buat negara ini.",
                ],
            )
        ),
        F(
            (
                "hop_honest",
                [
                    "c:Jujur aja ya, gue paling gak suka {grp}. Dari cara ngomongnya aja udah keliatan {trait}.",
                    "c:Sorry to say, {grp} tuh gak bakal bisa maju, otaknya beda.",
                    "f:Pendapat saya jelas: {grp} tidak layak dipercaya memegang urusan apa pun.",
                ],
            )
        ),
    ],
    "hate_stereotype": [
        F(
            (
                "hst_namanya",
                [
                    "c:Namanya juga {grp}, pasti {trait}.",
                    "c:Udah gue duga, pelakunya pasti {grp}. Emang dari sononya {trait}.",
                    "f:Semua {grp} itu {trait}, itu sudah terbukti dari dulu.",
                ],
            )
        ),
        F(
            (
                "hst_trust",
                [
                    "c:Jangan pernah percaya {grp}, mereka semua {trait}.",
                    "c:Pengalaman gue, {grp} itu {trait} semua, gak ada yang bener.",
                    "c:Tipikal {grp}, {trait} dan gak tau malu.",
                ],
            )
        ),
        F(
            (
                "hst_hire",
                [
                    "c:Kalo rekrut karyawan jangan ambil {grp}, udah pasti {trait}.",
                    "f:Pengalaman kantor kami membuktikan {grp} selalu {trait}, jadi jangan diterima bekerja.",
                    "c:Jangan jual rumah ke {grp}, nanti lingkungannya ketularan {trait}.",
                ],
            )
        ),
    ],
    "hate_obfuscated": [
        F(
            (
                "hobf_leet",
                [
                    "a:{grp_obf} tuh {insult_obf}, usir aja dr sini",
                    "a:pokoknya {grp_obf} gak boleh masuk komplek ini, b4sm1!",
                    "a:d4sar {grp_obf}, m4t1 aja lu semua",
                ],
            )
        ),
        F(
            (
                "hobf_mask",
                [
                    "a:yg namanya {grp_obf} emang t0l0l semua, ga ada obat",
                    "a:{grp_obf} = {insult_obf}. setuju gak?",
                    "a:hati2 sm {grp_obf}, mereka itu {insult_obf} negeri ini",
                    "f:Kaum {grp_obf} adalah {insult_obf} bagi bangsa ini dan harus disingkirkan.",
                    "c:Gue bilang ya, {grp_obf} itu {insult_obf}, gak usah dikasih tempat.",
                ],
            )
        ),
    ],
    # ----------------------------------------------------------------- counterfactuals: all risks 0
    "counter_quote": [
        F(
            (
                "cq_jahat",
                [
                    "c:Kalo ada yang bilang '{grp} itu {insult}', itu jahat banget. Mereka juga manusia.",
                    "f:Ada komentar yang menyebut {grp} sebagai {animal}. Ini ujaran kebencian dan harus dilaporkan.",
                    "c:Tadi baca komen 'usir aja {grp} dari {kota}'. Astaga, kok bisa orang se-benci itu.",
                ],
            )
        ),
        F(
            (
                "cq_stop",
                [
                    "c:'{Grp} pasti {trait}' — stop deh generalisasi kayak gini, gak lucu.",
                    "c:Yang nulis '{slur}' di kolom komen, lu rasis dan harusnya malu.",
                    "f:Kalimat seperti '{grp} tidak pantas tinggal di sini' tidak boleh dibiarkan di grup warga kita.",
                ],
            )
        ),
        F(
            (
                "cq_memory",
                [
                    "c:Bokap gue dulu sering bilang '{grp} gak bisa dipercaya'. Sekarang gue tau itu salah besar.",
                    "c:Guru gue pernah ngomong '{grp} itu {trait}', dan gue langsung protes di kelas.",
                    "f:Nenek saya dulu melarang saya berteman dengan {grp}. Syukurlah saya tidak menurutinya.",
                ],
            )
        ),
        F(
            (
                "cq_report",
                [
                    "c:Ada akun yang posting '{grp} harus dibasmi'. Udah gue report, kalian juga ya.",
                    "f:Unggahan yang menyerukan pengusiran {grp} dari {kota} sudah dilaporkan ke polisi siber.",
                    "c:Screenshot komen 'bakar aja rumah {grp}' udah gue kirim ke admin. Gak boleh dibiarin.",
                    "a:yg nulis '{grp_obf} {insult_obf}' di komen td udh gw report, rasis bgt gk sih",
                ],
            )
        ),
    ],
    "counter_reference": [
        F(
            (
                "cr_stop",
                [
                    "c:Stop nyebarin kebencian ke {grp}. Kita hidup bareng di {kota}, saling jaga aja.",
                    "f:Mari hentikan ujaran kebencian terhadap {grp}. Perbedaan bukan alasan untuk saling menghina.",
                    "c:Capek liat timeline isinya orang ngata-ngatain {grp}. Udah dong.",
                ],
            )
        ),
        F(
            (
                "cr_report",
                [
                    "c:Komen-komen rasis soal {grp} di video ini bikin sedih. Report aja rame-rame.",
                    "f:Saya sudah melaporkan akun yang menghina {grp} ke platform. Mohon teman-teman ikut melapor.",
                    "c:Admin tolong hapus komen yang ngehina {grp}, grup ini bukan tempat buat itu.",
                ],
            )
        ),
        F(
            (
                "cr_bully",
                [
                    "c:Temen gue {grp} sering dibully di sekolah, dan itu gak bener. Guru harus tegas.",
                    "f:Diskriminasi terhadap {grp} dalam mencari kerja masih terjadi dan harus kita lawan bersama.",
                    "c:Anak gue pulang nangis gara-gara temennya dikatain soal {grp}. Ini harus dibahas di sekolah.",
                ],
            )
        ),
        F(
            (
                "cr_history",
                [
                    "f:Sejarah mencatat kekerasan terhadap {grp} pernah terjadi. Jangan sampai terulang lagi.",
                    "c:Ngeri baca berita {grp} diusir dari kontrakannya. Semoga pelakunya ditindak.",
                    "c:Nyamain {grp} sama {animal} itu gak manusiawi. Stop.",
                ],
            )
        ),
    ],
    "negated_hate": [
        F(
            (
                "nh_noreason",
                [
                    "c:Gak ada alasan buat ngusir {grp} dari {kota}, mereka tetangga kita juga.",
                    "f:{Grp} tidak pantas diperlakukan sebagai musuh. Mereka saudara sebangsa.",
                    "c:Gue gak pernah setuju kalo {grp} dibilang {insult}.",
                ],
            )
        ),
        F(
            (
                "nh_notall",
                [
                    "c:Gak semua {grp} {trait}, jangan digebyah uyah lah.",
                    "f:Tidak benar bahwa {grp} itu {trait}. Itu hanya stereotip.",
                    "c:Katanya {grp} {trait}? Temen-temen gue yang {bare} malah paling baik se-kantor.",
                ],
            )
        ),
        F(
            (
                "nh_cannot",
                [
                    "c:Kita gak boleh benci {grp} cuma gara-gara beda. Titik.",
                    "c:Siapa bilang {grp} gak bisa jadi pemimpin? Bisa banget lah.",
                    "f:Tidak ada yang salah dengan {grp}. Yang salah itu kebencian.",
                ],
            )
        ),
        F(
            (
                "nh_mirror",
                [
                    "c:Menurut gue sih {grp} berhak tinggal di mana aja, sama kayak kita.",
                    "c:Kalo ada {grp} yang mau ngontrak, ya sewain aja, yang penting bayar tepat waktu.",
                    "f:Rekrut karyawan itu lihat kemampuannya, bukan karena dia {grp} atau bukan.",
                    "c:Kenapa ya masih ada yang nyuruh {grp} balik ke {home}? Mereka juga lahir dan gede di sini.",
                ],
            )
        ),
        F(
            (
                "nh_worship",
                [
                    "c:Gak usah ganggu {ibadah} {grp}, mereka ibadah dengan tenang kok.",
                    "f:Tidak ada yang boleh menyegel {ibadah} milik {grp} tanpa dasar hukum.",
                ],
            )
        ),
    ],
    "group_neutral": [
        F(
            (
                "gn_food",
                [
                    "c:Kemaren nyobain {food} di warung deket kantor, enak parah.",
                    "f:Resep {food} ala rumahan, cocok untuk makan siang keluarga.",
                    "c:Ada yang tau jual {food} yang enak di {kota}? Lagi pengen banget.",
                ],
            )
        ),
        F(
            (
                "gn_event",
                [
                    "f:Warga {kota} memadati lokasi {event} sejak sore.",
                    "c:Nonton {event} tahun ini rame banget, macet tapi seru.",
                    "c:Semoga {event} tahun ini lancar dan aman buat semua yang ikut!",
                ],
            )
        ),
        F(
            (
                "gn_daily",
                [
                    "f:Pemerintah {kota} menggelar dialog bersama tokoh {grp} untuk membahas program pendidikan.",
                    "c:Tetangga gue {grp}, tiap pagi kita ngopi bareng di pos ronda.",
                    "f:Survei terbaru mencatat jumlah {grp} di {kota} meningkat dalam sepuluh tahun terakhir.",
                ],
            )
        ),
        F(
            (
                "gn_worship",
                [
                    "f:Renovasi {ibadah} di {jalan} {kota} selesai bulan ini.",
                    "c:Lewat depan {ibadah} tadi pagi, lagi ada bagi-bagi sembako.",
                ],
            )
        ),
        F(
            (
                "gn_history",
                [
                    "f:Museum {kota} membuka pameran sejarah {grp} hingga akhir bulan.",
                    "c:Lagi baca buku soal sejarah {grp} di Indonesia, menarik juga ternyata.",
                    "c:Dosen gue lagi riset soal bahasa dan tradisi {grp}, katanya datanya susah dicari.",
                ],
            )
        ),
    ],
    "group_positive": [
        F(
            (
                "gp_kind",
                [
                    "c:{Grp} yang gue kenal tuh ramah-ramah banget, salut.",
                    "f:Kontribusi {grp} bagi pembangunan {kota} patut kita apresiasi.",
                    "c:Bangga punya temen {grp}, solid parah kalo ada apa-apa.",
                ],
            )
        ),
        F(
            (
                "gp_help",
                [
                    "c:Respect buat {grp} yang kemarin bantu korban banjir tanpa pamrih.",
                    "f:Terima kasih kepada komunitas {grp} yang ikut membersihkan sungai akhir pekan lalu.",
                    "c:Pas motor gue mogok, yang bantuin dorong malah {grp} yang gak gue kenal. Makasih banyak!",
                ],
            )
        ),
        F(
            (
                "gp_neighbour",
                [
                    "c:Seneng banget gue tetanggaan sama {grp}, ramah dan rapi.",
                    "c:Kos-kosan gue banyak {grp}, anaknya asik-asik, sering masak bareng.",
                    "f:Saya bersyukur bertetangga dengan {grp}; mereka selalu membantu saat ada hajatan.",
                ],
            )
        ),
        F(
            (
                "gp_family",
                [
                    "c:Dari kecil gue tumbuh bareng {grp}, udah kayak keluarga sendiri.",
                    "f:Keberagaman {grp} dan warga lain di {kota} adalah kekuatan kita.",
                    "r:Konco-koncoku sing {bare} apik-apik kabeh, seneng aku kumpul karo wong-wong iku.",
                ],
            )
        ),
    ],
    "profanity_nonhate": [
        F(
            (
                "pn_self",
                [
                    "c:Anjir, gue telat lagi gara-gara alarm gak bunyi.",
                    "c:Goblok banget gue, dompet ketinggalan di angkot.",
                    "f:Astaga, bodoh sekali saya, kunci motor tertinggal di dalam jok.",
                    "c:Bego, gue salah transfer ke rekening sendiri.",
                ],
            )
        ),
        F(
            (
                "pn_stuff",
                [
                    "c:Bangsat, kopi gue tumpah ke laptop.",
                    "c:Tai lah, skripsi gue direvisi lagi.",
                    "c:Kampret, paket gue nyasar ke kota sebelah.",
                    "c:Asu, hujan pas gue baru nyuci motor.",
                ],
            )
        ),
        F(
            (
                "pn_excite",
                [
                    "c:Anjay mabar semalem seru parah, sampe jam 3 pagi.",
                    "c:Gila anjir, konsernya pecah banget!",
                    "c:Anjrit enak banget seblak ini, pedesnya nendang.",
                ],
            )
        ),
        F(
            (
                "pn_group",
                [
                    "c:Anjir, {food} bikinan temen gue enak parah, nagih banget.",
                    "c:Gila anjir, {event} tahun ini rame bener, sampe gak bisa gerak.",
                    "c:Kampret, gue kehabisan {food}, padahal udah antre sejam.",
                ],
            )
        ),
        F(
            (
                "pn_friends",
                [
                    "c:Anjir lu mah, diajak nongkrong malah tidur wkwk",
                    "c:Sialan lu, spoiler film di grup. Gue belom nonton!",
                    "c:Kampret, kalah lagi main catur sama bokap.",
                ],
            )
        ),
    ],
    "abuse_nonprotected": [
        F(
            (
                "anp_weather",
                [
                    "c:Panas banget sialan, {kota} kayak neraka hari ini.",
                    "c:Hujan brengsek, tiap sore banjir mulu.",
                    "f:Cuaca hari ini benar-benar menyebalkan, hujan seharian tanpa henti.",
                ],
            )
        ),
        F(
            (
                "anp_traffic",
                [
                    "c:Macet di {jalan} tai banget, dua jam gak gerak.",
                    "c:Lampu merah di perempatan {kota} goblok, ijonya cuma 5 detik.",
                    "f:Kemacetan di {jalan} sudah keterlaluan, perjalanan sepuluh menit menjadi dua jam.",
                ],
            )
        ),
        F(
            (
                "anp_device",
                [
                    "c:{Hp_brand} gue ampas, baru setahun udah ngehang mulu.",
                    "c:Sinyal provider ini sampah banget, buka WA aja susah.",
                    "c:Aplikasinya error mulu, mau pesen makan aja susah banget anjir.",
                ],
            )
        ),
        F(
            (
                "anp_club",
                [
                    "c:{Club} main kayak sampah semalem, lini belakangnya tidur semua.",
                    "c:Permainan {club} ampas banget, malu-maluin suporter.",
                    "f:Penampilan {club} tadi malam sangat buruk dan tidak layak ditonton.",
                ],
            )
        ),
        F(
            (
                "anp_chores",
                [
                    "c:Mesin cuci sialan, rusak pas cucian lagi numpuk.",
                    "c:Printer kantor goblok, tiap mau ngeprint macet.",
                ],
            )
        ),
    ],
    # ----------------------------------------------------------------- slander: slander = 1
    "slander_accusation": [
        F(
            (
                "sacc_money",
                [
                    "c:{Who} itu maling, duit bansos warga dipake buat beli mobil baru.",
                    "f:{Who} telah menggelapkan dana desa untuk kepentingan pribadinya.",
                    "c:Semua orang juga tau {who} terima suap dari kontraktor {proyek}.",
                ],
            )
        ),
        F(
            (
                "sacc_extort",
                [
                    "c:{Who} tukang palak, tiap ngurus surat harus nyelipin duit.",
                    "c:Hati-hati sama {who}, penipu, duit arisan warga dibawa kabur.",
                    "f:{Who} adalah otak di balik pungutan liar di pasar {desa}.",
                ],
            )
        ),
        F(
            (
                "sacc_position",
                [
                    "c:{Who} jual beli jabatan, mau jadi kepala sekolah aja harus setor puluhan juta.",
                    "c:Rumah mewah {who} itu hasil korupsi, gaji segitu mana cukup.",
                    "f:Kekayaan {who} jelas berasal dari proyek fiktif yang ia atur sendiri.",
                ],
            )
        ),
        F(
            (
                "sacc_land",
                [
                    "c:Tanah warga {desa} diserobot {who}, sertifikatnya dipalsuin.",
                    "f:{Who} bersekongkol dengan mafia tanah untuk merampas lahan petani.",
                ],
            )
        ),
    ],
    "slander_disgrace": [
        F(
            (
                "sdis_affair",
                [
                    "c:{Who} selingkuh sama sekretarisnya, udah rahasia umum.",
                    "f:{Who} diketahui memiliki kekasih gelap dan sering menginap di hotel bersamanya.",
                    "c:Tiap malem {who} mabok di karaoke, pantes kerjanya ancur.",
                ],
            )
        ),
        F(
            (
                "sdis_fake",
                [
                    "c:{Who} tuh ijazahnya palsu, kuliah aja gak pernah.",
                    "c:{Who} main judi online pake duit kas RT.",
                    "f:{Who} adalah pemakai narkoba, semua orang di kantornya tahu.",
                ],
            )
        ),
        F(
            (
                "sdis_family",
                [
                    "c:{Who} itu tukang KDRT, tetangganya sering denger teriakan.",
                    "c:Anaknya {who} dibiarin jadi bandar narkoba, dia pura-pura gak tau.",
                ],
            )
        ),
    ],
    "slander_insult": [
        F(
            (
                "sins_stupid",
                [
                    "c:{Who} goblok, gak becus ngurus apa-apa.",
                    "c:Dasar {who} muka tembok, dikritik malah ngeyel.",
                    "f:{Who} adalah pejabat bodoh yang tidak tahu malu.",
                ],
            )
        ),
        F(
            (
                "sins_brain",
                [
                    "c:{Who} otaknya di dengkul, pantes jalan rusak gak dibenerin.",
                    "c:Najis liat muka {who} senyum-senyum di baliho, munafik.",
                    "c:{Who} anjing, janji doang gede.",
                ],
            )
        ),
        F(
            (
                "sins_rat",
                [
                    "c:{Who} tuh tikus berdasi, rakus dan gak punya malu.",
                    "f:{Who} tidak lebih dari seorang penjilat yang haus kekuasaan.",
                    "r:{Who} ki pancen bajingan, ra nduwe isin blas.",
                ],
            )
        ),
    ],
    "slander_institution": [
        F(
            (
                "sinst_thugs",
                [
                    "c:{Inst} isinya preman berseragam, tukang peras warga.",
                    "f:{Inst} adalah sarang korupsi dan penipu.",
                    "c:{Inst} sengaja mempersulit warga biar bisa minta duit pelicin.",
                ],
            )
        ),
        F(
            (
                "sinst_cheat",
                [
                    "c:Pegawai {inst} kerjanya cuma makan gaji buta sambil main hp, pemalas semua.",
                    "c:{Inst_fin} itu penipu, gaji karyawan ditilep terus.",
                    "f:{Inst} sengaja memanipulasi data warga penerima bantuan untuk keuntungan sendiri.",
                ],
            )
        ),
        F(
            (
                "sinst_kill",
                [
                    "c:{Inst_health} itu pembunuh, pasien miskin dibiarin mati di lorong.",
                    "c:Jangan percaya {inst}, semua pegawainya mafia.",
                ],
            )
        ),
    ],
    "slander_false_report": [  # slander = 1 and a checkable claim that may be false: hoax stays null
        F(
            (
                "sfr_arrest",
                [
                    "f:BREAKING: {who} tadi pagi ditangkap KPK di rumahnya dengan barang bukti uang Rp {jml} miliar.",
                    "c:Fix, {who} udah divonis 5 tahun penjara gara-gara korupsi dana desa, beritanya ditutupin.",
                    "f:{Who} resmi dipecat karena terbukti memalsukan tanda tangan warga.",
                ],
            )
        ),
        F(
            (
                "sfr_flee",
                [
                    "c:{Who} kabur ke Singapura bawa duit bantuan gempa Rp {jml} miliar, sekarang buron.",
                    "c:Info valid: {inst_health} kemarin disegel polisi karena ketahuan jual obat palsu ke pasien.",
                    "f:{Inst_fin} terbukti menjual data pribadi nasabah kepada pinjol ilegal.",
                ],
            )
        ),
    ],
    # ----------------------------------------------------------------- slander hard negatives: all 0
    "investigation_news": [
        F(
            (
                "inv_kpk",
                [
                    "f:KPK menetapkan {role} sebagai tersangka dalam kasus dugaan suap proyek {proyek}.",
                    "f:Kejaksaan Negeri {kab} memeriksa {role} terkait dugaan penyimpangan dana desa tahun {thn}.",
                    "c:Barusan liat berita, {role} ditetapkan tersangka sama KPK. Kita tunggu aja proses hukumnya.",
                ],
            )
        ),
        F(
            (
                "inv_police",
                [
                    "f:Polres {kab} menyatakan masih mendalami laporan warga soal dugaan pungli di pasar {desa}.",
                    "f:Inspektorat {kab} mengaudit penggunaan dana bansos setelah menerima aduan masyarakat.",
                    "c:Katanya laporan soal dana desa {desa} lagi diperiksa inspektorat. Semoga transparan.",
                ],
            )
        ),
        F(
            (
                "inv_court",
                [
                    "f:Sidang perdana kasus korupsi dana desa {desa} digelar hari ini, terdakwa didampingi kuasa hukumnya.",
                    "f:Majelis hakim menunda sidang {role} hingga pekan depan untuk mendengarkan saksi.",
                    "c:Sidang kasus {proyek} ditunda lagi. Asas praduga tak bersalah tetep berlaku ya.",
                ],
            )
        ),
        F(
            (
                "inv_clarify",
                [
                    "f:Kuasa hukum {role} membantah tuduhan dan menyatakan kliennya akan kooperatif.",
                    "f:Pemkab {kab} menonaktifkan sementara {role} selama proses pemeriksaan berlangsung.",
                ],
            )
        ),
    ],
    "performance_criticism": [
        F(
            (
                "perf_road",
                [
                    "c:Jalan di {desa} udah rusak 3 bulan, Pak Bupati tolong diperhatiin dong.",
                    "f:Kinerja Dinas PU {kab} dalam perbaikan drainase masih lambat dan perlu dievaluasi.",
                    "c:Programnya bagus di atas kertas, tapi pelaksanaannya molor terus. Semoga pemkab lebih tegas.",
                ],
            )
        ),
        F(
            (
                "perf_budget",
                [
                    "f:Anggaran kesehatan tahun ini turun, padahal puskesmas di {kec} masih kekurangan tenaga.",
                    "c:Pembangunan pasar {desa} udah setahun gak kelar-kelar. Ini gimana perencanaannya?",
                    "f:Kami menilai janji kampanye soal air bersih belum terpenuhi dan perlu dijelaskan kepada warga.",
                ],
            )
        ),
        F(
            (
                "perf_service",
                [
                    "c:Pelayanan di kantor Samsat {kab} masih lelet, sistem antreannya perlu dibenahi.",
                    "f:Respons pemerintah daerah terhadap banjir kemarin terlambat; evaluasi menyeluruh diperlukan.",
                    "c:DPRD {kab} harusnya lebih sering turun ke lapangan, jangan rapat di hotel terus.",
                ],
            )
        ),
    ],
    "citizen_complaint": [
        F(
            (
                "cc_queue",
                [
                    "c:Kesel banget, antre di puskesmas dari jam 6 baru dipanggil jam 11.",
                    "c:Ngurus KTP aja bolak-balik 4 kali, capek banget sumpah.",
                    "f:Antrean di kantor Disdukcapil hari ini mengular sampai ke parkiran.",
                ],
            )
        ),
        F(
            (
                "cc_water",
                [
                    "c:Air PDAM mati lagi 3 hari, mandi pake apa coba.",
                    "c:Listrik padam mulu tiap hujan, kulkas gue rusak nih.",
                    "f:Sudah seminggu air di {desa} keruh dan berbau, mohon segera ditangani.",
                ],
            )
        ),
        F(
            (
                "cc_aid",
                [
                    "c:Bansos bulan ini belum cair juga, padahal katanya udah ditransfer.",
                    "c:Kenapa nama ibu gue ilang dari daftar penerima bantuan? Bingung harus ngadu ke mana.",
                    "f:Pencairan bantuan untuk lansia di {desa} terlambat dua bulan tanpa penjelasan.",
                ],
            )
        ),
        F(
            (
                "cc_road",
                [
                    "f:Kami warga {desa} mengeluhkan jalan berlubang yang sudah memakan korban.",
                    "c:Lubang di {jalan} gede banget, semalem ada yang jatoh lagi dari motor.",
                    "c:Sampah di TPS {desa} udah seminggu gak diangkut, baunya ke mana-mana.",
                ],
            )
        ),
    ],
    "official_praise": [
        F(
            (
                "opr_field",
                [
                    "c:Salut sama Pak Camat {kec}, kemarin turun langsung bantu korban banjir.",
                    "f:Terima kasih kepada {inst} atas pelayanan yang cepat dan ramah.",
                    "c:Puskesmas {kec} sekarang pelayanannya cepet banget, mantap.",
                ],
            )
        ),
        F(
            (
                "opr_work",
                [
                    "c:Akhirnya jalan ke {desa} diaspal juga, makasih Pak Lurah!",
                    "f:Apresiasi untuk Dinas PU {kab} yang memperbaiki jembatan hanya dalam dua minggu.",
                    "c:Bu Bidan di {desa} sabar banget ngadepin pasien, semoga sehat selalu.",
                ],
            )
        ),
        F(
            (
                "opr_honest",
                [
                    "f:Kepala Desa {desa} rutin mengumumkan penggunaan dana desa di papan informasi. Patut dicontoh.",
                    "c:Polsek {kec} gercep banget nanganin laporan motor ilang tetangga gue. Respect.",
                ],
            )
        ),
    ],
    "official_question": [
        F(
            (
                "oq_schedule",
                [
                    "c:Pak Camat, jadwal pembagian bansos kapan ya?",
                    "f:Mohon informasi dari {inst}, apakah pendaftaran bisa dilakukan secara daring?",
                    "c:@{handle} min, {jalan} kapan diaspal? Udah setahun nunggu.",
                ],
            )
        ),
        F(
            (
                "oq_procedure",
                [
                    "f:Selamat siang, apa saja syarat mengurus akta kelahiran di kantor Kelurahan {desa}?",
                    "c:Pak Lurah, kalo mau bikin surat domisili sekarang harus bawa apa aja?",
                    "c:Min {handle}, pemadaman di {kec} sampe jam berapa ya?",
                ],
            )
        ),
        F(
            (
                "oq_budget",
                [
                    "f:Kepada anggota DPRD {kab}, bagaimana perkembangan usulan perbaikan irigasi dari warga {desa}?",
                    "c:Bu Kades, dana desa tahun ini rencananya dipake buat apa aja? Boleh diumumin di grup?",
                ],
            )
        ),
    ],
    # ----------------------------------------------------------------- benign: all 0
    "announcement": [
        F(
            (
                "ann_rt",
                [
                    "f:Diberitahukan kepada seluruh warga RT {rt} bahwa kerja bakti dilaksanakan hari {hari} pukul 07.00.",
                    "c:Gaes, arisan ibu-ibu RT {rt} pindah ke rumah Bu {fname} ya, {hari} jam 4 sore.",
                    "c:Info lomba 17-an: daftar balap karung sama makan kerupuk paling lambat {hari} ke Pak RT.",
                ],
            )
        ),
        F(
            (
                "ann_office",
                [
                    "f:Perpustakaan Daerah {kota} tutup sementara pada {tgl} karena inventarisasi koleksi.",
                    "f:Layanan kantor kelurahan libur pada tanggal merah dan buka kembali hari {hari}.",
                    "f:Rapat wali murid kelas 6 {sekolah} diadakan hari {hari} di aula sekolah pukul 09.00.",
                ],
            )
        ),
        F(
            (
                "ann_community",
                [
                    "f:Pengajian rutin bulan ini diadakan hari {hari} malam ba'da Isya di musala {desa}.",
                    "c:Yang mau ikut senam pagi tiap Minggu di lapangan {desa}, langsung dateng aja, gratis.",
                    "c:Bank sampah buka lagi {hari} ini, bawa botol plastik sama kardus ya.",
                ],
            )
        ),
        F(
            (
                "ann_lost",
                [
                    "c:Ditemukan kunci motor di depan masjid, yang merasa kehilangan hubungi {hp}.",
                    "f:Telah ditemukan dompet cokelat di halte {jalan}. Pemilik dapat mengambilnya di pos satpam.",
                ],
            )
        ),
    ],
    "agency_reply": [
        F(
            (
                "ar_cs",
                [
                    "f:Halo Kak, mohon maaf atas ketidaknyamanannya. Silakan kirim nomor pelanggan lewat DM, kami bantu cek.",
                    "c:Hai Kak {fname}, paketnya lagi di perjalanan ya, estimasi sampai {hari}. Ditunggu 🙏",
                    "f:Terima kasih atas laporannya. Petugas kami akan segera menindaklanjuti gangguan di wilayah {kec}.",
                ],
            )
        ),
        F(
            (
                "ar_gov",
                [
                    "f:Selamat siang, untuk pengurusan KTP elektronik silakan datang ke Disdukcapil membawa KK asli.",
                    "f:Mohon maaf, layanan aplikasi sedang dalam pemeliharaan hingga pukul {jam} WIB.",
                    "f:Laporan Anda sudah kami terima dengan nomor tiket 48213. Mohon ditunggu maksimal 3x24 jam.",
                ],
            )
        ),
        F(
            (
                "ar_shop",
                [
                    "c:Siap kak, stok warna hitam masih ada. Mau dikirim hari ini?",
                    "c:Makasih reviewnya kak, seneng banget kalo cocok. Ditunggu order berikutnya ya 😊",
                ],
            )
        ),
    ],
    "chitchat": [
        F(
            (
                "chat_food",
                [
                    "c:Udah pada makan siang belom? Gue bingung mau makan apa.",
                    "c:Ada yang mau nitip kopi? Gue lagi di depan kantor.",
                    "c:Kangen banget sama masakan nyokap, pengen pulang kampung.",
                ],
            )
        ),
        F(
            (
                "chat_weekend",
                [
                    "c:Gila ya, cucian numpuk, weekend malah mager.",
                    "c:Kemarin nonton film horor sama temen-temen, gue yang paling teriak wkwk",
                    "f:Sore ini langit {kota} cerah sekali, cocok untuk jalan-jalan.",
                ],
            )
        ),
        F(
            (
                "chat_plans",
                [
                    "c:Libur panjang pada ke mana nih? Gue di rumah aja kayaknya.",
                    "c:Besok ada yang mau jogging bareng di {jalan}? Jam 6 ya.",
                    "f:Akhir pekan ini saya berencana mengajak anak-anak ke kebun binatang.",
                ],
            )
        ),
        F(
            (
                "chat_pets",
                [
                    "c:Kucing gue abis lahiran, ada yang mau adopsi? Gratis kok.",
                    "c:Tanaman cabe gue akhirnya berbuah, seneng banget.",
                ],
            )
        ),
    ],
    "greeting": [
        F(
            (
                "gr_morning",
                [
                    "c:Pagi semuaaa, semangat kerjanya ya!",
                    "f:Selamat pagi Bapak/Ibu sekalian, semoga hari ini diberi kelancaran.",
                    "f:Selamat hari Senin, semoga minggu ini penuh berkah.",
                ],
            )
        ),
        F(
            (
                "gr_join",
                [
                    "c:Assalamualaikum, salam kenal, aku member baru di grup ini 🙏",
                    "c:Halo kak, salam dari {kota}!",
                    "f:Terima kasih sudah menerima saya di grup ini. Salam kenal semuanya.",
                ],
            )
        ),
        F(
            (
                "gr_night",
                [
                    "c:Met malem gaes, jangan begadang mulu.",
                    "c:Selamat istirahat semuanya, besok kita lanjut lagi.",
                ],
            )
        ),
        F(
            (
                "gr_holiday",
                [
                    "f:Selamat Hari Raya, mohon maaf lahir dan batin untuk seluruh keluarga besar.",
                    "c:Selamat tahun baru gaes, semoga tahun ini lebih baik buat kita semua!",
                    "c:Happy birthday {fname}! Panjang umur dan sehat selalu ya 🎉",
                ],
            )
        ),
    ],
    "question": [
        F(
            (
                "q_reco",
                [
                    "c:Ada rekomendasi bengkel motor yang jujur di daerah {kota}?",
                    "c:Laptop 5 jutaan yang bagus buat kuliah apa ya?",
                    "c:Dokter gigi anak yang sabar di {kota} siapa ya? Anak gue takut banget.",
                ],
            )
        ),
        F(
            (
                "q_howto",
                [
                    "c:Guys, cara bikin nasi goreng biar gak lembek gimana ya?",
                    "c:Kalo mau bikin paspor sekarang harus antre online dulu gak sih?",
                    "f:Bagaimana cara mengganti nomor HP yang terdaftar di aplikasi bank?",
                ],
            )
        ),
        F(
            (
                "q_travel",
                [
                    "f:Mohon info, bus dari {kota} ke {kota2} berangkat jam berapa saja?",
                    "c:Ke {kota2} enaknya naik kereta atau travel ya?",
                ],
            )
        ),
        F(
            (
                "q_school",
                [
                    "c:Buat ortu yang anaknya di {sekolah}, seragam batik dipake hari apa ya?",
                    "f:Apakah les matematika di dekat {jalan} masih menerima murid baru?",
                ],
            )
        ),
    ],
    "joke": [
        F(
            (
                "jk_money",
                [
                    "c:Dompet gue kayak mantan, isinya kenangan doang wkwk",
                    "c:Gaji numpang lewat doang, kayak angin.",
                    "c:Tanggal tua gini makan mi instan dibagi dua, setengah buat besok 😂",
                ],
            )
        ),
        F(
            (
                "jk_diet",
                [
                    "c:Niatnya diet, tapi martabak manis lewat depan rumah. Ya udah lah.",
                    "f:Saya bukan malas, saya hanya sedang dalam mode hemat energi.",
                    "c:Olahraga favorit gue: rebahan sambil scroll.",
                ],
            )
        ),
        F(
            (
                "jk_campus",
                [
                    "c:Kata dosen 'skripsi itu gampang'. Pak, yang gampang itu ngomongnya 😂",
                    "c:Kucing gue tidur 18 jam sehari, pengen jadi kucing aja.",
                    "c:Alarm bunyi jam 5, gue matiin jam 5 lewat 1. Produktif.",
                ],
            )
        ),
        F(
            (
                "jk_family",
                [
                    "c:Emak gue kalo nyari barang: 'kalo sampe emak yang nemu, awas ya'. Dan selalu nemu.",
                    "c:Bapak-bapak kalo ditanya lagi di mana pasti jawabnya 'udah deket'. Padahal baru mandi.",
                ],
            )
        ),
    ],
    "news": [
        F(
            (
                "nw_city",
                [
                    "f:Pemerintah Kota {kota} meresmikan taman baru di kawasan {jalan} pada hari {hari}.",
                    "f:Dinas Pendidikan {kota} menambah 12 ruang kelas baru untuk SD negeri.",
                    "f:Bandara {kota} melayani rute penerbangan baru mulai bulan depan.",
                ],
            )
        ),
        F(
            (
                "nw_price",
                [
                    "f:Harga cabai rawit di pasar tradisional {kota} turun menjadi Rp 40 ribu per kilogram.",
                    "c:Berita hari ini: harga bawang merah di {kota} mulai turun, lumayan buat emak-emak.",
                    "f:Penjualan kendaraan listrik di {kota} naik dibanding tahun lalu.",
                ],
            )
        ),
        F(
            (
                "nw_event",
                [
                    "f:Ribuan pelari mengikuti {kota} Marathon yang digelar Minggu pagi.",
                    "c:Jalan tol baru ke {kota2} udah dibuka, lumayan motong waktu perjalanan.",
                    "f:Festival kuliner nusantara digelar di alun-alun {kota} selama tiga hari.",
                ],
            )
        ),
        F(
            (
                "nw_incident",
                [
                    "f:Kebakaran melanda sebuah gudang di {kota}; tidak ada korban jiwa.",
                    "f:Tim SAR menemukan dua pendaki yang sempat hilang di Gunung {gunung} dalam keadaan selamat.",
                ],
            )
        ),
    ],
    "promotion": [
        F(
            (
                "pr_food",
                [
                    "c:PROMO! Ayam geprek cuma 10 ribu sampe {hari}, order via DM ya kak 🔥",
                    "c:Open PO kue kering lebaran, nastar keju mulai 85 ribu/toples 😍",
                    "c:Sambel bawang homemade, pedesnya nagih. Cek IG kita ya!",
                ],
            )
        ),
        F(
            (
                "pr_service",
                [
                    "f:Dibuka kelas bahasa Inggris untuk anak usia 7–12 tahun. Pendaftaran hubungi {hp}.",
                    "f:Diskon 30 persen untuk servis AC selama bulan ini. Hubungi kami di {hp}.",
                    "c:Terima jasa les privat SD-SMP wilayah {kota}, bisa dateng ke rumah.",
                ],
            )
        ),
        F(
            (
                "pr_sell",
                [
                    "c:Jual motor bekas, surat lengkap, mesin halus, nego tipis. Lokasi {kota}.",
                    "c:Dijual rumah tipe 36 dekat {jalan}, SHM, harga bisa ngobrol.",
                ],
            )
        ),
    ],
    "personal_story": [
        F(
            (
                "ps_milestone",
                [
                    "c:Hari ini gue akhirnya lulus sidang skripsi, makasih semua yang udah support 😭",
                    "c:Anak gue baru bisa jalan hari ini, gue sampe nangis.",
                    "f:Sepuluh tahun lalu saya merantau ke {kota} dengan uang seadanya. Hari ini saya membuka warung sendiri.",
                ],
            )
        ),
        F(
            (
                "ps_kindness",
                [
                    "c:Tadi di KRL ada bapak-bapak ngasih kursi ke ibu hamil, adem banget liatnya.",
                    "c:Dompet gue jatoh di ojek, eh abangnya balik lagi nganterin. Masih ada orang baik.",
                    "f:Kemarin hujan deras, seorang tetangga meminjamkan payungnya kepada saya tanpa diminta.",
                ],
            )
        ),
        F(
            (
                "ps_trip",
                [
                    "c:Pertama kali naik gunung, capek banget tapi pemandangannya worth it.",
                    "c:Akhirnya bisa ajak ortu liburan ke {kota2}, seneng liat mereka ketawa.",
                ],
            )
        ),
        F(
            (
                "ps_work",
                [
                    "c:Hari pertama kerja, deg-degan parah tapi timnya baik-baik.",
                    "f:Hari ini tepat lima tahun saya mengajar di desa. Banyak suka dukanya.",
                ],
            )
        ),
    ],
    "condolence": [
        F(
            (
                "cd_formal",
                [
                    "f:Innalillahi wa inna ilaihi rajiun. Turut berduka cita atas wafatnya {rel} dari saudara {fname}.",
                    "f:Telah berpulang dengan tenang {fname_full} pada hari {hari} pagi. Jenazah disemayamkan di rumah duka.",
                    "f:Keluarga besar RT {rt} turut berduka cita. Semoga keluarga yang ditinggalkan diberi ketabahan.",
                ],
            )
        ),
        F(
            (
                "cd_friend",
                [
                    "c:Turut berduka ya {fname}, semoga almarhum ditempatkan di tempat terbaik 🙏",
                    "c:Ya Allah, kaget banget denger kabarnya. Yang kuat ya, kami semua doain.",
                    "c:RIP orang baik. Makasih udah jadi guru terbaik buat kita semua.",
                ],
            )
        ),
        F(
            (
                "cd_pet",
                [
                    "c:Kucing kesayangan gue pergi tadi pagi. Makasih udah nemenin 8 tahun 💔",
                    "c:Sedih banget, pohon mangga di depan rumah yang ditanem almarhum kakek tumbang kena angin.",
                ],
            )
        ),
    ],
    "sports_talk": [
        F(
            (
                "sp_match",
                [
                    "c:Gol menit akhir semalem bikin jantungan, {club} menang tipis!",
                    "f:Pertandingan {club} melawan {club2} berakhir imbang 1-1.",
                    "c:Musim ini {club} kayaknya bisa juara deh, skuadnya dalem.",
                ],
            )
        ),
        F(
            (
                "sp_national",
                [
                    "c:Timnas main bagus banget kemarin, lini tengahnya rapi.",
                    "c:Ganda putra kita keren parah, menang dua set langsung.",
                    "f:Atlet angkat besi Indonesia meraih medali emas pada kejuaraan Asia.",
                ],
            )
        ),
        F(
            (
                "sp_play",
                [
                    "c:Ada yang mau mabar futsal Sabtu ini? Kurang 2 orang.",
                    "c:Abis lari 5 km pagi ini, kaki gempor tapi puas.",
                ],
            )
        ),
        F(
            (
                "sp_transfer",
                [
                    "c:Rumornya {club} mau rekrut striker baru, semoga beneran.",
                    "f:{Club} resmi memperpanjang kontrak kapten tim hingga dua musim ke depan.",
                ],
            )
        ),
    ],
    # ----------------------------------------------------------------- hoaxes: hoax = 1
    "hoax_claim": [
        F(
            (
                "hx_cure",
                [
                    "c:Minum air kelapa campur garam 3x sehari, demam berdarah sembuh sehari, trombosit langsung naik.",
                    "f:Menghirup uap air garam panas selama 10 menit terbukti membunuh semua virus di paru-paru.",
                    "c:Tempel irisan bawang merah di telapak kaki semalem, {disease} langsung ilang, dokter aja kaget.",
                    "c:Cuma pake perasan jeruk nipis sama madu, {disease} sembuh total tanpa operasi.",
                    "f:Pakar Jepang membuktikan air putih hangat saat bangun tidur menyembuhkan {disease} dalam seminggu.",
                ],
            )
        ),
        F(
            (
                "hx_vaccine",
                [
                    "c:Vaksin {vaksin} yang dikasih di sekolah bikin anak mandul, udah ada penelitiannya.",
                    "f:Vaksin {vaksin} mengandung chip pelacak yang dipasang oleh pihak asing.",
                    "f:Pemerintah diam-diam menarik seluruh vaksin {vaksin} karena terbukti menyebabkan autisme.",
                    "c:Semua vaksin {vaksin} di posyandu itu udah kadaluarsa dari pabriknya, makanya banyak anak lumpuh.",
                ],
            )
        ),
        F(
            (
                "hx_aid",
                [
                    "c:Pemerintah bagi-bagi bantuan tunai {nominal} buat pemilik KTP, daftar lewat {link} sebelum jam 12.",
                    "f:Kementerian Sosial membuka pendaftaran BLT {nominal} khusus hari ini melalui {link}.",
                    "c:Subsidi kuota 100 GB gratis dari pemerintah, klik {link} terus isi data KTP.",
                    "c:Yang punya KK bisa klaim bantuan {nominal} dari presiden, cukup kirim foto KTP ke {hp}.",
                ],
            )
        ),
        F(
            (
                "hx_job",
                [
                    "f:{Bumn} membuka lowongan tanpa tes untuk lulusan SMA, cukup transfer biaya seragam {fee} ke {hp}.",
                    "c:Lowongan CPNS jalur khusus, gak pake tes, bayar {fee} aja langsung diangkat.",
                    "c:{Bumn} lagi rekrut 5.000 orang tanpa ijazah, daftar di {link}, biaya admin {fee} doang.",
                ],
            )
        ),
        F(
            (
                "hx_rule",
                [
                    "c:Mulai {bulan_depan}, pengendara yang pake sandal jepit bakal kena tilang {fine}.",
                    "c:Mulai besok WhatsApp bayar {fee} per bulan, kalo gak bayar akun diblokir.",
                    "f:Polri menerapkan aturan baru: STNK yang mati satu hari langsung disita beserta kendaraannya.",
                    "c:Kamera tilang elektronik sekarang juga motret pengendara yang ngobrol sama penumpang, dendanya {fine}.",
                    "f:Mulai {bulan_depan}, setiap rumah yang memelihara ayam di perkotaan didenda {fine} oleh pemerintah.",
                ],
            )
        ),
        F(
            (
                "hx_disaster",
                [
                    "f:BMKG memprediksi gempa {sr} SR akan mengguncang {kota} pada {tgl} pukul {jam}.",
                    "c:Gunung {gunung} bakal meletus malem ini jam {jam}, semua warga disuruh ngungsi.",
                    "c:Tsunami 20 meter bakal nyampe pantai {kota} minggu depan, udah diprediksi ahli Jepang.",
                    "f:Bendungan {dam} retak dan akan jebol dalam 24 jam ke depan.",
                ],
            )
        ),
        F(
            (
                "hx_statement",
                [
                    "f:Menteri Kesehatan menyatakan bahwa makan telur setiap hari menyebabkan kanker usus.",
                    "c:Bank Indonesia umumin uang pecahan {pecahan} gak berlaku lagi mulai {bulan_depan}.",
                    "f:Kemendikbud menetapkan libur sekolah diperpanjang satu bulan mulai {bulan_depan}.",
                    "c:Kata PLN, mulai bulan depan listrik rumah 900 VA bakal dicabut semua, ganti token mahal.",
                ],
            )
        ),
        F(
            (
                "hx_money",
                [
                    "c:Harga BBM naik jadi Rp 25 ribu per liter mulai jam 12 malem ini, buruan isi full.",
                    "f:Mulai bulan depan seluruh tabungan di atas Rp 100 juta dipotong 10 persen untuk membayar utang negara.",
                    "c:Kartu ATM lama gak bisa dipake lagi minggu depan, kalo gak ganti saldonya hangus.",
                ],
            )
        ),
        F(
            (
                "hx_food",
                [
                    "c:Telur palsu dari plastik udah beredar di pasar {kota}, kalo dibakar meleleh.",
                    "f:Mi instan yang dimakan bersama cokelat menyebabkan kematian mendadak.",
                    "c:Jangan minum es teh bareng durian, bisa meledak di perut.",
                    "c:Beras plastik dari luar negeri udah masuk warung-warung di {kota}, nasinya gak bisa basi.",
                ],
            )
        ),
        F(
            (
                "hx_phone",
                [
                    "f:Telepon dari nomor berawalan +92 akan langsung menyedot seluruh pulsa dan saldo rekening Anda.",
                    "c:Nge-cas HP sambil nelpon bikin radiasi, udah banyak yang kena kanker otak setahun.",
                    "c:Kalo lu angkat telpon dari nomor luar negeri, data m-banking lu otomatis kecopy, saldo ludes.",
                ],
            )
        ),
        F(
            (
                "hx_school",
                [
                    "c:Mulai semester depan semua siswa SD wajib punya tablet sendiri, yang gak punya gak boleh ikut ujian.",
                    "f:Kemendikbud mengumumkan ijazah SMA lulusan sebelum 2015 tidak berlaku lagi dan wajib diperbarui "
                    "dengan biaya {fee}.",
                    "c:Pemerintah bagi-bagi laptop gratis buat semua pelajar, cukup daftar pake NISN di {link}.",
                ],
            )
        ),
    ],
    # ----------------------------------------------------------------- hoax-look-alikes: hoax = 0
    "urgent_true": [
        F(
            (
                "ut_power",
                [
                    "f:Pemadaman listrik terencana di wilayah {kec} hari {hari} pukul 09.00–14.00 untuk pemeliharaan jaringan.",
                    "c:Listrik di {kec} mati {hari} jam 9 sampe jam 2 siang, ada pemeliharaan gardu. Siapin power bank!",
                    "f:Gangguan listrik di sebagian wilayah {kota} sedang ditangani petugas, mohon bersabar.",
                ],
            )
        ),
        F(
            (
                "ut_road",
                [
                    "c:Buat warga {kota}, {jalan} ditutup {hari} pagi buat car free day, cari jalan lain ya.",
                    "f:Mulai {tgl}, {jalan} ditutup sementara selama dua minggu karena perbaikan jembatan.",
                    "c:Ada pohon tumbang di {jalan}, macet total. Hindari dulu ya.",
                ],
            )
        ),
        F(
            (
                "ut_weather",
                [
                    "f:Peringatan dini BMKG: potensi hujan lebat disertai petir dan angin kencang di {kota} {waktu}.",
                    "c:BMKG ngasih peringatan gelombang tinggi di pantai selatan, nelayan diminta jangan melaut dulu.",
                    "f:Status Gunung {gunung} naik menjadi Waspada. Warga diimbau tidak beraktivitas dalam radius 3 km.",
                ],
            )
        ),
        F(
            (
                "ut_health",
                [
                    "f:Jadwal imunisasi campak-rubela gratis di Posyandu {desa} hari {hari} mulai pukul 08.00. Bawa buku KIA.",
                    "c:Ada cek kesehatan gratis buat lansia di balai desa {desa} {hari} ini, ajak ortu ya.",
                    "f:Puskesmas {kec} membuka layanan vaksinasi {vaksin} untuk anak usia sekolah mulai {tgl}.",
                ],
            )
        ),
        F(
            (
                "ut_school",
                [
                    "f:Pendaftaran PPDB SD dan SMP negeri {kota} dibuka {tgl} melalui situs resmi dinas pendidikan.",
                    "c:Pengumuman kelulusan {sekolah} bisa dicek di website sekolah mulai {hari} jam 10.",
                ],
            )
        ),
        F(
            (
                "ut_water",
                [
                    "c:Air PDAM {kota} mati {hari} jam 8 sampe jam 4 sore karena perbaikan pipa, tampung air dulu ya.",
                    "f:Kebakaran di pasar {desa}, hindari jalan sekitar pasar karena petugas pemadam sedang bekerja.",
                    "c:Jembatan di {desa} putus kena banjir, yang mau ke kota lewat jalur utara dulu.",
                ],
            )
        ),
    ],
    "debunk": [
        F(
            (
                "db_fact",
                [
                    "c:Itu hoaks ya gaes. Faktanya, {fact}.",
                    "f:[KLARIFIKASI] Beredar pesan yang menyebut {claim}. Informasi tersebut tidak benar; {fact}.",
                    "c:Plis berhenti share soal {claim}. Udah dibantah {authority}, {fact}.",
                ],
            )
        ),
        F(
            (
                "db_laugh",
                [
                    "c:Masih aja ada yang percaya {claim}. Hoaks lama itu, {fact}.",
                    "f:Hati-hati, pesan berantai bahwa {claim} adalah hoaks. {Fact}.",
                    "c:Bapak-bapak grup keluarga, {claim} itu gak bener ya. {Fact}.",
                ],
            )
        ),
        F(
            (
                "db_source",
                [
                    "f:{Authority} memastikan kabar {claim} tidak benar. {Fact}.",
                    "c:Udah gue cek ke situs {authority}, ternyata {claim} itu hoaks. {Fact}.",
                    "c:Jangan panik, {claim} itu hoaks. {Fact}.",
                ],
            )
        ),
    ],
    "truth_question": [
        F(
            (
                "tq_grup",
                [
                    "c:Bener gak sih {claim}? Di grup keluarga rame banget.",
                    "f:Mohon konfirmasi, apakah benar {claim}?",
                    "c:Ada yang tau valid gak info kalo {claim}? Takut kemakan hoaks.",
                ],
            )
        ),
        F(
            (
                "tq_ask",
                [
                    "c:Min, mau nanya, {claim} itu beneran atau hoaks?",
                    "f:Saya menerima pesan bahwa {claim}. Apakah ada sumber resminya?",
                    "c:Nyokap gue nanya, katanya {claim}. Beneran gak ya?",
                ],
            )
        ),
    ],
    "opinion": [
        F(
            (
                "op_price",
                [
                    "c:Menurut gue harga BBM sekarang udah gak masuk akal buat orang kecil.",
                    "f:Menurut saya pemerintah perlu lebih gencar sosialisasi vaksin agar warga tidak termakan isu.",
                    "c:Gue sih lebih percaya dokter daripada ramuan yang viral-viral itu.",
                ],
            )
        ),
        F(
            (
                "op_chain",
                [
                    "c:Jujur gue males nerima pesan berantai di grup WA, isinya kebanyakan gak jelas.",
                    "c:Kayaknya musim hujan tahun ini bakal panjang deh, feeling aja.",
                    "f:Saya rasa literasi digital perlu diajarkan sejak SD supaya anak-anak bisa membedakan fakta dan opini.",
                ],
            )
        ),
        F(
            (
                "op_policy",
                [
                    "c:Aturan tilang elektronik bagus sih, tapi sosialisasinya kurang.",
                    "f:Menurut saya bantuan tunai lebih tepat sasaran bila datanya diperbarui setiap tahun.",
                    "c:Harusnya lowongan kerja BUMN diumumin lebih jelas biar orang gak gampang ketipu.",
                ],
            )
        ),
    ],
}

# claim / fact / authority for debunks and questions (the hoax narratives above, told as a clause)
CLAIMS: list[tuple[str, str, str]] = [
    (
        "air kelapa campur garam menyembuhkan demam berdarah dalam sehari",
        "DBD harus ditangani tenaga medis, air kelapa hanya membantu cairan tubuh",
        "Kemenkes",
    ),
    (
        "rebusan jeruk nipis dan madu menyembuhkan {disease} tanpa operasi",
        "tidak ada penelitian yang membuktikannya, pengobatan {disease} harus lewat dokter",
        "Kemenkes",
    ),
    (
        "vaksin {vaksin} bikin anak mandul",
        "vaksin {vaksin} sudah diuji dan dipakai puluhan tahun tanpa efek itu",
        "IDAI",
    ),
    ("vaksin {vaksin} mengandung chip pelacak", "isi vaksin tercantum jelas dan tidak ada chip di dalamnya", "BPOM"),
    (
        "ada BLT {nominal} yang bisa didaftar lewat {link}",
        "bantuan sosial tidak pernah didaftarkan lewat tautan berantai, cek hanya di situs resmi Kemensos",
        "Kemensos",
    ),
    (
        "{bumn} membuka lowongan tanpa tes dengan biaya seragam {fee}",
        "rekrutmen resmi tidak memungut biaya apa pun",
        "{bumn}",
    ),
    ("pengendara bersandal jepit ditilang {fine}", "tidak ada aturan tilang karena sandal jepit", "Korlantas Polri"),
    ("WhatsApp akan berbayar {fee} per bulan", "WhatsApp tetap gratis dan tidak ada rencana itu", "Kominfo"),
    ("gempa {sr} SR akan mengguncang {kota} pada {tgl}", "gempa tidak bisa diprediksi tanggal dan jamnya", "BMKG"),
    ("Gunung {gunung} akan meletus malam ini", "status gunung itu normal dan dipantau terus oleh PVMBG", "PVMBG"),
    ("Bendungan {dam} akan jebol", "bendungan itu dalam kondisi aman dan diperiksa rutin", "Kementerian PUPR"),
    ("uang pecahan {pecahan} tidak berlaku lagi", "uang itu masih sah sebagai alat pembayaran", "Bank Indonesia"),
    ("tabungan di atas Rp 100 juta akan dipotong 10 persen", "tidak ada kebijakan pemotongan tabungan", "OJK"),
    ("telur plastik beredar di pasar {kota}", "sampel telur yang diuji semuanya asli", "Dinas Ketahanan Pangan"),
    ("telepon dari nomor +92 menyedot saldo rekening", "menerima telepon saja tidak bisa menguras rekening", "Kominfo"),
    ("libur sekolah diperpanjang satu bulan", "kalender pendidikan tidak berubah", "Dinas Pendidikan"),
    ("listrik 900 VA akan dicabut semua", "tidak ada pencabutan daya 900 VA", "PLN"),
    ("makan mi instan bersama cokelat menyebabkan kematian", "kombinasi makanan itu tidak beracun", "BPOM"),
]

KIND_LABELS: dict[str, tuple[int | None, int | None, int | None]] = {}  # kind -> (hoax, slander, incitement)
SECTIONS: dict[str, list[str]] = {
    "group_hate": [
        "hate_derogation",
        "hate_dehumanisation",
        "hate_threat",
        "hate_slur",
        "hate_question",
        "hate_opinion",
        "hate_stereotype",
        "hate_obfuscated",
    ],
    "group_counterfactual": [
        "counter_quote",
        "counter_reference",
        "negated_hate",
        "group_neutral",
        "group_positive",
        "profanity_nonhate",
        "abuse_nonprotected",
    ],
    "slander": [
        "slander_accusation",
        "slander_disgrace",
        "slander_insult",
        "slander_institution",
        "slander_false_report",
    ],
    "slander_negative": [
        "investigation_news",
        "performance_criticism",
        "citizen_complaint",
        "official_praise",
        "official_question",
    ],
    "benign": [
        "announcement",
        "agency_reply",
        "chitchat",
        "greeting",
        "question",
        "joke",
        "news",
        "promotion",
        "personal_story",
        "condolence",
        "sports_talk",
    ],
    "hoax": ["hoax_claim"],
    "hoax_negative": ["urgent_true", "debunk", "truth_question", "opinion"],
}
for _kind in SECTIONS["group_hate"]:
    KIND_LABELS[_kind] = (0, 0, 1)
for _kind in SECTIONS["slander"]:
    KIND_LABELS[_kind] = (0, 1, 0)
KIND_LABELS["slander_false_report"] = (None, 1, 0)
for _kind in SECTIONS["hoax"]:
    KIND_LABELS[_kind] = (1, 0, 0)
for _sec in ("group_counterfactual", "slander_negative", "benign", "hoax_negative"):
    for _kind in SECTIONS[_sec]:
        KIND_LABELS[_kind] = (0, 0, 0)
SECTION_OF = {k: s for s, ks in SECTIONS.items() for k in ks}

BUDGET = {  # posts per kind
    "hate_derogation": 110,
    "hate_dehumanisation": 80,
    "hate_threat": 110,
    "hate_slur": 70,
    "hate_question": 70,
    "hate_opinion": 90,
    "hate_stereotype": 80,
    "hate_obfuscated": 55,
    "counter_quote": 130,
    "counter_reference": 110,
    "negated_hate": 120,
    "group_neutral": 150,
    "group_positive": 110,
    "profanity_nonhate": 90,
    "abuse_nonprotected": 110,
    "slander_accusation": 110,
    "slander_disgrace": 75,
    "slander_insult": 110,
    "slander_institution": 90,
    "slander_false_report": 55,
    "investigation_news": 100,
    "performance_criticism": 110,
    "citizen_complaint": 130,
    "official_praise": 80,
    "official_question": 80,
    "announcement": 120,
    "agency_reply": 95,
    "chitchat": 125,
    "greeting": 100,
    "question": 120,
    "joke": 110,
    "news": 115,
    "promotion": 95,
    "personal_story": 115,
    "condolence": 80,
    "sports_talk": 105,
    "hoax_claim": 620,
    "urgent_true": 270,
    "debunk": 200,
    "truth_question": 110,
    "opinion": 75,
}

# register weights (formal, colloquial, alay, regional, caps); a positive and its negatives share weights
W_GROUP = (0.16, 0.38, 0.16, 0.16, 0.14)
W_SLANDER = (0.22, 0.34, 0.14, 0.16, 0.14)
W_BENIGN = (0.24, 0.34, 0.14, 0.16, 0.12)
W_HOAX = (0.24, 0.28, 0.15, 0.14, 0.19)
W_NEWS = (0.55, 0.14, 0.07, 0.09, 0.15)
REGISTER_WEIGHTS: dict[str, tuple[float, ...]] = {}
for _kind, _sec in SECTION_OF.items():
    REGISTER_WEIGHTS[_kind] = {
        "group_hate": W_GROUP,
        "group_counterfactual": W_GROUP,
        "slander": W_SLANDER,
        "slander_negative": W_SLANDER,
        "benign": W_BENIGN,
        "hoax": W_HOAX,
        "hoax_negative": W_HOAX,
    }[_sec]
for _kind in ("investigation_news", "news", "announcement", "agency_reply"):
    REGISTER_WEIGHTS[_kind] = W_NEWS
# platform weights (whatsapp, facebook, x, instagram, youtube)
PLATFORM_WEIGHTS = {
    "group_hate": (0.15, 0.25, 0.25, 0.15, 0.20),
    "slander": (0.22, 0.32, 0.22, 0.12, 0.12),
    "benign": (0.25, 0.25, 0.2, 0.2, 0.1),
    "hoax": (0.38, 0.30, 0.14, 0.10, 0.08),
}
PLATFORM_SECTION = {
    "group_hate": "group_hate",
    "group_counterfactual": "group_hate",
    "slander": "slander",
    "slander_negative": "slander",
    "benign": "benign",
    "hoax": "hoax",
    "hoax_negative": "hoax",
}

# emoji by tone
TONE_EMOJI = {
    "angry": ["😡", "🤬", "💢", "👊", "😤", "🖕"],
    "alarm": ["⚠️", "🚨", "‼️", "📢", "❗", "🔴", "👇"],
    "laugh": ["😂", "🤣", "😆", "😹", "🙈"],
    "sad": ["😭", "🙏", "💔", "🥀", "😢"],
    "happy": ["😍", "🔥", "👍", "🎉", "🙌", "😊", "💪"],
    "calm": ["🙏", "👍", "🤝", "❤️", "😊", "✌️"],
}
KIND_TONE = {k: "angry" for k in SECTIONS["group_hate"] + SECTIONS["slander"]}
KIND_TONE.update(
    {
        "counter_quote": "calm",
        "counter_reference": "calm",
        "negated_hate": "calm",
        "group_neutral": "happy",
        "group_positive": "happy",
        "profanity_nonhate": "angry",
        "abuse_nonprotected": "angry",
        "investigation_news": "alarm",
        "performance_criticism": "angry",
        "citizen_complaint": "angry",
        "official_praise": "happy",
        "official_question": "calm",
        "announcement": "alarm",
        "agency_reply": "calm",
        "chitchat": "laugh",
        "greeting": "happy",
        "question": "calm",
        "joke": "laugh",
        "news": "alarm",
        "promotion": "happy",
        "personal_story": "happy",
        "condolence": "sad",
        "sports_talk": "happy",
        "hoax_claim": "alarm",
        "urgent_true": "alarm",
        "debunk": "alarm",
        "truth_question": "calm",
        "opinion": "calm",
    }
)
SERIOUS = {"condolence", "investigation_news", "news", "announcement", "agency_reply", "urgent_true"}

# openers and closers; broadcast formulas are shared by hoaxes and true notices (same style both sides)
BROADCAST_OPEN = [
    "PENTING!!",
    "Info dari grup sebelah:",
    "Mohon perhatian semua:",
    "Copas dari grup RT:",
    "INFO TERBARU!",
    "Assalamualaikum bapak ibu,",
    "Kabar dari saudara:",
    "Baca sampai habis.",
    "Dari grup sekolah anak:",
    "Barusan dapet info:",
    "Waspada!",
    "Info A1:",
]
BROADCAST_CLOSE = [
    "Sebarkan!!",
    "Mohon diteruskan ke keluarga 🙏",
    "Tolong share ke grup lain.",
    "Jangan berhenti di kamu ya.",
    "Semoga bermanfaat, bagikan!",
    "Share biar pada tau.",
    "Yang sayang keluarga pasti share.",
    "Viralkan!",
    "Info valid, sudah dicek.",
    "Simpan dan sebarkan.",
]
DEBUNK_CLOSE = [
    "#CekFakta",
    "Saring sebelum sharing.",
    "Tolong sebarkan klarifikasi ini 🙏",
    "#LawanHoaks",
    "Cek dulu sebelum share ya.",
    "Sebarkan!!",
    "Mohon diteruskan ke keluarga 🙏",
    "Share biar pada tau.",
]
QUESTION_CLOSE = ["cmiiw", "makasih sebelumnya 🙏", "mohon pencerahannya", "ada yang tau?"]
OPENERS = {  # discourse markers that fit a positive and its negatives alike
    "group_hate": ["Jujur ya,", "Sumpah,", "Dengerin ya,", "Gini ya,", "Eh,", "Btw,", "Menurutku,"],
    "slander": ["Jujur ya,", "Gini ya,", "Buat warga sini,", "Eh,", "Btw,", "Sekadar info,"],
    "benign": ["Eh,", "Btw,", "Guys,", "Oh iya,", "Duh,", "Hehe,", "Wah,"],
    "hoax": ["Eh,", "Btw,", "Jujur ya,", "Gini ya,"],
}
CLOSERS = {
    "group_hate": ["Bener kan?", "Gitu aja sih.", "Setuju gak?", "Itu pendapatku.", "Udah, itu aja."],
    "slander": ["Gimana menurut warga?", "Bener gak?", "Share aja biar pada tau.", "Itu aja sih."],
    "benign": ["hehe", "ya", "makasih", "🙏", "cheers"],
    "hoax": ["Gimana menurut kalian?", "Itu aja sih.", "cmiiw"],
}

# ---------------------------------------------------------------------------------------------------------
# register rendering
# ---------------------------------------------------------------------------------------------------------
COLLOQ = {
    "saya": "gue",
    "aku": "gue",
    "kamu": "lu",
    "anda": "lu",
    "tidak": "gak",
    "sudah": "udah",
    "saja": "aja",
    "kalau": "kalo",
    "bagaimana": "gimana",
    "mengapa": "kenapa",
    "seperti": "kayak",
    "begitu": "gitu",
    "begini": "gini",
    "memang": "emang",
    "hanya": "cuma",
    "benar": "bener",
    "tahu": "tau",
    "sedang": "lagi",
    "ingin": "pengen",
    "membuat": "bikin",
    "kami": "kita",
    "bersama": "bareng",
    "belum": "belom",
    "apakah": "apa",
    "tetapi": "tapi",
    "karena": "gara-gara",
    "adalah": "tuh",
    "tersebut": "itu",
    "telah": "udah",
    "akan": "bakal",
    "bahwa": "kalo",
    "melihat": "liat",
    "mengusir": "ngusir",
    "memberi": "ngasih",
    "mencari": "nyari",
    "bertetangga": "tetanggaan",
    "datang": "dateng",
    "dapat": "bisa",
    "terima kasih": "makasih",
    "semuanya": "semuanya",
    "mereka": "mereka",
    "sekali": "banget",
    "seharusnya": "harusnya",
    "lebih baik": "mending",
    "pergi": "pergi",
    "untuk": "buat",
    "diberi": "dikasih",
    "berikan": "kasih",
    "perlu": "perlu",
    "beri": "kasih",
    "hingga": "sampe",
    "sampai": "sampe",
    "pukul": "jam",
    "diketahui": "ketauan",
}
ABBR = {
    "yang": "yg",
    "gak": "gk",
    "tidak": "tdk",
    "banget": "bgt",
    "jangan": "jgn",
    "sama": "sm",
    "dengan": "dgn",
    "karena": "krn",
    "udah": "udh",
    "sudah": "sdh",
    "aja": "aj",
    "tapi": "tp",
    "kalo": "klo",
    "orang": "org",
    "gimana": "gmn",
    "bukan": "bkn",
    "buat": "bwt",
    "lagi": "lg",
    "banyak": "byk",
    "untuk": "utk",
    "dari": "dr",
    "juga": "jg",
    "emang": "emg",
    "sekarang": "skrg",
    "semua": "smua",
    "gue": "gw",
    "lu": "lo",
    "kamu": "km",
    "aku": "aq",
    "tau": "tw",
    "nggak": "ngga",
    "dulu": "dlu",
    "sampe": "smp",
    "pake": "pk",
    "bisa": "bs",
    "masih": "msh",
    "terus": "trs",
    "kenapa": "knp",
}
LEET = str.maketrans({"a": "4", "e": "3", "i": "1", "o": "0"})
DIALECTS: dict[str, dict[str, Any]] = {
    "jawa": dict(
        words={
            "gak": "ora",
            "tidak": "ora",
            "udah": "wis",
            "sudah": "wis",
            "lu": "kowe",
            "kamu": "kowe",
            "gue": "aku",
            "saya": "aku",
            "ini": "iki",
            "itu": "kuwi",
            "aja": "wae",
            "banget": "tenan",
            "apa": "opo",
            "gimana": "piye",
            "orang": "wong",
            "mau": "arep",
            "gitu": "ngono",
            "bener": "tenan",
            "kok": "kok",
            "ada": "ono",
            "tau": "ngerti",
        },
        open=["Rek,", "Lur,", "Mas,", "Wes,", "Lho,", "Cah,"],
        close=["lho", "rek", "to", "lur", "yo"],
    ),
    "sunda": dict(
        words={
            "gak": "teu",
            "tidak": "teu",
            "gue": "aing",
            "lu": "maneh",
            "kamu": "maneh",
            "banget": "pisan",
            "gimana": "kumaha",
            "aja": "wae",
            "udah": "geus",
            "sudah": "geus",
            "apa": "naon",
            "itu": "eta",
            "ini": "ieu",
            "juga": "oge",
            "mau": "hayang",
        },
        open=["Kang,", "Teh,", "Duh,", "Sok,", "Euleuh,"],
        close=["euy", "atuh", "pisan", "lah", "mah"],
    ),
    "betawi": dict(
        words={
            "gak": "kagak",
            "tidak": "kagak",
            "saya": "aye",
            "kamu": "ente",
            "apa": "ape",
            "udah": "udeh",
            "sudah": "udeh",
            "kenapa": "ngapa",
            "sama": "ame",
            "mau": "mao",
            "kita": "kite",
            "dia": "die",
            "aja": "aje",
            "gitu": "gitu",
        },
        open=["Bang,", "Mpok,", "Aduh Bang,", "Ye kan,"],
        close=["dah", "bener dah", "tong", "dah ah"],
    ),
    "medan": dict(
        words={
            "saya": "awak",
            "gue": "awak",
            "lu": "kau",
            "kamu": "kau",
            "banget": "kali",
            "gimana": "macam mana",
            "gak": "nggak",
            "aja": "aja",
            "udah": "udah",
        },
        open=["Bah,", "Lae,", "Woi lae,", "Kak,", "Bang,"],
        close=["bah", "lae", "kau", "pun"],
    ),
    "minang": dict(
        words={
            "gak": "indak",
            "tidak": "indak",
            "saya": "ambo",
            "gue": "awak",
            "lu": "ang",
            "kamu": "waang",
            "apa": "apo",
            "banget": "bana",
            "udah": "alah",
            "sudah": "alah",
            "itu": "tu",
            "ini": "iko",
            "sama": "samo",
            "mau": "nio",
            "orang": "urang",
        },
        open=["Uda,", "Uni,", "Ondeh,", "Ondeh mandeh,"],
        close=["yo", "da", "mah", "ko"],
    ),
}
COLLOQ_TAIL = {
    "angry": [" anjir", " sih", " dah", " emang", "!!", " njir"],
    "laugh": [" wkwk", " wkwkwk", " sih", " deh", " 😂"],
    "calm": [" sih", " dong", " ya", " deh", " kan"],
    "happy": [" sih", " deh", " ya", "!!", " bgt"],
    "alarm": [" ya", " guys", " gaes", "!!", " woi"],
    "sad": [" ya", "...", " 🙏"],
}

_WORD = re.compile(r"[A-Za-zÀ-ÿ]+(?:-[A-Za-zÀ-ÿ]+)*|[^A-Za-zÀ-ÿ]+")


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


def _map_words(text: str, table: dict[str, str], rng: random.Random, p: float) -> str:
    """Replace whole words found in `table` (case-insensitively, keeping an initial capital) with chance p."""
    out = []
    for tok in _WORD.findall(text):
        rep = table.get(tok.lower())
        if rep is not None and rep != tok.lower() and rng.random() < p:
            out.append(_cap(rep) if tok[:1].isupper() else rep)
        else:
            out.append(tok)
    return "".join(out)


def _colloquial(text: str, rng: random.Random) -> str:
    text = re.sub(r"\b[Ss]angat (\w+)", r"\1 banget", text)
    text = re.sub(r"\b[Tt]erima kasih", "makasih", text)
    text = re.sub(r"\b[Ll]ebih baik", "mending", text)
    return _map_words(text, COLLOQ, rng, 0.9)


LAUGH_TAILS = [" wkwkwk", " :v", " xixixi", " wkwk"]
PLAIN_TAILS = [" hmmm", " ckckck", "...", " dah"]


def _tail(text: str, tail: str) -> str:
    """Append a spoken tail, before a final question mark."""
    body = text.rstrip()
    if body.endswith("?"):
        return body[:-1].rstrip(" .!") + tail + "?"
    return body.rstrip(".!") + tail


def _lower_first(text: str) -> str:
    """Lower-case the first letter unless the first word is an acronym or a slot-like name (e.g. 'KPK', 'PT')."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def _finish(text: str, tone: str, rng: random.Random, serious: bool) -> str:
    """Loose end punctuation and a spoken tail."""
    if rng.random() < 0.45 and not text.endswith("?"):
        text = text.rstrip(".")
    if rng.random() < 0.3 and not serious:
        text = _tail(text, rng.choice(COLLOQ_TAIL[tone]))
    if rng.random() < 0.2:
        text = _lower_first(text)
    return text


def _alay(text: str, tone: str, rng: random.Random) -> str:
    text = _map_words(text, ABBR, rng, 0.85)
    out = []
    for tok in _WORD.findall(text):
        if tok.isalpha() and len(tok) >= 4:
            r = rng.random()
            if r < 0.18:
                tok = tok.translate(LEET)
            elif r < 0.26:
                tok = tok + tok[-1] * rng.randint(2, 4)
            elif r < 0.32:
                tok = "".join(c.upper() if i % 2 else c.lower() for i, c in enumerate(tok))
        out.append(tok)
    text = "".join(out)
    if rng.random() < 0.5:
        text = text.lower()
    if rng.random() < 0.25:
        tails = LAUGH_TAILS + PLAIN_TAILS if tone in ("laugh", "angry", "happy") else PLAIN_TAILS[:3]
        text = _tail(text, rng.choice(tails))
    return text


def _regional(text: str, rng: random.Random) -> str:
    d = DIALECTS[rng.choice(sorted(DIALECTS))]
    text = _map_words(text, d["words"], rng, 0.7)
    r = rng.random()
    if r < 0.45:
        text = rng.choice(d["open"]) + " " + _lower_first(text)
    elif r < 0.9:
        text = _tail(text, " " + rng.choice(d["close"]))
    else:
        text = _tail(rng.choice(d["open"]) + " " + _lower_first(text), " " + rng.choice(d["close"]))
    return text


def _caps(text: str, tone: str, rng: random.Random) -> str:
    s = text.upper()
    s = re.sub(r"[.!]+(\s|$)", lambda m: rng.choice(["!!", "!!!", "!", "."]) + m.group(1), s)
    emo = TONE_EMOJI[tone]
    e1, e2 = rng.sample(emo, 2)
    r = rng.random()
    if r < 0.4:
        return f"{e1}{e1} {s} {e2}"
    if r < 0.8:
        return f"{s} {e1}{e2}{e2}"
    return f"{s} {e1 * rng.randint(2, 4)}"


COLLOQ_MARK = {"serious": [" ya", " gaes", " guys"], "other": [" sih", " deh", " ya", " nih", " dong"]}


def render(native: str, text: str, register: str, kind: str, rng: random.Random) -> str:
    """`text` (slots filled, framed) in `register`; `native` is the register the template was written in."""
    tone = KIND_TONE[kind]
    serious = kind in SERIOUS
    if register == "formal":
        return text
    spoken = _colloquial(text, rng) if native == "f" else text
    if register == "colloquial":
        out = _finish(spoken, tone, rng, serious)
        if native == "f" and out.rstrip(".!?") == text.rstrip(".!?"):  # nothing changed: mark it as spoken
            out = _tail(out, rng.choice(COLLOQ_MARK["serious" if serious else "other"]))
        return out
    if register == "alay":
        return _alay(_finish(spoken, tone, rng, serious), tone, rng)
    if register == "regional":
        if native == "r":
            return text.rstrip(".") if rng.random() < 0.5 else text
        return _regional(spoken, rng)
    if register == "caps":
        return _caps(text if native == "f" and rng.random() < 0.5 else spoken, tone, rng)
    raise ValueError(register)


def allowed_registers(template: str) -> tuple[str, ...]:
    native = template.split(":", 1)[0]
    return {
        "f": REGISTERS,
        "c": ("colloquial", "alay", "regional", "caps"),
        "r": ("regional", "alay", "caps"),
        "a": ("alay", "regional", "caps"),
    }[native]


# ---------------------------------------------------------------------------------------------------------
# slots
# ---------------------------------------------------------------------------------------------------------
_SLOT = re.compile(r"\{(\w+)\}")
OFFICIAL_WORDS = re.compile(
    r"Camat|Lurah|Bupati|Kades|Kepala Desa|Dinas|DPRD|Polsek|Puskesmas|Samsat|PDAM|"
    r"Disdukcapil|[Pp]emkab|[Pp]emerintah|Bidan|\{handle\}"
)


def _obfuscate(word: str, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.35:
        return word.translate(LEET)
    if r < 0.6:
        return ".".join(word)
    if r < 0.8 and len(word) > 3:
        i = rng.randrange(1, len(word) - 1)
        return word[:i] + "*" + word[i + 1 :]
    return " ".join(word.upper())


def _slots(template: str) -> list[str]:
    return [m.group(1) for m in _SLOT.finditer(template)]


def _key(name: str) -> str:
    return name[:1].lower() + name[1:]


def group_fits(group: dict[str, Any], template: str) -> bool:
    for name in _slots(template):
        k = _key(name)
        if k in GROUP_KEYS and k not in ("grp", "bare", "grp_obf") and not group.get(k):
            return False
    return True


def fill(template: str, ctx: dict[str, str], rng: random.Random) -> str:
    def one(m: re.Match[str]) -> str:
        name = m.group(1)
        k = _key(name)
        if k not in ctx:
            if k in POOLS:
                ctx[k] = rng.choice(POOLS[k])
            else:
                raise KeyError(f"no slot {name!r} in {template!r}")
        v = fill(ctx[k], ctx, rng) if "{" in ctx[k] else ctx[k]
        ctx[k] = v
        return _cap(v) if name[:1].isupper() else v

    return _SLOT.sub(one, template)


def context(kind: str, template: str, rng: random.Random) -> tuple[dict[str, str], str]:
    """Slot values for one post and its target."""
    ctx: dict[str, str] = {}
    target = ""
    sec = SECTION_OF[kind]
    names = {_key(n) for n in _slots(template)}
    if names & {"grp", "bare", "home", "food", "event", "ibadah", "agama", "slur", "grp_obf"}:
        fits = [g for g in GROUPS if group_fits(g, template)]
        g = rng.choice(fits)
        ctx["grp"] = rng.choice(g["grp"])
        ctx["bare"] = g["bare"]
        for k in ("home", "food", "event", "ibadah", "agama"):
            if g.get(k):
                ctx[k] = g[k]
        if g.get("slur"):
            ctx["slur"] = rng.choice(g["slur"])
        obf_word = g["bare"]
        ctx["grp_obf"] = ("org " if g["cat"] in ("suku", "ras") else "") + _obfuscate(obf_word, rng)
        target = f"{g['cat']}:{g['bare']}"
    if "who" in names:
        text, target = rng.choice(WHO)
        ctx["who"] = text
        ctx.update(name_m=rng.choice(NAMES_M), name_f=rng.choice(NAMES_F), name_cn=rng.choice(NAMES_CN))
    for key in ("inst", "inst_health", "inst_fin"):
        if key in names:
            text, t = rng.choice(INST[key])
            ctx[key] = text
            target = target or t
    if "role" in names:
        ctx["role"] = rng.choice(ROLE_NEUTRAL)
        target = "official:under_investigation"
    if "claim" in names or "fact" in names:
        claim, fact, authority = rng.choice(CLAIMS)
        ctx.update(claim=claim, fact=fact, authority=authority)
    if sec in ("slander", "slander_negative") and not target and OFFICIAL_WORDS.search(template):
        target = "official"
    return ctx, target


# ---------------------------------------------------------------------------------------------------------
# platform habits and framing
# ---------------------------------------------------------------------------------------------------------
HASHTAGS = {
    "group_hate": ["#fyp", "#viral", "#opini", "#trending"],
    "slander": ["#viral", "#usut", "#warga", "#fyp"],
    "benign": ["#fyp", "#daily", "#info", "#ceritaku"],
    "hoax": ["#info", "#viral", "#waspada", "#penting", "#fyp"],
}


def _open(opener: str, text: str) -> str:
    return opener + " " + (_lower_first(text) if opener.endswith(",") else text)


def frame(text: str, kind: str, register: str, rng: random.Random) -> str:
    """Openers and closers (same pools and rates for a positive kind and its hard negatives)."""
    sec = PLATFORM_SECTION[SECTION_OF[kind]]
    if kind in ("hoax_claim", "urgent_true"):
        if rng.random() < 0.27:
            text = _open(rng.choice(BROADCAST_OPEN), text)
        if rng.random() < 0.33:
            text = text.rstrip() + " " + rng.choice(BROADCAST_CLOSE)
        return text
    if kind == "debunk":
        if rng.random() < 0.3:
            text = _open(rng.choice(BROADCAST_OPEN), text)
        if rng.random() < 0.45:
            text = text.rstrip() + " " + rng.choice(DEBUNK_CLOSE)
        return text
    if kind == "truth_question":
        if rng.random() < 0.35:
            text = _open(rng.choice(BROADCAST_OPEN), text)
        if rng.random() < 0.35:
            text = text.rstrip() + " " + rng.choice(QUESTION_CLOSE)
        return text
    if kind in SERIOUS or register == "formal":
        return text
    if rng.random() < 0.15:
        text = rng.choice(OPENERS[sec]) + " " + _lower_first(text)
    if rng.random() < 0.15:
        text = text.rstrip() + " " + rng.choice(CLOSERS[sec])
    return text


def apply_platform(text: str, platform: str, kind: str, rng: random.Random) -> str:
    sec = PLATFORM_SECTION[SECTION_OF[kind]]
    if platform == "instagram" and rng.random() < 0.5:
        text += ("\n\n" if rng.random() < 0.5 else " ") + " ".join(rng.sample(HASHTAGS[sec], 2))
    elif platform == "whatsapp" and sec == "hoax" and rng.random() < 0.3 and ". " in text:
        head, tail = text.split(". ", 1)
        text = f"*{head}*. {tail}"
    elif platform == "youtube" and rng.random() < 0.25:
        text = (
            rng.choice(["{m}:{s:02d} ", "menit {m}:{s:02d} ", ""]).format(m=rng.randint(0, 14), s=rng.randint(0, 59))
            + text
        )
    elif platform == "facebook" and kind in ("official_question", "question", "truth_question") and rng.random() < 0.4:
        text = rng.choice(["Min, ", "Izin bertanya, ", "Numpang tanya, "]) + _lower_first(text)
    elif (
        platform == "x"
        and kind in ("citizen_complaint", "official_question", "performance_criticism")
        and rng.random() < 0.4
    ):
        text = "@" + rng.choice(POOLS["handle"]) + " " + text
    if platform == "x" and len(text) > 280:
        cut = text[:277]
        text = cut[: cut.rfind(" ")] + "..."
    return text


# ---------------------------------------------------------------------------------------------------------
# generation
# ---------------------------------------------------------------------------------------------------------
def _hash(seed: int, key: str) -> str:
    return hashlib.sha256(f"{seed}:{key}".encode()).hexdigest()


def held_out_families(seed: int) -> set[str]:
    """About TEST_SHARE of the families of each part (section), allocated to its kinds by largest remainder (ties
    broken by a seeded hash), and within a kind chosen by a seeded hash."""
    sizes = {k: len(v) for k, v in FAMILIES.items()}
    quota = {k: int(TEST_SHARE * n) for k, n in sizes.items()}
    for kinds in SECTIONS.values():
        total = round(TEST_SHARE * sum(sizes[k] for k in kinds))
        rest = sorted(kinds, key=lambda k: (-(TEST_SHARE * sizes[k] - quota[k]), _hash(seed, k)))
        for k in rest[: max(0, total - sum(quota[k] for k in kinds))]:
            quota[k] += 1
    out: set[str] = set()
    for kind, fams in FAMILIES.items():
        ids = sorted((f[0] for f in fams), key=lambda f: _hash(seed, f))
        out.update(ids[: quota[kind]])
    return out


def _weighted(rng: random.Random, options: tuple[str, ...], weights: tuple[float, ...]) -> str:
    return rng.choices(options, weights=weights, k=1)[0]


def _plain(text: str) -> str:
    return " ".join(text.lower().split())


def generate(seed: int = SEED) -> tuple[list[dict[str, Any]], list[str]]:
    rng = random.Random(seed)
    # Duplicates are found with the reading the committed file was written with (version 2): a newer normaliser
    # must not redraw a dataset whose card pins its sha256.
    normalizer = Normalizer(BUILTIN_SLANG, version="2")
    test = held_out_families(seed)
    seen: set[str] = set()
    records: list[dict[str, Any]] = []
    shortfalls: list[str] = []
    for kind, fams in FAMILIES.items():
        hoax, slander, incitement = KIND_LABELS[kind]
        budget = BUDGET[kind]
        sec = SECTION_OF[kind]
        for fi, (fid, templates) in enumerate(fams):
            quota = budget // len(fams) + (1 if fi < budget % len(fams) else 0)
            accepted: list[set[str]] = []
            got = attempts = 0
            while got < quota and attempts < quota * 80:
                attempts += 1
                register = _weighted(rng, REGISTERS, REGISTER_WEIGHTS[kind])
                options = [t for t in templates if register in allowed_registers(t)]
                if not options:
                    continue
                template = rng.choice(options)
                ctx, target = context(kind, template, rng)
                if kind == "abuse_nonprotected":
                    target = {
                        "anp_weather": "weather",
                        "anp_traffic": "traffic",
                        "anp_device": "device",
                        "anp_club": "football_club",
                        "anp_chores": "household_object",
                    }[fid]
                native, body = template.split(":", 1)
                text = frame(fill(body, ctx, rng), kind, register, rng)
                text = render(native, text, register, kind, rng)
                platform = _weighted(rng, PLATFORMS, PLATFORM_WEIGHTS[PLATFORM_SECTION[sec]])
                text = apply_platform(text, platform, kind, rng).strip()
                plain = _plain(text)
                norm = normalizer.normalize(text)
                if plain in seen or norm in seen:
                    continue
                toks = {t for t in norm.split() if any(c.isalnum() for c in t)}
                if any(len(toks & o) / max(len(toks | o), 1) >= NEAR_DUP for o in accepted):
                    continue
                seen.update((plain, norm))
                accepted.append(toks)
                records.append(
                    {
                        "text": text,
                        "hoax": hoax,
                        "slander": slander,
                        "incitement": incitement,
                        "kind": kind,
                        "register": register,
                        "target": target,
                        "template": fid,
                        "platform": platform,
                        "split": "test" if fid in test else "train",
                    }
                )
                got += 1
            if got < quota:
                shortfalls.append(f"{kind}/{fid}: {got} of {quota}")
    for i, r in enumerate(records, start=1):
        digest = hashlib.sha256(r["text"].encode("utf-8")).hexdigest()[:8]
        r["id"] = f"srp-{i:05d}-{digest}"
    keys = (
        "id",
        "text",
        "hoax",
        "slander",
        "incitement",
        "kind",
        "register",
        "target",
        "template",
        "platform",
        "split",
    )
    # Decontamination, after the ids are given so that dropping a post renumbers nothing: a post that shares half
    # its words with a committed evaluation case (model.overlap) would teach that case; it is dropped, not redrawn.
    evaluation = NearCopyIndex(evaluation_case_texts())
    return [{k: r[k] for k in keys} for r in records if not evaluation.is_near_copy(r["text"])], shortfalls


def to_jsonl(records: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in records)


def summary(records: list[dict[str, Any]]) -> str:
    lines = [f"{len(records)} posts"]
    for label in ("hoax", "slander", "incitement"):
        c = Counter(str(r[label]) for r in records)
        lines.append(f"{label}: " + ", ".join(f"{k} {v}" for k, v in sorted(c.items())))
    for key in ("kind", "register", "platform", "split"):
        c = Counter(r[key] for r in records)
        lines.append(f"{key}: " + ", ".join(f"{k} {v}" for k, v in sorted(c.items())))
    fams = {r["template"]: r["split"] for r in records}
    lines.append(f"families: {len(fams)}, held out {sum(v == 'test' for v in fams.values())}")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--check", action="store_true", help="fail if the committed file differs from a fresh run")
    args = ap.parse_args()
    records, shortfalls = generate(args.seed)
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
    for s in shortfalls:
        print("short:", s)
    print("bytes", len(data.encode("utf-8")), "sha256", hashlib.sha256(data.encode("utf-8")).hexdigest())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
