"""`saring benchmark speed`: inference speed of a model directory, every path in one run and one process.

On the first N raw texts (default: 400 Ibrohim & Budi 2019 tweets, or one text per line of --texts FILE):
- the anchor: a naive Hugging Face loop on the transformer member, `tokenizer(text)` -> forward, batch 1,
  fp32 (what `transformers.pipeline` does by default), on the same weights;
- the transformer member alone in saring's batch path, fp32 and int8 (and bf16 where it is fast: a CPU with bf16
  matrix units or a GPU; on a GPU int8 runs fp32, so it has no rows of its own);
- the whole scorer (`Scorer.score`: normalisation, ensemble members, calibration, decisions), the same precisions;
- single-post latency (`Scorer.score([text])`, p50/p99), the same precisions;
- explanation time per flagged text (the API's own BatchRunner with explain=true), each precision, and how
  often the int8 (and bf16) explanation names the same top word as fp32;
- how much int8 (and bf16) move the scores and decisions on these texts.
Each throughput is the best of `--repeats` passes (the machine may be shared), and every ratio is to the
anchor. The machine (CPU model, cores, torch threads) is printed with the numbers, and what its cores did on a plain
fp32 matrix product on one thread and on all of them (`matmul_ceiling`) at the start of the run and at its end: two
"cores" of a virtual machine need not do twice the work of one, and what they do moves between minutes; every figure
of a run moves with it.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import time
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer

logger = logging.getLogger(__name__)

SPEED_DATASET = "ibrohim2019_multilabel_hs"


def machine() -> dict[str, Any]:
    import torch

    from model.network import configure_threads, cpu_info, physical_cores

    threads = configure_threads()
    info = cpu_info()
    name = info.get("model name") or platform.processor() or "unknown"
    flags = set(info.get("flags", "").split())
    try:
        import onnxruntime

        ort = onnxruntime.__version__
    except ImportError:
        ort = None
    try:
        import openvino

        ov = openvino.__version__.split("-")[0]
    except ImportError:
        ov = None
    return {
        "cpu": name,
        "physical_cores": physical_cores(),
        "logical_cpus": os.cpu_count(),
        "avx512_vnni": "avx512_vnni" in flags,
        "amx": sorted(f for f in flags if f.startswith("amx")),
        "torch_threads": threads,
        "torch_interop_threads": torch.get_num_interop_threads(),
        "torch": torch.__version__,
        # where the Scorers run (model.network.pick_device: a CUDA GPU when one is visible)
        "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
        "onnxruntime": ort,
        "openvino": ov,
        "python": platform.python_version(),
    }


def load_texts(texts_file: Path | None, n: int) -> tuple[list[str], str]:
    if texts_file is not None:
        lines = [ln.strip() for ln in texts_file.read_text(encoding="utf-8").splitlines() if ln.strip()]
        return lines[:n], str(texts_file)
    from model.catalogue import load_dataset

    return [e.text for e in load_dataset(SPEED_DATASET).examples[:n]], f"{SPEED_DATASET} (raw)"


def transformer_member(scorer: Any) -> Any:
    """The transformer scorer inside `scorer` (itself, or an ensemble member); None if there is none."""
    if scorer.kind == "transformer":
        return scorer
    for m in getattr(scorer.backend, "members", []):
        found = transformer_member(m)
        if found is not None:
            return found
    return None


def best_rate(fn: Any, n: int, repeats: int, what: str = "") -> float:
    """Items per second: the best of `repeats` timed calls of fn()."""
    best = float("inf")
    for _ in range(max(1, repeats)):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    logger.info("%s: %.1f items/s", what, n / best)
    return n / best


def naive_loop(member: Any, texts: list[str]) -> None:
    """The anchor: one text at a time through the Hugging Face tokenizer and the fp32 network."""
    import torch

    backend = member.backend
    tok, prefix, net, device = backend.tok.tokenizer, backend.tok.prefix, backend.net, backend.device
    with torch.inference_mode():
        for t in texts:
            enc = tok(prefix + t, truncation=True, max_length=backend.max_length, return_tensors="pt")
            # on the network's device: on a GPU the tokenizer's CPU tensors failed with "Expected all tensors
            # to be on the same device" (the eighteenth session's run on a lent H200)
            net(enc["input_ids"].to(device), enc["attention_mask"].to(device))
    if device.type == "cuda":  # GPU calls return before the work is done: time it to the end
        torch.cuda.synchronize(device)


def latency_ms(scorer: Any, texts: list[str]) -> dict[str, float]:
    times = []
    for t in texts:
        t0 = time.perf_counter()
        scorer.score([t])
        times.append((time.perf_counter() - t0) * 1000)
    return {"p50_ms": round(float(np.percentile(times, 50)), 2), "p99_ms": round(float(np.percentile(times, 99)), 2)}


def explain_run(scorer: Any, texts: list[str], max_words: int = 256) -> tuple[float, list[list[dict[str, Any]]]]:
    """Seconds per text for scoring + explaining `texts` through the API's batch runner, and the spans."""
    from serving.engine import BatchRunner, ModelHolder, PolicyBook, WorkItem

    holder = ModelHolder()
    holder.scorer = scorer
    runner = BatchRunner(holder, PolicyBook({}), explain_max_words=max_words)
    t0 = time.perf_counter()
    outs, _ = runner([WorkItem(t, explain=True) for t in texts])
    return (time.perf_counter() - t0) / max(1, len(texts)), [o.spans for o in outs]


def run_speed(
    model: Path,
    texts: list[str],
    repeats: int = 2,
    latency_n: int = 200,
    explain_n: int = 20,
    anchor_n: int | None = None,
    against: Path | None = None,
) -> dict[str, Any]:
    from model.network import batch_precision, bf16_fast
    from model.scorer import Scorer

    info = machine()
    # what the cores give before the models load, and again after the last path (below): a run takes minutes,
    # and a shared machine can drift within them
    ceiling_at_start = matmul_ceiling(info["torch_threads"])
    s32 = Scorer(model, precision="fp32")
    m32 = transformer_member(s32)
    # The default (int8) where it runs something other than fp32: int8, or the bf16 it falls back to. Where
    # int8 runs fp32 instead (a GPU; a CPU without bf16 units that could not build int8) its rows would be
    # the fp32 rows again under another name.
    default = Scorer(model, precision="int8")
    int8_runs = default.precision
    s8 = default if int8_runs != "fp32" else None
    m8 = transformer_member(s8) if s8 is not None else None
    # bf16 only where it is fast (a CPU with bf16 matrix units, a GPU with native bf16); elsewhere the Scorer
    # would run fp32 again under another name (and not when the int8 Scorer itself fell back to bf16: its
    # rows are already the bf16 ones)
    wants_bf16 = m32 is not None and bf16_fast(m32.backend.device) and int8_runs != "bf16"
    sbf = Scorer(model, precision="bf16") if wants_bf16 else None
    if sbf is not None and sbf.precision != "bf16":  # its check against fp32 failed: it runs fp32
        sbf = None
    mbf = transformer_member(sbf) if sbf is not None else None
    res: dict[str, Any] = {
        "machine": info,
        "model": str(model),
        "kind": s32.kind,
        "n_texts": len(texts),
        "int8_active": int8_runs == "int8",
        "int8_runs": int8_runs,
        "paths": {},
    }
    if m8 is not None and m8.backend.int8 is not None:
        res["int8_check"] = m8.backend.int8_info.get("check")
    if mbf is not None:  # OpenVINO's bf16 copy, or torch's bf16 weights where OpenVINO is missing
        res["bf16_runtime"] = mbf.backend.bf16_info.get("runtime", "torch")
    warm = texts[:16]
    for s in (s32, s8, sbf):
        if s is not None:
            s.score(warm)
    paths = res["paths"]

    def timed(name: str, fn: Any, n: int, reps: int = repeats) -> None:
        paths[name] = best_rate(fn, n, reps, name)

    if m32 is not None:
        normed = m32.normalize(texts)
        a_texts = normed[: anchor_n or len(normed)]
        naive_loop(m32, a_texts[:8])
        # Best of `repeats` like every other path: a single pass of batch-1 calls varied by 40% between runs.
        timed("naive HF loop, batch 1, fp32 (anchor)", lambda: naive_loop(m32, a_texts), len(a_texts))
        timed("transformer member, batch path, fp32", lambda: m32.backend.logits(normed), len(texts))
        if m8 is not None:
            timed(f"transformer member, batch path, {m8.precision}", lambda: m8.backend.logits(normed), len(texts))
        if mbf is not None:
            timed("transformer member, batch path, bf16", lambda: mbf.backend.logits(normed), len(texts))
    timed(f"Scorer.score ({s32.kind}), fp32", lambda: s32.score(texts), len(texts))
    if s8 is not None:
        timed(f"Scorer.score ({s8.kind}), {s8.precision}", lambda: s8.score(texts), len(texts))
    if sbf is not None:
        timed(f"Scorer.score ({sbf.kind}), bf16", lambda: sbf.score(texts), len(texts))
    anchor = next(iter(paths.values())) if m32 is not None else None
    res["ratios"] = {k: round(v / anchor, 2) for k, v in paths.items()} if anchor else {}
    res["paths"] = {k: round(v, 1) for k, v in paths.items()}
    lat_texts = texts[:latency_n]
    res["latency"] = {"fp32": latency_ms(s32, lat_texts)}
    if s8 is not None:
        res["latency"][s8.precision] = latency_ms(s8, lat_texts)
    if sbf is not None:
        res["latency"]["bf16"] = latency_ms(sbf, lat_texts)
    # How far each faster precision moves scores and decisions from fp32 on these texts.
    if s8 is not None:
        res["int8_vs_fp32"] = agreement(s32, s8, texts)  # whatever s8 runs (int8_runs says what)
    if sbf is not None:
        res["bf16_vs_fp32"] = agreement(s32, sbf, texts)
    flagged = [t for t, r in zip(texts, s32.score(texts), strict=True) if any(r.flags.values())][:explain_n]
    if flagged:
        faster = [s for s in (s8, sbf) if s is not None]
        for s in (s32, *faster):  # first calls of a Scorer pay for shapes the GPU / oneDNN has not seen yet
            explain_run(s, flagged[:2])
        sec32, spans32 = explain_run(s32, flagged)
        res["explain"] = {
            "n_flagged": len(flagged),
            "mean_words": round(float(np.mean([len(t.split()) for t in flagged])), 1),
            "fp32_ms_per_text": round(sec32 * 1000, 1),
        }
        for s in faster:
            sec, spans = explain_run(s, flagged)
            same = [bool(a) and bool(b) and a[0]["word"] == b[0]["word"] for a, b in zip(spans32, spans, strict=True)]
            res["explain"][f"{s.precision}_ms_per_text"] = round(sec * 1000, 1)
            res["explain"][f"same_top_word_{s.precision}"] = round(float(np.mean(same)), 3)
    if against is not None:
        # in the batch path's precision, what audits run (model.network.batch_precision): OpenVINO's bf16 on a CPU
        # with AMX tiles, int8 elsewhere (on an AMD EPYC with AVX-512 BF16 alone bf16 was 0.7x int8)
        batch = sbf if batch_precision() == "bf16" and sbf is not None else (s8 or sbf or s32)
        res["against"] = run_against(batch, against, texts, rounds=max(3, 2 * repeats + 1))
    info["fp32_matmul"] = {"start": ceiling_at_start, "end": matmul_ceiling(info["torch_threads"])}
    return res


def run_against(this: Any, other_model: Path, texts: list[str], rounds: int = 5) -> dict[str, Any]:
    """`this` Scorer against another model directory loaded in the precision that `this` runs: their
    `Scorer.score` timed in alternating rounds in one process (this machine's speed drifts by a third between
    minutes, so each round's ratio is taken within the round and the median of them reported), and how far the
    other model's scores and decisions are from this one's on the same texts (e.g. a distilled student against
    its teacher, training/distill.py)."""
    from model.scorer import Scorer

    other = Scorer(other_model, precision=this.precision)
    for s in (this, other):
        s.score(texts[:16])
    mine, theirs = [], []
    for _ in range(max(1, rounds)):
        t = time.perf_counter()
        this.score(texts)
        mine.append(len(texts) / (time.perf_counter() - t))
        t = time.perf_counter()
        other.score(texts)
        theirs.append(len(texts) / (time.perf_counter() - t))
    return {
        "model": str(other_model),
        "precision": other.precision,
        "rounds": len(mine),
        "this_texts_per_s": round(float(np.median(mine)), 1),
        "other_texts_per_s": round(float(np.median(theirs)), 1),
        "this_over_other": round(float(np.median(np.array(mine) / np.array(theirs))), 2),
        "other_vs_this": agreement(this, other, texts),
    }


def agreement(reference: Any, other: Any, texts: list[str]) -> dict[str, float]:
    """The largest and mean change of a risk score, and the share of equal decisions, of `other` against
    `reference` (two Scorers of one model in different precisions, or of two models)."""
    from model.labels import RISKS

    ref, oth = reference.score(texts), other.score(texts)  # one pass each: scores and decisions together
    p_ref = np.array([[r.scores[k] for k in RISKS] for r in ref])
    p_other = np.array([[r.scores[k] for k in RISKS] for r in oth])
    agree = float(np.mean([a.decision == b.decision for a, b in zip(ref, oth, strict=True)]))
    return {
        "max_abs_score_diff": round(float(np.abs(p_ref - p_other).max()), 4),
        "mean_abs_score_diff": round(float(np.abs(p_ref - p_other).mean()), 5),
        "decision_agreement": round(agree, 4),
    }


def matmul_ceiling(threads: int, size: int = 1024, seconds: float = 0.25, rounds: int = 3) -> dict[str, Any]:
    """fp32 GFLOP/s of a dense `size` x `size` matrix product on one thread and on `threads`, each the best of
    `rounds` alternating rounds of `seconds`, and their ratio: what the cores give before any model runs.

    Why: "2 cores" are not one quantity. On the seventy-first session's 2-vCPU Xeon (AVX-512 VNNI, a KVM guest)
    this product ran at 96-149 GFLOP/s on one thread and at 1.0-2.07x that on two from one minute to the next,
    and the naive anchor at 26 texts/s in one run where an earlier session's machine of the same kind gave
    42-53: figures from two runs, or two machines with the same core count, compare only beside what their
    cores gave while they ran. The CPU is measured even where the models run on a GPU (the tokeniser and the
    TF-IDF member run on it)."""
    import torch

    before = torch.get_num_threads()
    a, b = torch.randn(size, size), torch.randn(size, size)
    counts = sorted({1, max(1, threads)})
    best = dict.fromkeys(counts, 0.0)
    try:
        for _ in range(rounds):
            for n in counts:  # alternating, so that a drifting machine touches both alike
                torch.set_num_threads(n)
                torch.mm(a, b)  # the first product of a thread count pays for its pool
                done, t0 = 0, time.perf_counter()
                while (elapsed := time.perf_counter() - t0) < seconds:
                    torch.mm(a, b)
                    done += 1
                best[n] = max(best[n], 2 * size**3 * done / elapsed / 1e9)
    finally:
        torch.set_num_threads(before)
    top = counts[-1]
    return {
        "size": size,
        "threads": top,
        "one_thread_gflops": round(best[1], 1),
        "all_threads_gflops": round(best[top], 1),
        "speedup": round(best[top] / best[1], 2),
    }


def print_speed(res: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    m = res["machine"]
    console = Console()
    console.print(
        f"machine: {m['cpu']}, {m['physical_cores']} physical cores ({m['logical_cpus']} logical), "
        f"AVX-512 VNNI {'yes' if m['avx512_vnni'] else 'no'}, AMX {', '.join(m.get('amx') or []) or 'no'}; "
        f"torch {m['torch']} with "
        f"{m['torch_threads']} intra-op / {m['torch_interop_threads']} inter-op threads; onnxruntime "
        f"{m['onnxruntime']}; openvino {m.get('openvino')}"
        + (f"; the models run on the GPU ({m['gpu']})" if m.get("gpu") else "")
    )
    a, z = m["fp32_matmul"]["start"], m["fp32_matmul"]["end"]
    console.print(
        f"the CPU's fp32 matrix product ({a['size']} x {a['size']}, best of alternating rounds), at the start "
        f"of this run / at its end: 1 thread {a['one_thread_gflops']:.0f} / {z['one_thread_gflops']:.0f} "
        f"GFLOP/s, {a['threads']} threads {a['all_threads_gflops']:.0f} / {z['all_threads_gflops']:.0f} GFLOP/s "
        f"({a['speedup']:.2f}x / {z['speedup']:.2f}x): compare runs and machines beside these, not by core count"
    )
    console.print(
        f"model: {res['model']} ({res['kind']}); {res['n_texts']} texts from {res.get('source', '?')}; "
        f"the default int8 runs {res['int8_runs']} here; int8 check vs fp32: {res.get('int8_check')}"
        + (f"; bf16 runs through {res['bf16_runtime']}" if res.get("bf16_runtime") else "")
    )
    table = Table(title="Throughput (best of the repeats)")
    for col in ("path", "texts/s", "x anchor"):
        table.add_column(col, justify="left" if col == "path" else "right")
    for k, v in res["paths"].items():
        table.add_row(k, f"{v:.1f}", f"{res['ratios'].get(k, float('nan')):.2f}")
    console.print(table)
    for prec, lat in res["latency"].items():
        console.print(f"single post, {prec}: p50 {lat['p50_ms']:.1f} ms, p99 {lat['p99_ms']:.1f} ms")
    if "int8_vs_fp32" in res:
        console.print(f"{res['int8_runs']} (the default) vs fp32 on these texts: {res['int8_vs_fp32']}")
    if "bf16_vs_fp32" in res:
        console.print(f"bf16 vs fp32 on these texts: {res['bf16_vs_fp32']}")
    if "explain" in res:
        e = res["explain"]
        console.print(
            f"explanations ({e['n_flagged']} flagged texts, {e['mean_words']} words on average): "
            + ", ".join(
                f"{k.removesuffix('_ms_per_text')} {v} ms per text" for k, v in e.items() if k.endswith("_ms_per_text")
            )
            + "".join(
                f"; same top word {k.removeprefix('same_top_word_')} vs fp32: {v:.0%}"
                for k, v in e.items()
                if k.startswith("same_top_word_")
            )
        )
    if "against" in res:
        a = res["against"]
        console.print(
            f"against {a['model']} ({a['precision']}, Scorer.score, median of {a['rounds']} alternating rounds): "
            f"{a['this_texts_per_s']:.1f} vs {a['other_texts_per_s']:.1f} texts/s, this model "
            f"{a['this_over_other']:.2f}x; its scores vs this model's: {a['other_vs_this']}"
        )


def speed_command(
    model: Annotated[
        Path | None,
        typer.Option("--model", "-m", help="Model directory (default: $SARING_MODEL_DIR, else models/default)."),
    ] = None,
    texts: Annotated[
        Path | None,
        typer.Option("--texts", help="Texts file, one per line (default: the raw Ibrohim & Budi 2019 tweets)."),
    ] = None,
    n: Annotated[int, typer.Option("--n", min=1, help="How many texts.")] = 400,
    repeats: Annotated[int, typer.Option(min=1, help="Timed passes per batch path (the best counts).")] = 2,
    latency_n: Annotated[int, typer.Option(min=1, help="Texts timed one at a time.")] = 200,
    explain_n: Annotated[int, typer.Option(min=0, help="Flagged texts explained.")] = 20,
    anchor_n: Annotated[int | None, typer.Option(min=1, help="Texts for the naive loop (default: all).")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Also write the result as JSON.")] = None,
    against: Annotated[
        Path | None,
        typer.Option(
            "--against",
            help="Another model directory timed in alternating rounds with this one, in the same precision, "
            "with how far its decisions are from this one's (e.g. a distilled model against its teacher).",
        ),
    ] = None,
) -> None:
    """Inference speed: naive Hugging Face loop (anchor), fp32 and int8 batch paths, single-post latency,
    explanation time, with the machine they ran on; with --against, a second model timed beside this one."""
    from model.modeldir import ModelDirError
    from model.paths import default_model_dir

    try:
        items, source = load_texts(texts, n)
        if not items:
            raise ValueError("no texts to time")
        res = run_speed(model or default_model_dir(), items, repeats, latency_n, explain_n, anchor_n, against)
    except (ModelDirError, ValueError, OSError) as e:
        typer.secho(f"error: {e}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from e
    res["source"] = source
    print_speed(res)
    if out is not None:
        out.write_text(json.dumps(res, indent=2), encoding="utf-8")
        logger.info("wrote %s", out)
