"""Benchmark batch audits: rows/s and peak memory in-process and on a local Dask cluster of 1 and 2 workers,
against the in-process batch path (`Scorer.score` on the same rows, no audit around it) in the same run.

    python scripts/audit_benchmark.py --model models/default --rows 100000
    python scripts/audit_benchmark.py --tiny-model --rows 100000     # the toy baseline trained on test texts
    python scripts/audit_benchmark.py --model DIR --rows 5000 --configs batch,in-process,1,2

Generates N synthetic Indonesian posts (templates with slots, written for this benchmark) into a Parquet file
in a temporary folder, then runs each configuration in a fresh child process (so peaks do not mix) while
sampling the resident memory of the child and all its descendants (Dask workers included) with psutil.
`batch` is the reference: the model loaded in-process and `Scorer.score(texts, parents=...)` called on the
same rows in slices of --chunk-rows; each audit's rows/s is shown as a share of it.
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
from typing import Any

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


def tree_cpu() -> float:
    """CPU seconds (user + sys) of this process and its live descendants (a local cluster's workers)."""
    import psutil

    total = 0.0
    me = psutil.Process()
    for p in [me, *me.children(recursive=True)]:
        try:
            t = p.cpu_times()
        except psutil.Error:
            continue
        total += t.user + t.system
    return total


def batch_child(spec: dict) -> None:
    """The reference: `Scorer.score` over the same rows (texts and parents), timed after the model is loaded."""
    import pyarrow.parquet as pq

    from serving.audit.score import get_scorer

    scorer = get_scorer(spec["model"])  # with the same thread settings as an audit's in-process runner
    table = pq.read_table(spec["input"], columns=["text", "parent_text"])
    texts = table.column("text").to_pylist()
    parents = table.column("parent_text").to_pylist()
    step = spec["chunk_rows"]
    cpu = tree_cpu()
    t = time.perf_counter()
    for start in range(0, len(texts), step):
        scorer.score(texts[start:start + step], parents=parents[start:start + step])
    seconds = time.perf_counter() - t
    sys.stdout.write(json.dumps({"rows_read": len(texts), "complete": True, "scoring_seconds": round(seconds, 3),
                                 "rows_per_second": round(len(texts) / seconds, 1),
                                 "scoring_cpu": round(tree_cpu() - cpu, 3)}) + "\n")


def child(spec: dict) -> None:
    """Run one audit (or, for workers == -1, the batch reference) and print its summary as JSON (the last line
    of stdout)."""
    if spec["workers"] < 0:
        batch_child(spec)
        return
    from serving.audit import AuditConfig, run_audit

    cfg = AuditConfig(inputs=[spec["input"]], model_dir=Path(spec["model"]), out_dir=Path(spec["out"]),
                      columns={"id": "post_id"}, chunk_rows=spec["chunk_rows"], workers=spec["workers"],
                      report=False)
    cpu: dict[str, float] = {}

    def on_event(e: Any) -> None:  # CPU of the scoring window: from the start (model loaded) to the last chunk
        if e.kind == "start":
            cpu["start"] = tree_cpu()
        elif e.kind == "chunk":
            cpu["last"] = tree_cpu()

    summary = run_audit(cfg, on_event=on_event)
    out = summary.to_dict()
    out["scoring_cpu"] = round(cpu.get("last", 0.0) - cpu.get("start", 0.0), 3)
    sys.stdout.write(json.dumps(out) + "\n")


def measure(spec: dict) -> dict:
    """Run a child audit; sample the RSS of its whole process tree every 0.1 s."""
    try:
        import psutil
    except ImportError:  # pragma: no cover - psutil is a dependency of distributed
        psutil = None
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(spec)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
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
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    maxrss_children = after.ru_maxrss * 1024
    # CPU of the child and every process it waited for (Dask workers included), model loading included
    return {"summary": summary, "wall": wall, "peak_tree": peak_tree,
            "peak_one": max(peak_one, 0), "ru_maxrss_children": maxrss_children,
            "user": after.ru_utime - before.ru_utime, "sys": after.ru_stime - before.ru_stime}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, help="model directory (default: $SARING_MODEL_DIR or models/default)")
    ap.add_argument("--tiny-model", action="store_true", help="train the toy baseline on the test texts and use it")
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--chunk-rows", type=int, default=10_000)
    ap.add_argument("--configs", default="batch,in-process,1,2",
                    help="comma-separated: batch (Scorer.score, the reference), in-process and/or numbers of local "
                         "Dask workers")
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
            workers = -1 if c == "batch" else 0 if c == "in-process" else int(c)
            out = work / f"out-{c}"
            spec = {"input": str(src), "model": str(model), "out": str(out), "chunk_rows": args.chunk_rows,
                    "workers": workers}
            r = measure(spec)
            s = r["summary"]
            assert s["rows_read"] == args.rows and s["complete"], s
            rows.append((c if workers <= 0 else f"{workers} worker(s)", s["rows_read"], s["scoring_seconds"],
                         s["rows_per_second"], s["rows_read"] / max(s["scoring_cpu"], 1e-9), r["wall"], r["user"],
                         r["sys"], r["peak_tree"] / 2**20, r["peak_one"] / 2**20))
            print(f"  {rows[-1][0]}: {s['rows_per_second']:,.0f} rows/s, peak {rows[-1][8]:,.0f} MiB")
        audited = [c.strip() for c in args.configs.split(",") if c.strip() != "batch"]
        report_s = None
        if audited:
            t = time.perf_counter()
            from serving.audit.report import build_report

            build_report(work / f"out-{audited[-1]}")
            report_s = time.perf_counter() - t
        ref = next(((rps, rpc) for name, _, _, rps, rpc, *_ in rows if name == "batch"), None)
        print()
        print(f"{'config':<14}{'rows':>8}{'scoring s':>11}{'rows/s':>9}{'of batch':>10}{'rows/CPU-s':>12}"
              f"{'of batch':>10}{'wall s':>9}{'user s':>9}{'sys s':>8}{'peak MiB (all)':>16}{'peak MiB (1 proc)':>19}")
        for name, n, sec, rps, rpc, wall, user, system, tree, one in rows:
            share = f"{100 * rps / ref[0]:.0f}%" if ref else "–"
            cpu_share = f"{100 * rpc / ref[1]:.0f}%" if ref else "–"
            print(f"{name:<14}{n:>8,}{sec:>11.1f}{rps:>9,.0f}{share:>10}{rpc:>12,.1f}{cpu_share:>10}{wall:>9.1f}"
                  f"{user:>9.1f}{system:>8.1f}{tree:>16,.0f}{one:>19,.0f}")
        print("rows/CPU-s: rows per CPU second of the scoring window (all processes); a share that holds when other "
              "work shares the cores.\nuser/sys: CPU seconds of the whole process tree, model loading included.")
        if report_s is not None:
            print(f"\nreport over {args.rows:,} results (streaming aggregation, no charts): {report_s:.1f} s")


if __name__ == "__main__":
    main()
