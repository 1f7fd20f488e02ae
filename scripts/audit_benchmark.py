"""Benchmark batch audits: rows/s and peak memory of `Scorer.score` in-process (the reference), an audit
in-process, and audits on local Dask clusters (by default of 1 worker and of one worker per core), in one run,
each audit's rows/s and rows per CPU second shown as a share of the reference.

    python scripts/audit_benchmark.py --model models/default --rows 100000
    python scripts/audit_benchmark.py --tiny-model --rows 100000     # the toy baseline trained on test texts
    python scripts/audit_benchmark.py --model DIR --rows 5000 --configs batch,in-process,1,2 --repeat 3
    python scripts/audit_benchmark.py --model DIR --rows 5000 --precision fp32

Generates N synthetic Indonesian posts (templates with slots, written for this benchmark) into a Parquet file
in a temporary folder, then runs each configuration in a fresh child process (so peaks do not mix) while
sampling the resident memory of the child and all its descendants (Dask workers included) with psutil.
`batch` is the reference: the model loaded in-process with the audit's own loader and settings
(`serving.audit.score.get_scorer`, the same precision and threads) and `Scorer.score(texts, parents=...)`
called on the same rows in slices of --chunk-rows (an audit's chunks). With --repeat N the configurations run
N times in turn and the table gives medians, each share taken against the reference of its own round: on a
machine that other work shares, the rounds see the same load.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
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
    "tempat": [
        "kelurahan sukamaju",
        "kecamatan cibeunying",
        "desa wonorejo",
        "kota medan",
        "pasar minggu",
        "kampung melayu",
        "kabupaten sleman",
        "pelabuhan tanjung priok",
    ],
    "waktu": ["besok pagi", "bulan lalu", "minggu ini", "nanti malam", "tahun lalu", "kemarin sore"],
    "instansi": [
        "puskesmas",
        "kantor kecamatan",
        "dinas kesehatan",
        "samsat",
        "kementerian sosial",
        "pln",
        "kantor kelurahan",
    ],
    "jam": ["delapan", "sembilan", "sepuluh", "tujuh"],
    "jumlah": ["2", "3", "5", "10", "tiga", "lima"],
    "obat": ["air rebusan daun sirih", "air kelapa campur garam", "jamu temulawak", "bawang putih mentah"],
    "tokoh": ["bupati", "kepala dinas", "pak camat", "anggota dewan", "lurah", "walikota"],
}
PLATFORMS = ["x", "facebook", "instagram", "tiktok", "youtube"]


def fill(template: str, rnd: random.Random) -> str:
    return template.format(**{k: rnd.choice(v) for k, v in SLOTS.items()})


def generate(path: Path, n: int, seed: int = 0, batch: int = 50_000, copies: float = 0.0) -> None:
    """n posts (a quarter of them replies to another generated post) as Parquet, written in batches.

    Every post and every parent is a distinct text (the templates alone give only a few thousand, and the scorer
    runs each distinct text of a call once, so repeats would time less work than real posts take), except a
    `copies` share of the rows that repeats an earlier post word for word, as forwarded broadcasts and retweets
    do."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rnd = random.Random(seed)
    writer = None
    # the last 1,000 posts, which later rows may copy (forwards come soon after the original): a ring, so a million
    # rows cost a million writes, not a million copies of the list
    recent: list[str] = []
    try:
        for start in range(0, n, batch):
            rows = []
            for i in range(start, min(n, start + batch)):
                if recent and rnd.random() < copies:
                    text, parent = rnd.choice(recent), None
                else:
                    text = f"{fill(rnd.choice(TEMPLATES), rnd)} (no {i})"
                    # the post a reply answers, itself distinct (it is scored in the same pass as the reply)
                    parent = f"{fill(rnd.choice(TEMPLATES), rnd)} (induk {i})" if i % 4 == 3 else None
                    if parent is not None and rnd.random() < 0.3:
                        text = f"tidak benar bahwa {parent}"
                    if len(recent) < 1000:
                        recent.append(text)
                    else:
                        recent[i % 1000] = text
                rows.append(
                    {
                        "post_id": f"b{i:08d}",
                        "text": text,
                        "parent_text": parent,
                        "kind": "reply" if parent else "post",
                        "platform": rnd.choice(PLATFORMS),
                        "account": f"akun{rnd.randrange(200)}",
                        "timestamp": f"2024-{1 + rnd.randrange(12):02d}-{1 + rnd.randrange(28):02d}T10:00:00",
                    }
                )
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

    scorer = get_scorer(spec["model"], spec.get("precision"))  # as an audit's in-process runner loads it
    table = pq.read_table(spec["input"], columns=["text", "parent_text"])
    texts = table.column("text").to_pylist()
    parents = table.column("parent_text").to_pylist()
    step = spec["chunk_rows"]
    cpu = tree_cpu()
    t = time.perf_counter()
    for start in range(0, len(texts), step):
        scorer.score(texts[start : start + step], parents=parents[start : start + step])
    seconds = time.perf_counter() - t
    sys.stdout.write(
        json.dumps(
            {
                "rows_read": len(texts),
                "complete": True,
                "scoring_seconds": round(seconds, 3),
                "rows_per_second": round(len(texts) / seconds, 1),
                "scoring_cpu": round(tree_cpu() - cpu, 3),
                "precision": scorer.precision,
                "mode": "Scorer.score in-process",
            }
        )
        + "\n"
    )


def child(spec: dict) -> None:
    """Run one audit (or, for workers == -1, the batch reference) and print its summary as JSON (the last line
    of stdout)."""
    if spec["workers"] < 0:
        batch_child(spec)
        return
    from serving.audit import AuditConfig, run_audit

    cfg = AuditConfig(
        inputs=[spec["input"]],
        model_dir=Path(spec["model"]),
        out_dir=Path(spec["out"]),
        columns={"id": "post_id"},
        chunk_rows=spec["chunk_rows"],
        workers=spec["workers"],
        precision=spec.get("precision"),
        restart=True,
        report=False,
    )  # each round from scratch
    cpu: dict[str, float] = {"inside": 0.0}
    if spec["workers"] == 0:
        # In-process, the runner uses this very Scorer (one per process): time what runs inside Scorer.score,
        # so that the audit's own work (reading, checks, building the output, writing, the ledger) is the rest
        # of the same window, a share that holds however loaded the machine is.
        from serving.audit.score import get_scorer

        scorer = get_scorer(spec["model"], spec.get("precision"))
        score = scorer.score

        def timed_score(*a: Any, **k: Any) -> Any:
            t = time.process_time()
            try:
                return score(*a, **k)
            finally:
                cpu["inside"] += time.process_time() - t

        scorer.score = timed_score  # type: ignore[method-assign]

    def on_event(e: Any) -> None:  # CPU of the scoring window: from the start (model loaded) to the last chunk
        if e.kind == "start":
            cpu["start"] = tree_cpu()
            cpu["inside"] = 0.0
        elif e.kind == "chunk":
            cpu["last"] = tree_cpu()

    summary = run_audit(cfg, on_event=on_event)
    out = summary.to_dict()
    out["scoring_cpu"] = round(cpu.get("last", 0.0) - cpu.get("start", 0.0), 3)
    if spec["workers"] == 0 and out["scoring_cpu"] > 0:
        out["inside_score_share"] = round(cpu["inside"] / out["scoring_cpu"], 4)
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
    return {
        "summary": summary,
        "wall": wall,
        "peak_tree": peak_tree,
        "peak_one": max(peak_one, 0),
        "ru_maxrss_children": maxrss_children,
        "user": after.ru_utime - before.ru_utime,
        "sys": after.ru_stime - before.ru_stime,
    }


def default_configs() -> str:
    """batch, in-process, 1 worker, and one worker per usable core (processes x 1 thread = the cores)."""
    from serving.audit.runners import usable_cores

    return ",".join(dict.fromkeys(["batch", "in-process", "1", str(usable_cores())]))


def label(config: str) -> str:
    if config == "batch":
        return "Scorer.score"
    if config == "in-process":
        return "audit in-process"
    return f"audit Dask {config}w"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, help="model directory (default: $SARING_MODEL_DIR or models/default)")
    ap.add_argument("--tiny-model", action="store_true", help="train the toy baseline on the test texts and use it")
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--chunk-rows", type=int, default=10_000)
    ap.add_argument(
        "--copies",
        type=float,
        default=0.0,
        help="share of rows that repeat an earlier post word for word, like forwards and retweets (default 0: every "
        "row distinct; the scorer runs each distinct text of a chunk once)",
    )
    ap.add_argument(
        "--configs",
        help="comma-separated: batch (Scorer.score, the reference), in-process and/or "
        "numbers of local Dask workers (default: batch,in-process,1,<cores>)",
    )
    ap.add_argument(
        "--precision",
        choices=["int8", "bf16", "fp32"],
        help="the transformer's precision (default: an audit's, $SARING_PRECISION, else bf16 on a CPU with bf16 "
        "matrix units and OpenVINO, int8 elsewhere)",
    )
    ap.add_argument(
        "--repeat", type=int, default=1, help="run the configurations this many times in turn; the table gives medians"
    )
    ap.add_argument("--workdir", type=Path, help="keep inputs and outputs here instead of a temporary folder")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(json.loads(args.child))
        return
    configs = [c.strip() for c in (args.configs or default_configs()).split(",") if c.strip()]

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
        if not 0.0 <= args.copies < 1.0:
            ap.error(f"--copies is a share of the rows, from 0 up to (not including) 1; got {args.copies}")
        generate(src, args.rows, copies=args.copies)
        print(
            f"generated {args.rows:,} rows ({args.copies:.0%} copies of earlier posts) in "
            f"{time.perf_counter() - t:.1f} s -> {src} "
            f"({src.stat().st_size / 2**20:.1f} MiB)"
        )
        from model.modeldir import ModelDir
        from serving.audit.runners import usable_cores

        info = ModelDir(model).check()
        print(f"model: {info.get('name')} {info['version']} ({info['kind']}) from {model}")
        print(
            f"machine: {os.cpu_count()} CPU(s), {usable_cores()} usable, Python {sys.version.split()[0]}; "
            f"chunks of {args.chunk_rows:,} rows"
        )
        runs: dict[str, list[dict[str, Any]]] = {c: [] for c in configs}
        from serving.audit.run import audit_precision

        # what an audit would run in, resolved here so that the reference Scorer runs in it too
        precision = audit_precision(args.precision, None)[1]
        for k in range(args.repeat):
            ref: dict[str, Any] | None = None
            for c in configs:
                workers = -1 if c == "batch" else 0 if c == "in-process" else int(c)
                out = work / f"out-{c}"
                spec = {
                    "input": str(src),
                    "model": str(model),
                    "out": str(out),
                    "chunk_rows": args.chunk_rows,
                    "workers": workers,
                    "precision": precision,
                }
                r = measure(spec)
                s = r["summary"]
                assert s["rows_read"] == args.rows and s["complete"], s
                row = {
                    "rps": s["rows_per_second"],
                    "rpc": s["rows_read"] / max(s["scoring_cpu"], 1e-9),
                    "sec": s["scoring_seconds"],
                    "wall": r["wall"],
                    "user": r["user"],
                    "sys": r["sys"],
                    "tree": r["peak_tree"] / 2**20,
                    "one": r["peak_one"] / 2**20,
                    "precision": s.get("precision", "?"),
                    "inside": s.get("inside_score_share"),
                }
                if c == "batch":
                    ref = row
                row["share"] = row["rps"] / ref["rps"] if ref else None
                row["cpu_share"] = row["rpc"] / ref["rpc"] if ref else None
                runs[c].append(row)
                share = f", {100 * row['share']:.0f}% of Scorer.score" if ref and c != "batch" else ""
                print(
                    f"  round {k + 1}: {label(c)}: {row['rps']:,.0f} rows/s{share} ({row['precision']}), "
                    f"peak {row['tree']:,.0f} MiB",
                    flush=True,
                )
        audited = [c for c in configs if c != "batch"]
        report_s = None
        if audited:
            t = time.perf_counter()
            from serving.audit.report import build_report

            build_report(work / f"out-{audited[-1]}")
            report_s = time.perf_counter() - t

        def med(c: str, key: str) -> float | None:
            vals = [r[key] for r in runs[c] if r[key] is not None]
            return statistics.median(vals) if vals else None

        print()
        print(f"medians of {args.repeat} round(s); shares against Scorer.score in the same round")
        print(
            f"{'config':<18}{'precision':>10}{'rows/s':>9}{'of Scorer.score':>17}{'rows/CPU-s':>12}"
            f"{'of Scorer.score':>17}{'scoring s':>11}{'wall s':>9}{'user s':>9}{'sys s':>8}{'peak MiB (all)':>16}"
            f"{'peak MiB (1 proc)':>19}"
        )
        for c in configs:
            share, cpu_share = med(c, "share"), med(c, "cpu_share")
            print(
                f"{label(c):<18}{runs[c][0]['precision']:>10}{med(c, 'rps'):>9,.0f}"
                f"{(f'{100 * share:.0f}%' if share is not None else '–'):>17}{med(c, 'rpc'):>12,.1f}"
                f"{(f'{100 * cpu_share:.0f}%' if cpu_share is not None else '–'):>17}{med(c, 'sec'):>11.1f}"
                f"{med(c, 'wall'):>9.1f}{med(c, 'user'):>9.1f}{med(c, 'sys'):>8.1f}{med(c, 'tree'):>16,.0f}"
                f"{med(c, 'one'):>19,.0f}"
            )
        print(
            "rows/s: rows over the scoring window (first chunk sent to last chunk saved; for Scorer.score the "
            "calls alone).\nrows/CPU-s: rows per CPU second of that window (all processes); a share that holds "
            "when other work shares the cores.\nuser/sys: CPU seconds of the whole process tree, model loading "
            "included."
        )
        inside = [r["inside"] for r in runs.get("in-process", []) if r["inside"] is not None]
        if inside:
            print(
                f"audit in-process: {100 * statistics.median(inside):.1f}% of its scoring window's CPU was spent "
                "inside Scorer.score; the audit's own work (reading, checks, output, writing, ledger) is the rest."
            )
        if report_s is not None:
            print(f"\nreport over {args.rows:,} results (streaming aggregation, no charts): {report_s:.1f} s")


if __name__ == "__main__":
    main()
