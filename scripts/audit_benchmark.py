"""Benchmark batch audits: rows/s and peak memory in-process and on a local Dask cluster of 1 and 2 workers.

    python scripts/audit_benchmark.py --model models/default --rows 100000
    python scripts/audit_benchmark.py --tiny-model --rows 100000     # the toy baseline trained on test texts

Generates N synthetic Indonesian posts (templates with slots, written for this benchmark) into a Parquet file
in a temporary folder, then runs each configuration in a fresh child process (so peaks do not mix) while
sampling the resident memory of the child and all its descendants (Dask workers included) with psutil.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TEMPLATES = [
    "jalan di {tempat} rusak parah sejak {waktu}, mohon segera diperbaiki",
    "terima kasih {instansi} atas pelayanan yang cepat dan ramah hari ini",
    "jadwal vaksinasi di {tempat} {waktu} jam {jam}, jangan lupa bawa ktp",
    "antrean di {instansi} panjang sekali, sudah {jumlah} jam belum dipanggil",
    "mohon info jam buka {instansi} hari sabtu, terima kasih",
    "harga cabai di pasar {tempat} naik lagi {waktu}, warga mengeluh",
    "lampu jalan di gang {jumlah} {tempat} mati, mohon dicek petugas",
    "informasi bantuan sosial resmi hanya melalui situs {instansi}, hati-hati penipuan",
    "selamat hari raya bagi umat yang merayakan, semoga damai di {tempat}",
    "kerja bakti warga {tempat} membersihkan selokan {waktu} berjalan lancar",
    "SEBARKAN!! {obat} bisa menyembuhkan kanker dalam {jumlah} hari, dokter tidak mau kalian tahu",
    "bantuan tunai {jumlah} juta dari {instansi}, daftar lewat link ini, bayar admin dulu",
    "gempa besar akan terjadi {waktu} di {tempat}, kata orang dalam, segera mengungsi",
    "vaksin di {tempat} mengandung chip pelacak, jangan mau disuntik",
    "beredar surat resmi {instansi} bahwa sekolah diliburkan sebulan mulai {waktu}",
    "{tokoh} itu maling uang rakyat, dasar koruptor tidak tahu malu",
    "dasar {tokoh} goblok, kerjanya cuma makan gaji buta, mundur saja",
    "{tokoh} pembohong besar, tukang peras warga {tempat}",
    "usir saja kaum pendatang dari {tempat}, mereka perusak kampung kita",
    "orang dari golongan itu tidak boleh tinggal di {tempat}, boikot dan usir mereka",
    "gk bgt deh pelayanan {instansi}, jgn gitu dong pak",
    "apakah benar ada pemadaman listrik di {tempat} {waktu}? mohon konfirmasi",
    "hoaks soal {obat} sudah dibantah {instansi}, jangan ikut menyebarkan",
    "kebijakan baru {instansi} memberatkan warga {tempat}, tolong ditinjau ulang",
]
SLOTS = {
    "tempat": ["kelurahan sukamaju", "kecamatan cibeunying", "desa wonorejo", "kota medan", "pasar minggu",
               "kampung melayu", "kabupaten sleman", "pelabuhan tanjung priok"],
    "waktu": ["besok pagi", "bulan lalu", "minggu ini", "nanti malam", "tahun lalu", "kemarin sore"],
    "instansi": ["puskesmas", "kantor kecamatan", "dinas kesehatan", "samsat", "kementerian sosial", "pln",
                 "kantor kelurahan"],
    "jam": ["delapan", "sembilan", "sepuluh", "tujuh"],
    "jumlah": ["2", "3", "5", "10", "tiga", "lima"],
    "obat": ["air rebusan daun sirih", "air kelapa campur garam", "jamu temulawak", "bawang putih mentah"],
    "tokoh": ["bupati", "kepala dinas", "pak camat", "anggota dewan", "lurah", "walikota"],
}
PLATFORMS = ["x", "facebook", "instagram", "tiktok", "youtube"]


def fill(template: str, rnd: random.Random) -> str:
    return template.format(**{k: rnd.choice(v) for k, v in SLOTS.items()})


def generate(path: Path, n: int, seed: int = 0, batch: int = 50_000) -> None:
    """n posts (a quarter of them replies to another generated post) as Parquet, written in batches."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rnd = random.Random(seed)
    writer = None
    try:
        for start in range(0, n, batch):
            rows = []
            for i in range(start, min(n, start + batch)):
                text = fill(rnd.choice(TEMPLATES), rnd)
                parent = fill(rnd.choice(TEMPLATES), rnd) if i % 4 == 3 else None
                if parent is not None and rnd.random() < 0.3:
                    text = "tidak benar bahwa " + parent
                rows.append({"post_id": f"b{i:08d}", "text": text, "parent_text": parent,
                             "kind": "reply" if parent else "post", "platform": rnd.choice(PLATFORMS),
                             "account": f"akun{rnd.randrange(200)}",
                             "timestamp": f"2024-{1 + rnd.randrange(12):02d}-{1 + rnd.randrange(28):02d}T10:00:00"})
            table = pa.Table.from_pylist(rows)
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema)
            writer.write_table(table, row_group_size=100_000)
    finally:
        if writer is not None:
            writer.close()


def train_tiny(out: Path) -> Path:
    from model.normalize import Normalizer
    from tests.fixture_texts import fixture_splits
    from training.baseline import train_baseline

    normalizer = Normalizer({"gk": "tidak", "bgt": "banget", "jgn": "jangan", "yg": "yang"})
    train_baseline(out, fixture_splits(), normalizer, {"sources": {"fixture": {"licence": "test texts"}}})
    return out


def child(spec: dict) -> None:
    """Run one audit and print its summary as JSON (the last line of stdout)."""
    from serving.audit import AuditConfig, run_audit

    cfg = AuditConfig(inputs=[spec["input"]], model_dir=Path(spec["model"]), out_dir=Path(spec["out"]),
                      columns={"id": "post_id"}, chunk_rows=spec["chunk_rows"], workers=spec["workers"],
                      report=False)
    summary = run_audit(cfg)
    sys.stdout.write(json.dumps(summary.to_dict()) + "\n")


def measure(spec: dict) -> dict:
    """Run a child audit; sample the RSS of its whole process tree every 0.1 s."""
    try:
        import psutil
    except ImportError:  # pragma: no cover - psutil is a dependency of distributed
        psutil = None
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(spec)]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SARING_LOG_LEVEL": "WARNING"}
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    peak_tree = 0
    peak_one = 0
    if psutil is not None:
        p = psutil.Process(proc.pid)
        while proc.poll() is None:
            try:
                procs = [p, *p.children(recursive=True)]
                rss = []
                for q in procs:
                    try:
                        rss.append(q.memory_info().rss)
                    except psutil.Error:
                        pass
                peak_tree = max(peak_tree, sum(rss))
                peak_one = max(peak_one, max(rss, default=0))
            except psutil.Error:
                pass
            time.sleep(0.1)
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"audit failed ({spec}):\n{err[-3000:]}")
    summary = json.loads(out.strip().splitlines()[-1])
    # ru_maxrss of waited-for children (KiB on Linux): the largest single process so far, a cross-check
    maxrss_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return {"summary": summary, "wall": wall, "peak_tree": peak_tree,
            "peak_one": max(peak_one, 0), "ru_maxrss_children": maxrss_children}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, help="model directory (default: $SARING_MODEL_DIR or models/default)")
    ap.add_argument("--tiny-model", action="store_true", help="train the toy baseline on the test texts and use it")
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--chunk-rows", type=int, default=10_000)
    ap.add_argument("--configs", default="in-process,1,2",
                    help="comma-separated: in-process and/or numbers of local Dask workers")
    ap.add_argument("--workdir", type=Path, help="keep inputs and outputs here instead of a temporary folder")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(json.loads(args.child))
        return

    with tempfile.TemporaryDirectory(prefix="saring-audit-bench-") as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        if args.tiny_model:
            model = train_tiny(work / "tiny-model")
        else:
            from model.paths import default_model_dir

            model = args.model or default_model_dir()
        src = work / "posts.parquet"
        t = time.perf_counter()
        generate(src, args.rows)
        print(f"generated {args.rows:,} rows in {time.perf_counter() - t:.1f} s -> {src} "
              f"({src.stat().st_size / 2**20:.1f} MiB)")
        from model.modeldir import ModelDir

        info = ModelDir(model).check()
        print(f"model: {info.get('name')} {info['version']} ({info['kind']}) from {model}")
        print(f"machine: {os.cpu_count()} CPU(s), Python {sys.version.split()[0]}")
        rows = []
        for c in args.configs.split(","):
            c = c.strip()
            workers = 0 if c == "in-process" else int(c)
            out = work / f"out-{c}"
            spec = {"input": str(src), "model": str(model), "out": str(out), "chunk_rows": args.chunk_rows,
                    "workers": workers}
            r = measure(spec)
            s = r["summary"]
            assert s["rows_read"] == args.rows and s["complete"], s
            rows.append((c if workers == 0 else f"{workers} worker(s)", s["rows_read"], s["scoring_seconds"],
                         s["rows_per_second"], r["wall"], r["peak_tree"] / 2**20, r["peak_one"] / 2**20))
            print(f"  {rows[-1][0]}: {s['rows_per_second']:,.0f} rows/s, peak {rows[-1][5]:,.0f} MiB")
        t = time.perf_counter()
        from serving.audit_report import build_report

        build_report(work / f"out-{args.configs.split(',')[-1].strip()}")
        report_s = time.perf_counter() - t
        print()
        print(f"{'config':<14}{'rows':>10}{'scoring s':>11}{'rows/s':>10}{'wall s':>9}{'peak MiB (all)':>16}"
              f"{'peak MiB (1 proc)':>19}")
        for name, n, sec, rps, wall, tree, one in rows:
            print(f"{name:<14}{n:>10,}{sec:>11.1f}{rps:>10,.0f}{wall:>9.1f}{tree:>16,.0f}{one:>19,.0f}")
        print(f"\nreport over {args.rows:,} results (streaming aggregation, no charts): {report_s:.1f} s")


if __name__ == "__main__":
    main()
