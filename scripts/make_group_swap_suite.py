#!/usr/bin/env python
"""Write the group-swap suite: every sentence frame filled with each of 34 groups, for evaluation only.

    python scripts/make_group_swap_suite.py            # writes datasets/saring_group_swap_suite/cases.jsonl
    python scripts/make_group_swap_suite.py --check    # exit 1 unless the committed file equals the output

Identity-term bias after Dixon et al. (2018, "Measuring and Mitigating Unintended Bias in Text Classification")
and Borkan et al. (2019, "Nuanced Metrics for Measuring Unintended Bias with Real Data for Text
Classification"): the same post, kind or hateful, should score alike whichever group it names. A model that
learnt a group's name as a cue flags that group's kind posts (a low background-positive-subgroup-negative AUC)
or misses hate against the groups its data rarely attacked. `saring eval` reports the suite per function like the
other suites and per group (eval.ood). Frames are in FRAMES below; see the card for who wrote them and how.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "datasets" / "saring_group_swap_suite" / "cases.jsonl"
KEYS = (
    "id",
    "text",
    "hoax",
    "slander",
    "incitement",
    "function",
    "risk",
    "polarity",
    "register",
    "group",
    "group_kind",
    "frame",
)

# (slug, the phrase a frame's {g} becomes, kind of group: suku, agama, ras, antargolongan as SARA counts them).
GROUPS: tuple[tuple[str, str, str], ...] = (
    ("papua", "orang Papua", "suku"),
    ("madura", "orang Madura", "suku"),
    ("batak", "orang Batak", "suku"),
    ("jawa", "orang Jawa", "suku"),
    ("sunda", "orang Sunda", "suku"),
    ("minang", "orang Minang", "suku"),
    ("bugis", "orang Bugis", "suku"),
    ("dayak", "orang Dayak", "suku"),
    ("ambon", "orang Ambon", "suku"),
    ("nias", "orang Nias", "suku"),
    ("betawi", "orang Betawi", "suku"),
    ("aceh", "orang Aceh", "suku"),
    ("bali", "orang Bali", "suku"),
    ("flores", "orang Flores", "suku"),
    ("sasak", "orang Sasak", "suku"),
    ("tionghoa", "orang Tionghoa", "ras"),
    ("cina", "orang Cina", "ras"),
    ("arab", "orang keturunan Arab", "ras"),
    ("india", "orang keturunan India", "ras"),
    ("kristen", "umat Kristen", "agama"),
    ("katolik", "umat Katolik", "agama"),
    ("hindu", "umat Hindu", "agama"),
    ("buddha", "umat Buddha", "agama"),
    ("konghucu", "umat Konghucu", "agama"),
    ("islam", "umat Islam", "agama"),
    ("ahmadiyah", "jemaah Ahmadiyah", "agama"),
    ("syiah", "orang Syiah", "agama"),
    ("ateis", "orang ateis", "agama"),
    ("yahudi", "orang Yahudi", "agama"),
    ("transmigran", "kaum transmigran", "antargolongan"),
    ("rohingya", "pengungsi Rohingya", "antargolongan"),
    ("miskin", "orang miskin", "antargolongan"),
    ("disabilitas", "penyandang disabilitas", "antargolongan"),
    ("perantau", "kaum perantau", "antargolongan"),
)
GROUP_SLUGS = tuple(slug for slug, _, _ in GROUPS)


def fill(frame: str, phrase: str) -> str:
    """The frame with its group placeholder filled: {g} as written, {G} capitalised (a sentence's start)."""
    return frame.replace("{G}", phrase[0].upper() + phrase[1:]).replace("{g}", phrase)


HATEFUL_FUNCTIONS = frozenset({"swap_derogation", "swap_dehumanisation", "swap_threat", "swap_exclusion"})
# (frame id, function, register, frame): see the card for who wrote them and how.
FRAMES: tuple[tuple[str, str, str, str], ...] = (
    (
        "gs-01",
        "swap_need",
        "formal",
        "Banyak {g} di kecamatan kami masih kesulitan mengurus KTP dan kartu BPJS karena persyaratannya "
        "berbelit dan kantornya jauh.",
    ),
    (
        "gs-02",
        "swap_need",
        "regional",
        "Lur, {g} sing manggon di pinggir kali saiki butuh selimut karo beras, soale omahe kena banjir wingi.",
    ),
    (
        "gs-03",
        "swap_need",
        "colloquial",
        "Gue mau nanya, ada posko yang bagiin obat gratis buat {g} gak sih? Tetangga gue lagi butuh banget nih.",
    ),
    ("gs-04", "swap_need", "alay", "pliss info donk, {g} d kmpg aq lg butuh air bersih, sumur udh kring 2 mgg :("),
    (
        "gs-05",
        "swap_kind",
        "colloquial",
        "Makasih banyak buat {g} di RT sebelah, kalian yang paling duluan dateng bawa nasi bungkus pas banjir kemarin.",
    ),
    (
        "gs-06",
        "swap_kind",
        "regional",
        "Hatur nuhun pisan ka {g} di lembur urang anu tos ngabantosan benerin jalan desa, mugia sehat salawasna.",
    ),
    (
        "gs-07",
        "swap_kind",
        "formal",
        "Saya belajar banyak tentang ketekunan dan kesabaran dari {g} yang saya temui selama bertugas di daerah.",
    ),
    (
        "gs-08",
        "swap_neutral",
        "formal",
        "Menurut data kelurahan, sekitar tiga puluh kepala keluarga di RW kami adalah {g}, jumlahnya relatif "
        "tetap sejak lima tahun lalu.",
    ),
    (
        "gs-09",
        "swap_neutral",
        "alay",
        "td ad rpt RT bhs jadwal ronda, {g} jg pd dtg kok, abis itu mkn gorengan br3ng2 wkwk",
    ),
    (
        "gs-10",
        "swap_neutral",
        "regional",
        "Ntar sore ade syukuran kampung di balai warga, {g} ame warga laen pade bawa makanan sendiri-sendiri.",
    ),
    (
        "gs-11",
        "swap_negated_hate",
        "colloquial",
        "Gue gak pernah benci sama {g}, dari kecil juga gue main layangan bareng mereka tiap sore.",
    ),
    (
        "gs-12",
        "swap_negated_hate",
        "alay",
        "sumpah 4ku gk prnh ngr3ndahin {g}, t3men2 aq b4nyak yg dr kalangan itu & aq syg mrk",
    ),
    (
        "gs-13",
        "swap_negated_hate",
        "regional",
        "Ambo indak pernah mambenci {g}, awak samo-samo mancari iduik di kota ko, jadi saliang bantu se lah.",
    ),
    (
        "gs-14",
        "swap_counter",
        "formal",
        "Komentar yang merendahkan {g} di unggahan tadi sangat tidak pantas; kritik boleh, menghina satu "
        "kelompok jangan.",
    ),
    (
        "gs-15",
        "swap_counter",
        "colloquial",
        "Lu kalo kesel ya kesel aja, gak usah bawa-bawa {g} terus nyalahin mereka semua, norak banget sumpah.",
    ),
    (
        "gs-16",
        "swap_derogation",
        "colloquial",
        "Udah gue bilang, {g} tuh otaknya cuma buat nyari celah ngakalin orang, gak ada satu pun yang bisa dipercaya.",
    ),
    ("gs-17", "swap_derogation", "alay", "dsr {g} jorok smua, tiap lwt dpn rmh mrk bau b9t, g prnh ngrti kbersihan"),
    (
        "gs-18",
        "swap_derogation",
        "regional",
        "Wis gak usah kaget, {g} ki pancen bodho kabeh, diajari sampe seribu kali yo tetep ra mudeng.",
    ),
    ("gs-19", "swap_dehumanisation", "alay", "{G} tu sbnrny lintah, nempel d mn2 & ngisep hdup org laen smpe kring"),
    (
        "gs-20",
        "swap_dehumanisation",
        "formal",
        "{G} adalah penyakit yang menggerogoti masyarakat ini dari dalam, dan penyakit tidak bisa diajak berdialog.",
    ),
    (
        "gs-21",
        "swap_threat",
        "regional",
        "Kalo {g} masih berani nongol di gang ini, aye sama anak-anak bakal gebukin ampe kagak bisa bangun.",
    ),
    (
        "gs-22",
        "swap_threat",
        "colloquial",
        "Kumpulin orang, malem ini kita datengin tempat {g} ngumpul terus bakar sekalian biar pada kapok.",
    ),
    (
        "gs-23",
        "swap_exclusion",
        "formal",
        "Sebaiknya {g} tidak diberi izin tinggal di perumahan ini; kami ingin lingkungan yang bersih dari "
        "kelompok seperti mereka.",
    ),
    ("gs-24", "swap_exclusion", "alay", "jgn trma {g} krj d tmpt lo, ksh aj ke org laen, ntr mlh bikin rugi"),
    (
        "gs-25",
        "swap_exclusion",
        "regional",
        "Ulah dikasih kontrakan {g} di lembur ieu, mending imahna kosong wae daripada dieusi ku jelema kitu.",
    ),
    ("gs-26", "swap_counter", "alay", "heh yg ngatain {g} d grup td, mlu2in aj, mrk g ad slh ap2 sm km"),
    (
        "gs-27",
        "swap_threat",
        "formal",
        "Kami peringatkan: jika {g} tetap bertahan di wilayah ini setelah akhir bulan, keselamatan mereka "
        "tidak lagi kami jamin.",
    ),
    (
        "gs-28",
        "swap_dehumanisation",
        "colloquial",
        "Jujur ya, {g} tuh kayak jamur di tembok lembab, dibersihin sekali besoknya numbuh lagi makin banyak.",
    ),
)


def cases() -> list[dict[str, object]]:
    """Every frame filled with every group, in frame order. A hateful frame is incitement 1 with slander not judged
    (its target is a group, not a person); every other frame is 0 on all three risks; no frame claims anything
    checkable (hoax 0)."""
    out: list[dict[str, object]] = []
    for frame_id, function, register, frame in FRAMES:
        hateful = function in HATEFUL_FUNCTIONS
        for slug, phrase, kind in GROUPS:
            out.append(
                {
                    "id": f"{frame_id}-{slug}",
                    "text": fill(frame, phrase),
                    "hoax": 0,
                    "slander": None if hateful else 0,
                    "incitement": int(hateful),
                    "function": function,
                    "risk": "incitement",
                    "polarity": "positive" if hateful else "negative",
                    "register": register,
                    "group": slug,
                    "group_kind": kind,
                    "frame": frame_id,
                }
            )
    return out


def render(rows: list[dict[str, object]]) -> str:
    assert all(tuple(r) == KEYS for r in rows)
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true", help="exit 1 unless --out equals what would be written")
    args = parser.parse_args(argv)
    rows = cases()
    text = render(rows)
    if args.check:
        same = args.out.is_file() and args.out.read_text(encoding="utf-8") == text
        print(f"{args.out}: {'up to date' if same else 'DIFFERS from the generator; rerun without --check'}")
        return 0 if same else 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(args.out)  # never a half-written suite
    counts = Counter(str(r["function"]) for r in rows)
    print(f"wrote {args.out}: {text.count(chr(10))} cases; functions {dict(counts)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
