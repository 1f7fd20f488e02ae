"""Batch audits: score months of past posts from CSV, JSON lines or Parquet files, in-process or on a Dask
cluster, with checkpoints so that an interrupted run resumes with every row saved exactly once.

Layout of the output folder::

    OUT_DIR/results/part-<file>-<chunk>.parquet   scored rows (one schema; read the folder as one dataset)
    OUT_DIR/rejects/part-<file>-<chunk>.parquet   rows that could not be scored, with the reason
    OUT_DIR/_progress.jsonl                       the checkpoint ledger (see serving.audit.ledger)
    OUT_DIR/summary.json                          totals of the whole audit
    OUT_DIR/results.csv                           the results as one CSV (with --csv)
    OUT_DIR/report.{json,md,html}                 the audit report (see serving.audit.report)

Inputs are read in chunks of `chunk_rows` records (never a whole file at once); a chunk is the unit of work,
of checkpointing and of distribution. The scoring step is ``serving.audit.score.score_frame``, a plain
DataFrame -> DataFrame function using the same ``model.scorer.Scorer`` as the API.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import shlex
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from model.examples import DataError
from model.labels import DECISIONS, RISKS
from model.modeldir import (
    CALIBRATION_JSON,
    ENSEMBLE_JSON,
    NORMALIZER_JSON,
    THRESHOLDS_JSON,
    ModelDir,
    file_sha256,
    write_json_atomic,
)
from model.terms import entries_sha256, read_term_list
from serving.audit.engagement import parse_bad_value
from serving.audit.inputs import (
    AuditColumns,
    InputFile,
    RawChunk,
    UnreadableInput,
    iter_chunks,
    open_inputs,
    parse_column_specs,
)
from serving.audit.inputs import resolve_columns as _resolve_columns
from serving.audit.ledger import AuditError, Ledger, content_sha256, covers_whole_file, fingerprint, fsync_dir
from serving.audit.runners import DaskRunner, InProcessRunner
from serving.audit.score import (
    RESERVED_COLUMNS,
    TERM_MATCHES,
    reject_schema,
    result_schema,
    score_frame,
    split_scored,
)

__all__ = ["AuditConfig", "AuditError", "AuditEvent", "AuditSummary", "run_audit", "score_frame", "parse_column_specs"]

logger = logging.getLogger(__name__)

RESULTS_DIR = "results"
REJECTS_DIR = "rejects"
SUMMARY_JSON = "summary.json"
RESULTS_CSV = "results.csv"
LOCK_FILE = ".audit.lock"
# 2: engagement columns (author_type, interaction, likes, comments, shares, bad_values); 3: with term lists, the
# column term_matches (the listed terms each row holds). A run saved with 2 resumes as 2: without term lists the two
# are the same columns, and with them its parts go on without term_matches, so the folder stays one dataset.
OUTPUT_SCHEMA_VERSION = 3
DEFAULT_CHUNK_ROWS = 10_000
DEFAULT_BYTES_PER_ROW = 150  # a first guess for CSV/JSON lines totals, until the first chunk is read
# The files of a model directory that turn the weights' outputs into scores and flags (an ensemble's members hold
# their own): the model version is a digest of the weights only, so a resume compares these too.
DECISION_FILES = (CALIBRATION_JSON, THRESHOLDS_JSON, NORMALIZER_JSON, ENSEMBLE_JSON)


@dataclass
class AuditConfig:
    inputs: list[str]
    model_dir: Path
    out_dir: Path
    columns: dict[str, str] = field(default_factory=dict)  # role -> input column (explicit mappings)
    keep: list[str] = field(default_factory=list)  # extra input columns carried to the output
    encoding: str = "utf-8"
    chunk_rows: int = DEFAULT_CHUNK_ROWS
    write_csv: bool = False
    drop_text: bool = False  # leave the texts out of the results
    restart: bool = False  # discard a previous run's results in out_dir
    # inputs replaced (fixed, exported again) since some of their rows were saved: those rows are discarded and the
    # file is scored again from its start, the other files' saved rows are kept (a file unchanged since: no effect)
    replaced: list[str] = field(default_factory=list)
    scheduler: str | None = None  # tcp://HOST:8786: a Dask distributed cluster
    workers: int = 0  # >0 without a scheduler: a LocalCluster with this many single-thread processes
    precision: str | None = None  # int8, bf16 or fp32 (None: $SARING_PRECISION, else audit_precision's default)
    report: bool = True
    top: int = 20  # highest-scoring posts per risk in the report
    term_lists: Path | None = None  # a term-list file (model.terms): listed terms raise decisions, as the API does


@dataclass
class AuditEvent:
    """Progress, sent to `on_event` in the driver: kind is 'start', 'chunk' (one chunk saved) or 'end'."""

    kind: str
    rows_done: int  # rows saved by this run so far
    rows_total: int  # estimated rows this run will save (exact for Parquet, from bytes for CSV/JSON lines)
    rows_before: int  # rows saved by earlier runs (skipped now)
    chunks_done: int  # chunks saved by this run
    chunk: dict[str, Any] | None = None


@dataclass
class AuditSummary:
    out_dir: str
    model_name: str
    model_version: str
    mode: str
    files: int
    precision: str = ""  # what the model ran in: int8, bf16 or fp32 (fp32 for a model without a transformer)
    int8_copy: str | None = None  # the sha256 of the int8 file that scored it, when it ran in int8
    # rows scored by each library that ran the transformer ("openvino 2026.4.1-...", "torch 2.13.0"): a bf16 audit may
    # be resumed where OpenVINO is missing (torch's bf16 agrees within thousandths); "unrecorded" for chunks saved
    # by a saring that did not record it
    rows_by_runtime: dict[str, int] = field(default_factory=dict)
    rows_read: int = 0
    scored: int = 0
    rejected: int = 0
    rejects_by_code: dict[str, int] = field(default_factory=dict)
    bad_values_by_code: dict[str, int] = field(default_factory=dict)  # scored rows with a bad engagement count
    flagged: dict[str, int] = field(default_factory=dict)
    decisions: dict[str, int] = field(default_factory=dict)
    warnings: dict[str, int] = field(default_factory=dict)
    # with term lists: scored rows holding each listed term, "list/term" (an audit saved before this counted none)
    term_matches: dict[str, int] = field(default_factory=dict)
    chunks: int = 0
    rows_before: int = 0  # saved by earlier runs of the same audit
    rows_this_run: int = 0
    seconds: float = 0.0  # the whole command
    scoring_seconds: float = 0.0  # from the first chunk sent to the last saved
    rows_per_second: float = 0.0  # rows_this_run / scoring_seconds
    complete: bool = False
    outputs: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# ----------------------------------------------------------------------------------------------------
def part_name(f: InputFile, chunk: int) -> str:
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", Path(f.display).name.split(".")[0]).strip("_")[:40] or "file"
    return f"part-{f.index:05d}-{stem}-{chunk:06d}.parquet"


def _write_parquet_atomic(table: Any, final: Path) -> None:
    import pyarrow.parquet as pq

    tmp = final.with_name(f".{final.name}.{os.getpid()}.tmp")
    try:
        pq.write_table(table, tmp)
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(final.parent)


@contextmanager
def _exclusive(out: Path) -> Iterator[None]:
    """Only one audit at a time may write to a folder (the lock goes with the process, even on kill -9)."""
    with open(out / LOCK_FILE, "a+") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as e:
            raise AuditError(f"another audit is writing to {out}; wait for it to finish, or use another --out") from e
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _model_identity(model_dir: Path) -> tuple[str, str, str]:
    """(name, version, kind) of a model directory."""
    md = ModelDir(model_dir)
    info = md.check()
    return str(info.get("name", md.path.name)), str(info["version"]), str(info.get("kind", ""))


def _decision_digests(model_dir: Path) -> dict[str, str]:
    """{path in the model directory: sha256} of its DECISION_FILES, members' included."""
    found = {p for name in DECISION_FILES for p in model_dir.rglob(name) if p.is_file()}
    return {str(p.relative_to(model_dir)): file_sha256(p) for p in sorted(found)}


def audit_precision(requested: str | None, scheduler: str | None) -> tuple[bool, str]:
    """(whether a precision was asked for, the precision to score in): `requested` (--precision), else
    $SARING_PRECISION, else the batch default of this machine (model.network.batch_precision: bf16 where the CPU
    has AMX-BF16 tiles and OpenVINO is installed, int8 elsewhere). On an existing cluster (`scheduler`)
    the workers' CPUs are not this one's, so the default there is int8, which runs alike everywhere. A resumed
    audit with nothing asked goes on in the precision its saved results record (run_audit). ValueError for an
    unknown precision."""
    from model.network import DEFAULT_PRECISION, batch_precision, resolve_precision

    asked = requested or os.environ.get("SARING_PRECISION")
    if asked:
        return True, resolve_precision(asked)
    return False, DEFAULT_PRECISION if scheduler else batch_precision()


def _expected_precision(kind: str, requested: str) -> str:
    """What a model of this kind runs in when `requested` works: only a transformer has an int8 copy (the
    Scorer reports fp32 for the others). A failed int8 check falls back to bf16 or fp32; the runner says so."""
    return requested if kind in ("transformer", "ensemble") else "fp32"


def _describe_changes(old: dict[str, Any], new: dict[str, Any]) -> tuple[list[str], list[str], dict[str, str]]:
    """(differences that forbid resuming, harmless ones, {input path: what changed} for the inputs whose content
    changed) between a saved run header and this command. Whether a changed input forbids resuming depends on
    whether rows of it were saved (`_judge_changed_inputs`)."""
    bad: list[str] = []
    soft: list[str] = []
    changed_inputs: dict[str, str] = {}
    om, nm = old.get("model", {}), new["model"]
    if (om.get("name"), om.get("version")) != (nm["name"], nm["version"]):
        bad.append(
            f"model: the saved results were scored by {om.get('name')} version {om.get('version')}; "
            f"--model now gives {nm['name']} version {nm['version']}"
        )
    elif om.get("decision_sha256") is not None and om["decision_sha256"] != nm["decision_sha256"]:
        od, nd = om["decision_sha256"], nm["decision_sha256"]
        changed = sorted(k for k in od.keys() | nd.keys() if od.get(k) != nd.get(k))
        bad.append(
            f"model: {', '.join(changed)} of {nm['name']} version {nm['version']} changed since the saved results "
            "were scored (the version covers the weights only), so one audit would mix two calibrations or flag "
            "settings; audit with this model into a new --out, or restore the model's files to resume"
        )
    elif om.get("precision") is None:
        soft.append(
            f"the saved run does not record its precision (an earlier saring started it); the rest is "
            f"scored in {nm['precision']}"
        )
    elif om["precision"] != nm["precision"]:
        bad.append(
            f"precision: the saved results were scored in {om['precision']}; this command scores in "
            f"{nm['precision']} (--precision, else $SARING_PRECISION); pass --precision {om['precision']} "
            "to resume, or leave both unset to resume in the saved precision"
        )
    if (om.get("name"), om.get("version")) == (nm["name"], nm["version"]) and om.get("decision_sha256") is None:
        soft.append(
            "the saved run does not record digests of the model's calibration, thresholds and normaliser (an "
            "earlier saring started it), so it cannot be checked that they are unchanged"
        )
    old_in = {i["path"]: i for i in old.get("inputs", [])}
    new_in = {i["path"]: i for i in new["inputs"]}
    if list(old_in) != list(new_in):
        added = [p for p in new_in if p not in old_in]
        removed = [p for p in old_in if p not in new_in]
        if added:
            bad.append(f"inputs: files not in the saved run: {added[:5]}{' ...' if len(added) > 5 else ''}")
        if removed:
            bad.append(f"inputs: files of the saved run missing now: {removed[:5]}{' ...' if len(removed) > 5 else ''}")
        if not added and not removed:
            bad.append("inputs: the same files in another order")
    for p, n in new_in.items():
        o = old_in.get(p)
        if o is None:
            continue
        if o.get("size") != n["size"]:
            changed_inputs[p] = f"size {o.get('size')} -> {n['size']} bytes"
        elif (o.get("head_sha256"), o.get("tail_sha256")) != (n["head_sha256"], n["tail_sha256"]):
            changed_inputs[p] = "its content differs"
        elif o.get("mtime_ns") == n["mtime_ns"]:
            continue
        elif covers_whole_file(n["size"]):
            soft.append(f"input {p} has a new modification time but the same content (compared in full)")
        elif o.get("sha256") is None:
            soft.append(
                f"input {p} has a new modification time; its size and first and last MiB are unchanged, but the "
                "saved run (started by an earlier saring) records no hash of the whole file, so the rest of it "
                "could not be compared"
            )
        elif o["sha256"] != n.get("sha256"):
            changed_inputs[p] = (
                "its content differs (same size and the same first and last MiB, but it has a new modification "
                "time and its whole-file sha256 differs)"
            )
        else:
            soft.append(f"input {p} has a new modification time but the same content (the whole file was hashed)")
    os_, ns = old.get("settings", {}), new["settings"]
    for k in [*ns, *(k for k in ("term_lists",) if k in os_ and k not in ns)]:  # lists left out are a change too
        if os_.get(k) != ns.get(k):
            bad.append(f"setting {k}: {os_.get(k)!r} in the saved run, {ns.get(k)!r} now")
    return bad, soft, changed_inputs


def _saved_rows(ledger: Ledger, file_index: int | None) -> tuple[int, str]:
    """(rows saved from one input, which: "rows 1-20000", or "15000 rows between rows 1 and 40000" when chunks
    were saved out of order)."""
    recs = [r for (fi, _), r in sorted(ledger.chunks.items()) if fi == file_index]
    if not recs:
        return 0, "no rows"
    n = sum(int(r["rows"]) for r in recs)
    lo, hi = int(recs[0]["first_row"]), int(recs[-1]["last_row"])
    if [int(r["chunk"]) for r in recs] == list(range(len(recs))):
        return n, f"rows {lo}-{hi}"
    return n, f"{n} rows between rows {lo} and {hi}"


def _replaced_inputs(names: list[str], files: list[InputFile]) -> set[str]:
    """The paths (as the ledger records them) of the inputs named by --replaced; AuditError for a name that is
    not one of the inputs."""
    paths = {str(f.path) for f in files}
    out: set[str] = set()
    for name in names:
        p = str(Path(name).expanduser().resolve())
        if p not in paths:
            shown = [str(f.path) for f in files[:5]] + (["..."] if len(files) > 5 else [])
            raise AuditError(
                f"--replaced {name}: expected one of the input files, found that {p} is not one of the inputs "
                f"({', '.join(shown)}). Fix: name the replaced file as one of the inputs, e.g. --replaced "
                f"{shlex.quote(str(files[0].path))}"
            )
        out.add(p)
    return out


def _judge_changed_inputs(
    ledger: Ledger, changed: dict[str, str], replaced: set[str]
) -> tuple[list[str], dict[int, str]]:
    """(refusals, {file index: why its new version is recorded}) for the inputs whose content changed since the
    saved run. A changed file none of whose rows were saved (one the audit could not read, fixed since; one it
    had not reached) is recorded anew: nothing of its old version is in the output. One with saved rows is
    recorded anew only when --replaced names it, and its saved rows are then discarded, so the output never
    mixes the rows of two versions; otherwise resuming is refused. So is any change to an input of a finished
    audit that --replaced does not name."""
    # the saved run's numbering (the same as this command's unless the list of inputs changed, which is refused)
    index = {i.get("path"): k for k, i in enumerate((ledger.header or {}).get("inputs", []))}
    bad: list[str] = []
    renew: dict[int, str] = {}
    for path, what in changed.items():
        k = index[path]
        n, which = _saved_rows(ledger, k)
        if path in replaced:
            renew[k] = (
                f"input {path} was replaced ({what}): "
                + (
                    f"the {n} row(s) saved from its earlier version ({which}) are discarded and "
                    if n
                    else "none of its rows were saved, and "
                )
                + "the new version is scored from its start; the rows saved from the other inputs are kept"
            )
        elif not n and ledger.complete is None:
            renew[k] = (
                f"input {path} changed since the saved run ({what}); none of its rows were saved, so the audit "
                "scores it as it is now"
            )
        else:
            saved = (
                f"{which} of it were saved from the earlier version" if n else "the finished audit read it as it was"
            )
            bad.append(
                f"input {path} changed: {what}; {saved} (to score the new version in its place: "
                f"--replaced {shlex.quote(path)})"
            )
    return bad, renew


def _renew_inputs(ledger: Ledger, header: dict[str, Any], renew: dict[int, str]) -> None:
    """Record the current fingerprints of the inputs in `renew` and drop their saved chunks, in one atomic
    rewrite of the ledger (their part files are then orphans, which `_clean_orphans` deletes)."""
    for k, why in sorted(renew.items()):
        logger.warning("%s", why)
        entry = header["inputs"][k]
        if not covers_whole_file(entry["size"]) and not entry.get("sha256"):
            entry["sha256"] = content_sha256(Path(entry["path"]))
    saved = dict(ledger.header or {})
    saved["inputs"] = [header["inputs"][k] if k in renew else i for k, i in enumerate(saved.get("inputs", []))]
    ledger.rewrite(saved, {key: rec for key, rec in ledger.chunks.items() if key[0] not in renew})


def _after_fixing(ledger: Ledger, file_index: int | None, path: Path, restarted: bool) -> str:
    """How the audit goes on once the input at `path` (#`file_index` in the ledger) that could not be read is
    fixed: true advice, given the rows already saved from it and from the other inputs."""
    n, which = _saved_rows(ledger, file_index)
    others = sum(int(r["rows"]) for (fi, _), r in ledger.chunks.items() if fi != file_index)
    command = "run the command again without --restart" if restarted else "run the same command again"
    kept = f"; the {others} row(s) saved from the other input file(s) stay saved" if others else ""
    if not n and ledger.complete is None:
        return f"{command}: the audit goes on and reads the fixed file from its start{kept}"
    if not n:  # a finished audit read the file (no rows) as it was: only --replaced lets it read the new version
        return f"{command} with --replaced {shlex.quote(str(path))}: the fixed file is scored and added{kept}"
    return (
        f"{command} with --replaced {shlex.quote(str(path))}: the {n} row(s) saved from this file ({which}) are "
        f"discarded and the fixed file is scored from its start, so no row of the damaged version mixes with the "
        f"fixed one{kept}"
    )


def _add_fix(e: DataError, advice: str) -> None:
    """Append `advice` (what to do once the file is fixed) to a DataError's fix, in place."""
    text = str(e)
    if e.fix and text.endswith(f". Fix: {e.fix}"):
        text = text[: -len(f". Fix: {e.fix}")]
    e.fix = f"{e.fix or 'repair the file or export it again'}; then {advice}"
    e.args = (f"{text}. Fix: {e.fix}",)


def _advise_unopened(e: UnreadableInput, out: Path, restart: bool) -> None:
    """Add how to go on to an error raised while opening the inputs (before the ledger is otherwise read)."""
    if restart:
        _add_fix(e, "run the same command again")
        return
    ledger = Ledger(out)
    try:
        ledger.load()
    except AuditError:
        _add_fix(e, "run the same command again")
        return
    paths = [i.get("path") for i in (ledger.header or {}).get("inputs", [])]
    index = paths.index(e.file) if e.file in paths else None
    _add_fix(e, _after_fixing(ledger, index, Path(e.file or ""), restarted=False))


def _hash_inputs(header: dict[str, Any], ledger: Ledger) -> None:
    """Add the whole-file sha256 to the header's inputs that the fingerprint does not read in full: every one when
    the header will start a new ledger (no chunk saved yet), else those with a new modification time whose saved
    run recorded one, for `_describe_changes` to compare."""
    saved = {i.get("path"): i for i in (ledger.header or {}).get("inputs", [])}
    todo = [
        i
        for i in header["inputs"]
        if not covers_whole_file(i["size"])
        and not i.get("sha256")
        and (
            not ledger.chunks
            or (
                i["path"] in saved
                and saved[i["path"]].get("sha256")
                and saved[i["path"]].get("mtime_ns") != i["mtime_ns"]
            )
        )
    ]
    if todo:
        logger.info(
            "hashing %d input file(s) in full (%d bytes) to recognise them on a resume",
            len(todo),
            sum(i["size"] for i in todo),
        )
    for i in todo:
        i["sha256"] = content_sha256(Path(i["path"]))


def _part_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.parquet")) if folder.is_dir() else []


def _clear_outputs(out: Path) -> None:
    for name in (RESULTS_DIR, REJECTS_DIR):
        shutil.rmtree(out / name, ignore_errors=True)
    for name in ("_progress.jsonl", SUMMARY_JSON, RESULTS_CSV, "report.json", "report.md", "report.html"):
        (out / name).unlink(missing_ok=True)


def _clean_orphans(out: Path, ledger: Ledger) -> None:
    """Delete temporary files and part files that no ledger line vouches for (a crash between writing a part
    and recording it): their chunks are scored again."""
    known = {rec.get(k) for rec in ledger.chunks.values() for k in ("results", "rejects")}
    removed = 0
    for name in (RESULTS_DIR, REJECTS_DIR):
        folder = out / name
        if not folder.is_dir():
            continue
        for p in folder.iterdir():
            if p.is_file() and (p.name.startswith(".") or (p.suffix == ".parquet" and p.name not in known)):
                p.unlink()
                removed += 1
    if removed:
        logger.info(
            "removed %d file(s) that no ledger line names: unfinished or unrecorded ones left by an interrupted run, "
            "or the parts of discarded chunks",
            removed,
        )


# ----------------------------------------------------------------------------------------------------
@dataclass
class _FileProgress:
    rows: int = 0
    position: int = 0
    finished: bool = False


def _estimate_total(files: list[InputFile], seen: dict[int, _FileProgress]) -> int:
    total = 0
    text_rows = text_bytes = 0
    for f in files:
        st = seen.get(f.index)
        if st and f.is_text and st.position > 0:
            text_rows += st.rows
            text_bytes += st.position
    per_row = text_bytes / text_rows if text_rows else DEFAULT_BYTES_PER_ROW
    for f in files:
        st = seen.get(f.index)
        if st and st.finished:
            total += st.rows
        elif f.num_rows is not None:
            total += f.num_rows
        elif st and st.position > 0:
            total += max(st.rows, round(st.rows * f.size / st.position))
        else:
            total += round(f.size / per_row)
    return total


class _Totals:
    def __init__(self) -> None:
        self.rows = self.scored = self.rejected = self.chunks = 0
        self.flagged: Counter[str] = Counter()
        self.decisions: Counter[str] = Counter()
        self.warnings: Counter[str] = Counter()
        self.term_matches: Counter[str] = Counter()
        self.reject_codes: Counter[str] = Counter()
        self.bad_values: Counter[str] = Counter()
        self.runtimes: Counter[str] = Counter()

    def add(self, rec: dict[str, Any]) -> None:
        self.chunks += 1
        runtime = rec.get("runtime", "unrecorded")  # None: a model without a transformer
        if runtime:
            self.runtimes[str(runtime)] += int(rec["rows"])
        self.rows += int(rec["rows"])
        self.scored += int(rec["scored"])
        self.rejected += int(rec["rejected"])
        self.flagged.update(rec.get("flagged", {}))
        self.decisions.update(rec.get("decisions", {}))
        self.warnings.update(rec.get("warnings", {}))
        self.term_matches.update(rec.get("term_matches", {}))
        self.reject_codes.update(rec.get("reject_codes", {}))
        self.bad_values.update(rec.get("bad_values", {}))


def _commit(
    out: Path,
    ledger: Ledger,
    raw: RawChunk,
    scored: Any,
    columns: AuditColumns,
    drop_text: bool,
    expected_version: str,
    started: float,
    runtime: str | None,
    term_matches: bool = False,
) -> dict[str, Any]:
    """Save one scored chunk: part files first (atomically), then its ledger line (which records the library
    that ran the transformer, `runtime`). `term_matches`: the results hold the column TERM_MATCHES."""
    import pandas as pd
    import pyarrow as pa

    if len(scored) + len(raw.read_rejects) != raw.rows:
        raise AuditError(
            f"{raw.file.display} chunk {raw.index}: {raw.rows} rows read but {len(scored)} scored and "
            f"{len(raw.read_rejects)} rejected; refusing to save an incomplete chunk"
        )
    results, rejects = split_scored(scored, columns.keep, drop_text, term_matches)
    versions = set(results["model_version"].dropna().unique()) if len(results) else set()
    if versions - {expected_version}:
        raise AuditError(
            f"{raw.file.display} chunk {raw.index} was scored by model version(s) {sorted(versions)}, "
            f"expected {expected_version}; every worker must load the same model directory"
        )
    if raw.read_rejects:
        rejects = pd.concat([pd.DataFrame(raw.read_rejects), rejects], ignore_index=True)
        rejects = rejects.sort_values("row", kind="stable").reset_index(drop=True)
    name = part_name(raw.file, raw.index)
    _write_parquet_atomic(
        pa.Table.from_pandas(
            results, schema=result_schema(columns.keep, drop_text, term_matches), preserve_index=False
        ),
        out / RESULTS_DIR / name,
    )
    if len(rejects):
        _write_parquet_atomic(
            pa.Table.from_pandas(rejects, schema=reject_schema(), preserve_index=False), out / REJECTS_DIR / name
        )
    warn_counts: Counter[str] = Counter()
    for codes in results["warnings"]:
        warn_counts.update(codes)
    term_counts: Counter[str] = Counter()
    if term_matches:
        for names in results[TERM_MATCHES]:
            term_counts.update(names)
    bad_counts: Counter[str] = Counter()
    for entries in results["bad_values"]:
        if entries is not None:
            bad_counts.update(parse_bad_value(e)[1] for e in entries)
    record = {
        "type": "chunk",
        "file": raw.file.index,
        "chunk": raw.index,
        "first_row": raw.first_row,
        "last_row": raw.last_row,
        "rows": raw.rows,
        "scored": len(results),
        "rejected": len(rejects),
        "results": name,
        "rejects": name if len(rejects) else None,
        "flagged": {r: int(results[f"flag_{r}"].sum()) for r in RISKS},
        "decisions": {d: int((results["decision"] == d).sum()) for d in DECISIONS},
        "warnings": dict(warn_counts),
        **({"term_matches": dict(term_counts)} if term_matches else {}),
        "reject_codes": {str(k): int(v) for k, v in rejects["code"].value_counts().items()} if len(rejects) else {},
        "bad_values": dict(bad_counts),
        "runtime": runtime,
        "elapsed": round(time.perf_counter() - started, 3),
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    ledger.append(record)
    return record


def _verify(out: Path, ledger: Ledger, rows_per_file: dict[int, int]) -> None:
    """Every ledger line's part files exist with the recorded number of rows, and every file's rows are
    covered exactly once (cheap: Parquet footers only)."""
    import pyarrow.parquet as pq

    per_file: Counter[int] = Counter()
    for (fi, _), rec in sorted(ledger.chunks.items()):
        per_file[fi] += int(rec["rows"])
        for folder, key, count in ((RESULTS_DIR, "results", "scored"), (REJECTS_DIR, "rejects", "rejected")):
            if not rec.get(key):
                if int(rec[count]):
                    raise AuditError(
                        f"ledger chunk {fi}/{rec['chunk']} counts {rec[count]} {count} rows but "
                        "names no part file. Fix: pass --restart"
                    )
                continue
            p = out / folder / rec[key]
            if not p.exists():
                raise AuditError(
                    f"{p} is recorded in the ledger but missing; someone removed it. Fix: pass "
                    "--restart, or restore the file"
                )
            n = pq.ParquetFile(p).metadata.num_rows
            if n != int(rec[count]):
                raise AuditError(f"{p} holds {n} rows, the ledger recorded {rec[count]}. Fix: pass --restart")
        if int(rec["scored"]) + int(rec["rejected"]) != int(rec["rows"]):
            raise AuditError(f"ledger chunk {fi}/{rec['chunk']}: scored + rejected != rows read. Fix: --restart")
    for fi, n in rows_per_file.items():
        if per_file.get(fi, 0) != n:
            raise AuditError(
                f"input file #{fi} has {n} rows but the saved chunks cover {per_file.get(fi, 0)}. Fix: pass --restart"
            )


def write_results_csv(out: Path, ledger: Ledger) -> Path:
    """One CSV of all scored rows (warnings and term matches joined with ';'), written atomically from the part
    files."""
    import pyarrow.parquet as pq

    final = out / RESULTS_CSV
    tmp = final.with_name(f".{final.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            first = True
            for _, rec in sorted(ledger.chunks.items()):
                df = pq.read_table(out / RESULTS_DIR / rec["results"]).to_pandas()
                df["warnings"] = [";".join(w) if w is not None else "" for w in df["warnings"]]
                if TERM_MATCHES in df.columns:
                    df[TERM_MATCHES] = [";".join(t) if t is not None else "" for t in df[TERM_MATCHES]]
                df["bad_values"] = ["; ".join(b) if b is not None else "" for b in df["bad_values"]]
                df.to_csv(fh, header=first, index=False)
                first = False
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return final


def _summary(
    config: AuditConfig,
    files: list[InputFile],
    ledger: Ledger,
    identity: tuple[str, str],
    mode: str,
    rows_before: int,
    rows_this_run: int,
    seconds: float,
    scoring_seconds: float,
    precision: str,
) -> AuditSummary:
    t = _Totals()
    for rec in ledger.chunks.values():
        t.add(rec)
    out = config.out_dir.resolve()
    return AuditSummary(
        out_dir=str(out),
        model_name=identity[0],
        model_version=identity[1],
        mode=mode,
        files=len(files),
        precision=precision,
        int8_copy=(ledger.header or {}).get("model", {}).get("int8_copy"),
        rows_by_runtime=dict(t.runtimes),
        rows_read=t.rows,
        scored=t.scored,
        rejected=t.rejected,
        rejects_by_code=dict(t.reject_codes),
        bad_values_by_code=dict(t.bad_values),
        flagged={r: t.flagged.get(r, 0) for r in RISKS},
        decisions={d: t.decisions.get(d, 0) for d in DECISIONS},
        warnings=dict(t.warnings),
        term_matches=dict(t.term_matches.most_common()),
        chunks=t.chunks,
        rows_before=rows_before,
        rows_this_run=rows_this_run,
        seconds=round(seconds, 3),
        scoring_seconds=round(scoring_seconds, 3),
        rows_per_second=round(rows_this_run / scoring_seconds, 1) if scoring_seconds > 0 else 0.0,
        complete=ledger.complete is not None,
        outputs={
            "results": str(out / RESULTS_DIR),
            "rejects": str(out / REJECTS_DIR),
            "ledger": str(ledger.path),
            "summary": str(out / SUMMARY_JSON),
        },
    )


def _settle_precision(ledger: Ledger, header: dict[str, Any], ran_in: str, int8_copy: str | None) -> None:
    """Record what the loaded model runs in: a ledger with no saved chunk is (re)started with it; saved chunks
    must have been scored in the same precision (int8 that falls back to fp32 here must not mix with int8) and,
    for int8, by the same int8 file (a saring or ONNX Runtime upgrade between two runs rebuilds it, and the
    two copies' scores differ in hundredths)."""
    if not ledger.chunks:
        header["model"]["precision"] = ran_in
        header["model"]["int8_copy"] = int8_copy
        ledger.start(header)
        return
    model = (ledger.header or {}).get("model", {})
    saved = model.get("precision")
    if saved is not None and saved != ran_in:
        raise AuditError(
            f"the saved results were scored in {saved}, but the model runs in {ran_in} here (the "
            f"warning above says why {saved} is not available); one audit must not mix them. Fix: "
            f"make {saved} available again (e.g. install onnxruntime) and rerun, or pass --restart "
            f"--precision {ran_in} to score everything again"
        )
    if "int8_copy" not in model:
        if int8_copy:
            logger.warning(
                "the saved run does not record which int8 copy scored it (an earlier saring started it); the "
                "rest is scored by the int8 copy %s",
                int8_copy[:16],
            )
    elif model["int8_copy"] != int8_copy:
        raise AuditError(
            f"the saved results were scored by the int8 copy {str(model['int8_copy'])[:16]} of this model, but "
            f"this saring builds and runs the copy {str(int8_copy)[:16]} (another saring or onnxruntime version "
            "quantised it); the two differ in hundredths and one audit must not mix them. Fix: finish the audit "
            "with the saring and onnxruntime versions that started it, or pass --restart to score everything "
            "with this one"
        )


def _note_runtime(ledger: Ledger, runtime: str | None) -> None:
    """Warn when a resume runs the transformer on another library than the saved chunks (bf16 through torch
    where OpenVINO is missing, or another version): allowed, since they agree within thousandths, and every
    chunk's ledger line and the summary's rows_by_runtime say which scored it."""
    saved = {r.get("runtime", "unrecorded") for r in ledger.chunks.values()} - {None}
    if not runtime or not saved or saved == {runtime}:
        return
    if saved == {"unrecorded"}:
        logger.info(
            "the saved chunks do not record which library scored them (an earlier saring); the rest: %s", runtime
        )
        return
    logger.warning(
        "the saved results were scored by %s; the rest is scored by %s (their scores agree within thousandths; "
        "summary.json counts the rows of each in rows_by_runtime). Fix, for one library throughout: finish where "
        "the audit started, or pass --restart",
        ", ".join(sorted(str(r) for r in saved)),
        runtime,
    )


def run_audit(config: AuditConfig, on_event: Callable[[AuditEvent], None] | None = None) -> AuditSummary:
    """Run (or resume) an audit. Raises DataError for bad inputs or column mappings and AuditError when the
    output folder holds a different audit. `on_event` is called in this thread at the start, after each
    saved chunk and at the end; an exception raised there stops the run like a crash would (tests use it)."""
    started = time.perf_counter()
    if config.scheduler and config.workers:
        raise AuditError("pass either --scheduler (an existing Dask cluster) or --workers (a local one), not both")
    if config.chunk_rows < 1:
        raise AuditError(f"--chunk-rows must be at least 1, found {config.chunk_rows}")
    from model.network import PRECISIONS

    try:
        asked, precision = audit_precision(config.precision, config.scheduler)
    except ValueError as e:
        raise AuditError(str(e)) from e
    out = Path(config.out_dir).expanduser().resolve()
    out.mkdir(parents=True, exist_ok=True)
    model_dir = Path(config.model_dir).expanduser().resolve()
    with _exclusive(out):
        try:
            files = open_inputs(config.inputs, config.encoding)
        except UnreadableInput as e:
            _advise_unopened(e, out, config.restart)
            raise
        replaced = _replaced_inputs(config.replaced, files)
        inside = [str(f.path) for f in files if out in f.path.parents]
        if inside:
            raise AuditError(
                f"the inputs {inside[:3]} lie inside the output folder {out}; an audit must not read "
                "its own output. Fix: choose another --out or narrow the input pattern"
            )
        columns = _resolve_columns(
            config.columns,
            config.keep,
            files,
            reserved=RESERVED_COLUMNS - {"text", "parent_text"} if config.drop_text else RESERVED_COLUMNS,
        )
        name, version, kind = _model_identity(model_dir)
        identity = (name, version)
        terms = read_term_list(config.term_lists) if config.term_lists is not None else None
        header: dict[str, Any] = {
            "model": {
                "name": name,
                "version": version,
                "dir": str(model_dir),
                "precision": _expected_precision(kind, precision),
                "decision_sha256": _decision_digests(model_dir),
            },
            "inputs": [
                {"path": str(f.path), "display": f.display, "format": f.format, **fingerprint(f.path)} for f in files
            ],
            "settings": {
                "columns": columns.to_dict(),
                "encoding": config.encoding,
                "chunk_rows": config.chunk_rows,
                "drop_text": config.drop_text,
                "output_schema": OUTPUT_SCHEMA_VERSION,
                # only with term lists, so that a run saved before they existed resumes unchanged without them
                **({"term_lists": {"terms": len(terms), "sha256": entries_sha256(terms)}} if terms else {}),
            },
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        if config.restart:
            _clear_outputs(out)
        ledger = Ledger(out)
        ledger.load()
        if (ledger.header or {}).get("settings", {}).get("output_schema") == 2:
            header["settings"]["output_schema"] = 2  # see OUTPUT_SCHEMA_VERSION: it resumes with its own columns
        term_column = bool(terms) and header["settings"]["output_schema"] >= 3
        _hash_inputs(header, ledger)
        saved = str((ledger.header or {}).get("model", {}).get("precision") or "")
        if not asked and ledger.chunks and saved in PRECISIONS and saved != header["model"]["precision"]:
            # No precision asked for: a resume goes on in the one the saved results were scored in, whatever
            # this machine's default (the audit's default depends on the CPU)
            logger.info("resuming in %s, the precision the saved results were scored in", saved)
            precision = saved
            header["model"]["precision"] = _expected_precision(kind, saved)
        if ledger.header is not None:
            bad, soft, changed = _describe_changes(ledger.header, header)
            bad_inputs, renew = _judge_changed_inputs(ledger, changed, replaced)
            if bad or bad_inputs:
                fixes = []
                if bad_inputs:
                    fixes.append(
                        "restore the changed input(s) to resume; or, to score the new version of a changed input "
                        "in place of the old, add --replaced with its path to the command, as shown above (only "
                        "that file's saved rows are discarded, the other files' are kept)"
                    )
                if bad:
                    fixes.append("rerun the original command to resume")
                fixes.append("pass --restart to discard all the saved results and start again, or choose another --out")
                raise AuditError(
                    f"{out} holds {'a finished' if ledger.complete else 'an unfinished'} audit that differs from "
                    "this command:\n  - "
                    + "\n  - ".join(bad + bad_inputs)
                    + "\nResuming would mix two audits. Fix: "
                    + "; or ".join(fixes)
                )
            for s in soft:
                logger.warning("%s; resuming", s)
            for path in sorted(replaced - set(changed)):
                logger.info("--replaced %s: the file is the version its saved rows came from; they are kept", path)
            if renew:
                _renew_inputs(ledger, header, renew)
                if not ledger.chunks:
                    _hash_inputs(header, ledger)  # the ledger starts afresh: record every input's whole-file hash
            rows_before = sum(int(r["rows"]) for r in ledger.chunks.values())
            if ledger.chunks:
                logger.info(
                    "resuming: %d chunk(s), %d row(s) already saved in %s", len(ledger.chunks), rows_before, out
                )
        else:
            if _part_files(out / RESULTS_DIR) or _part_files(out / REJECTS_DIR):
                raise AuditError(
                    f"{out / RESULTS_DIR} holds part files but there is no ledger "
                    f"({ledger.path.name}) saying which rows they hold. Fix: pass --restart to "
                    "discard them, or choose another --out"
                )
            rows_before = 0  # the ledger is started once the model is loaded and its precision known
        _clean_orphans(out, ledger)
        (out / RESULTS_DIR).mkdir(exist_ok=True)
        (out / REJECTS_DIR).mkdir(exist_ok=True)

        rows_done = chunks_done = 0
        scoring_seconds = 0.0
        mode = "nothing to do"
        ran_in = str((ledger.header or {}).get("model", {}).get("precision") or "")
        rows_per_file: dict[int, int] = {}
        try:
            if ledger.complete is None:
                runner: InProcessRunner | DaskRunner
                if config.scheduler or config.workers:
                    runner = DaskRunner(
                        model_dir,
                        columns,
                        config.drop_text,
                        identity,
                        config.scheduler,
                        config.workers,
                        precision,
                        terms=terms,
                    )
                else:
                    runner = InProcessRunner(model_dir, columns, config.drop_text, precision, terms=terms)
                    if (runner.scorer.name, runner.scorer.version) != identity:
                        raise AuditError(f"{model_dir} changed while loading; run the audit again")
                mode = runner.mode
                ran_in = runner.precision
                try:
                    _settle_precision(ledger, header, ran_in, runner.int8_copy)
                    _note_runtime(ledger, runner.runtime)
                except BaseException:
                    runner.close()
                    raise
                scoring_started = time.perf_counter()
                seen: dict[int, _FileProgress] = {}
                emit = on_event or (lambda _e: None)
                emit(AuditEvent("start", 0, max(0, _estimate_total(files, seen) - rows_before), rows_before, 0))
                in_flight = 0
                try:

                    def drain_one() -> None:
                        nonlocal rows_done, chunks_done, in_flight
                        raw, scored = runner.next_done()
                        in_flight -= 1
                        rec = _commit(
                            out,
                            ledger,
                            raw,
                            scored,
                            columns,
                            config.drop_text,
                            identity[1],
                            started,
                            runner.runtime,
                            term_column,
                        )
                        rows_done += raw.rows
                        chunks_done += 1
                        total = max(rows_done, _estimate_total(files, seen) - rows_before)
                        emit(AuditEvent("chunk", rows_done, total, rows_before, chunks_done, rec))

                    def saving_before_failure(f: InputFile, chunks: Iterator[RawChunk]) -> Iterator[RawChunk]:
                        # a file that cannot be read on (DataError): the chunks read before it are saved first, and
                        # the error says how the audit goes on once the file is fixed, given what is saved now
                        try:
                            yield from chunks
                        except DataError as e:
                            while in_flight:
                                drain_one()
                            if isinstance(e, UnreadableInput):
                                _add_fix(e, _after_fixing(ledger, f.index, f.path, config.restart))
                            raise

                    done: dict[int, set[int]] = {}
                    for fi, c in ledger.chunks:
                        done.setdefault(fi, set()).add(c)
                    for f in files:
                        done_here = done.get(f.index, set())
                        st = seen[f.index] = _FileProgress()
                        chunks = iter_chunks(f, columns, config.chunk_rows, config.encoding, skip=done_here)
                        for raw in saving_before_failure(f, chunks):
                            st.rows += raw.rows
                            st.position = raw.position
                            if raw.skipped:
                                rec = ledger.chunks[(f.index, raw.index)]
                                if (rec["first_row"], rec["last_row"], rec["rows"]) != (
                                    raw.first_row,
                                    raw.last_row,
                                    raw.rows,
                                ):
                                    raise AuditError(
                                        f"{f.display} chunk {raw.index}: the saved chunk holds rows "
                                        f"{rec['first_row']}-{rec['last_row']}, the file now gives rows "
                                        f"{raw.first_row}-{raw.last_row}; the input changed. Fix: pass --restart"
                                    )
                                continue
                            while in_flight >= runner.capacity:
                                drain_one()
                            runner.submit(raw)
                            in_flight += 1
                        st.finished = True
                        rows_per_file[f.index] = st.rows
                        stale = sorted(c for c in done_here if c * config.chunk_rows >= st.rows)
                        if stale:
                            raise AuditError(
                                f"{f.display}: the ledger holds chunks {stale} beyond the file's end; "
                                "the input changed. Fix: pass --restart"
                            )
                    while in_flight:
                        drain_one()
                    scoring_seconds = time.perf_counter() - scoring_started
                finally:
                    runner.close()
                _verify(out, ledger, rows_per_file)
                ledger.append(
                    {
                        "type": "complete",
                        "rows_per_file": {str(k): v for k, v in rows_per_file.items()},
                        "time": datetime.now(UTC).isoformat(timespec="seconds"),
                    }
                )
            else:
                rows_per_file = {int(k): int(v) for k, v in ledger.complete.get("rows_per_file", {}).items()}
                _verify(out, ledger, rows_per_file)
                logger.info("%s: the audit is already complete; rewriting the summary and report", out)
        finally:
            ledger.close()

        seconds = time.perf_counter() - started
        summary = _summary(
            config, files, ledger, identity, mode, rows_before, rows_done, seconds, scoring_seconds, ran_in
        )
        if config.write_csv:
            summary.outputs["csv"] = str(write_results_csv(out, ledger))
        if config.report:
            from serving.audit.report import build_report, write_report

            paths = write_report(out, build_report(out, top=config.top))
            summary.outputs.update({f"report_{k}": str(v) for k, v in paths.items()})
        write_json_atomic(out / SUMMARY_JSON, summary.to_dict())
        if on_event:
            on_event(AuditEvent("end", rows_done, rows_done, rows_before, chunks_done))
        return summary


def read_results(out_dir: str | Path) -> Any:
    """All scored rows of an audit as one pandas DataFrame (for small audits and tests; for large ones read
    the folder with pyarrow.dataset, Dask, Spark or DuckDB)."""
    import pyarrow.dataset as ds

    return ds.dataset(Path(out_dir) / RESULTS_DIR, format="parquet").to_table().to_pandas()


def read_rejects(out_dir: str | Path) -> Any:
    import pyarrow.dataset as ds

    folder = Path(out_dir) / REJECTS_DIR
    if not _part_files(folder):
        return reject_schema().empty_table().to_pandas()
    return ds.dataset(folder, format="parquet").to_table().to_pandas()
