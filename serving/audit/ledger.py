"""The audit's checkpoint ledger, ``OUT_DIR/_progress.jsonl``: what has been saved, so that nothing is lost
and nothing is written twice.

The first line describes the run (model, inputs with their fingerprints, settings). Each later line records
one chunk whose part files are already complete on disk. The protocol for one chunk:

1. write the part file(s) under a temporary name in the same folder, fsync, and rename into place
   (a part file therefore exists only when it is complete);
2. append the chunk's line to the ledger and fsync.

A crash between 1 and 2 leaves a part file without a ledger line: at the next start such files are deleted
and the chunk is scored again, under the same name. A crash during 2 leaves a partial last line, which is
cut off. So every row is saved by exactly one ledger line, and the folder holds exactly those part files.

The ledger is only ever appended to, except when a run re-identifies an input (`Ledger.rewrite`): a file none of
whose rows were saved changed (the auditor fixed a file the audit could not read), or the auditor declared a file
replaced (``--replaced``). The whole ledger is then written under a temporary name with the new header and the
chunk lines it keeps, fsynced and renamed into place: a crash leaves either the old ledger or the new one, and the
part files of the chunks it dropped are deleted at the next start like any part file no ledger line vouches for.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

PROGRESS_FILE = "_progress.jsonl"
LEDGER_FORMAT = 1
FINGERPRINT_BYTES = 1 << 20


class AuditError(RuntimeError):
    """An audit that cannot start or go on, with what is wrong and how to fix it."""


def fingerprint(path: Path) -> dict[str, Any]:
    """Size, modification time and hashes of the first and last MiB: cheap, and catches appends, replaced files
    and edits that change the size or touch either end. An edit in the middle that keeps the size is caught by
    `content_sha256`, which a run records for files larger than the two MiB (see `covers_whole_file`) and a
    resume compares when the modification time differs."""
    st = path.stat()
    with open(path, "rb") as f:
        head = hashlib.sha256(f.read(FINGERPRINT_BYTES)).hexdigest()
        if st.st_size > FINGERPRINT_BYTES:
            f.seek(max(FINGERPRINT_BYTES, st.st_size - FINGERPRINT_BYTES))
            tail = hashlib.sha256(f.read(FINGERPRINT_BYTES)).hexdigest()
        else:
            tail = head
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "head_sha256": head, "tail_sha256": tail}


def covers_whole_file(size: int) -> bool:
    """Whether `fingerprint`'s two hashes read every byte of a file of this size."""
    return size <= 2 * FINGERPRINT_BYTES


def content_sha256(path: Path) -> str:
    """sha256 of the whole file: one sequential read (here about 0.7 s per GB once the file is cached)."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class Ledger:
    def __init__(self, out_dir: Path) -> None:
        self.path = Path(out_dir) / PROGRESS_FILE
        self.header: dict[str, Any] | None = None
        self.chunks: dict[tuple[int, int], dict[str, Any]] = {}
        self.complete: dict[str, Any] | None = None
        self._fh: Any = None

    def load(self) -> None:
        """Read the ledger; a partial last line (a crash while appending) is cut off."""
        self.header, self.chunks, self.complete = None, {}, None
        if not self.path.exists():
            return
        data = self.path.read_bytes()
        good = 0
        lines = data.split(b"\n")
        for k, line in enumerate(lines):
            last = k == len(lines) - 1
            if not line.strip():
                if not last:
                    good += len(line) + 1
                continue
            try:
                rec = json.loads(line)
                if last:
                    raise ValueError("no newline")  # an unterminated line was cut short
            except ValueError as e:
                if last or all(not x.strip() for x in lines[k + 1 :]):
                    logger.warning(
                        "%s: dropping an incomplete last line (the previous run stopped while writing it)", self.path
                    )
                    break
                raise AuditError(
                    f"{self.path}: line {k + 1} is not valid JSON; the ledger is damaged. Fix: pass "
                    "--restart to score everything again, or use another --out"
                ) from e
            good += len(line) + 1
            kind = rec.get("type")
            if kind == "run":
                self.header = rec
            elif kind == "chunk":
                self.chunks[(int(rec["file"]), int(rec["chunk"]))] = rec
            elif kind == "complete":
                self.complete = rec
        if good < len(data):
            with open(self.path, "r+b") as f:
                f.truncate(good)
                f.flush()
                os.fsync(f.fileno())
        if self.header is None and self.chunks:
            raise AuditError(f"{self.path}: the ledger has no header line. Fix: pass --restart")

    def start(self, header: dict[str, Any]) -> None:
        """Begin a new ledger (replacing any old one atomically)."""
        self.rewrite(header, {})

    def rewrite(self, header: dict[str, Any], chunks: dict[tuple[int, int], dict[str, Any]]) -> None:
        """Replace the ledger atomically by `header` and the lines of `chunks`, without a completion line (the
        chunks dropped are no longer saved: their part files are orphans for the caller to delete)."""
        self.close()
        header = {
            "type": "run",
            "format": LEDGER_FORMAT,
            **{k: v for k, v in header.items() if k not in ("type", "format")},
        }
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        try:
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(json.dumps(header, ensure_ascii=False) + "\n")
                for key in sorted(chunks):
                    f.write(json.dumps(chunks[key], ensure_ascii=False) + "\n")
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        fsync_dir(self.path.parent)
        self.header, self.chunks, self.complete = header, dict(chunks), None

    def append(self, record: dict[str, Any]) -> None:
        if self._fh is None:
            self._fh = open(self.path, "a", encoding="utf-8")
        self._fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._fh.flush()
        os.fsync(self._fh.fileno())
        if record.get("type") == "chunk":
            self.chunks[(int(record["file"]), int(record["chunk"]))] = record
        elif record.get("type") == "complete":
            self.complete = record

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
