"""Batch audits: score months of past posts from files, in-process or on a Dask cluster, exactly once.

The package never touches the API. Its modules, in the order a row meets them:

    inputs.py      find, fingerprint and read input files in chunks (CSV, JSON lines, Parquet)
    score.py       ``score_frame``: the DataFrame -> DataFrame scoring step (also for Spark, Ray, Dask)
    engagement.py  engagement columns: reading counts, and the report's engagement section
    ledger.py      the checkpoint ledger that makes a resumed run save every row exactly once
    runners.py     where chunks are scored: in-process, or on Dask workers (their thread shares)
    run.py         ``run_audit``: chunks -> runner -> part files + ledger, resumable, exactly once
    copies.py      the same post published many times: the report's copy counts and most-copied flagged posts
    report.py      the audit report (JSON, Markdown, HTML from templates/audit/)
    cli.py         ``saring audit``
"""

from __future__ import annotations

from serving.audit.ledger import AuditError
from serving.audit.run import AuditConfig, AuditEvent, AuditSummary, read_rejects, read_results, run_audit
from serving.audit.score import score_frame

__all__ = [
    "AuditConfig",
    "AuditError",
    "AuditEvent",
    "AuditSummary",
    "read_rejects",
    "read_results",
    "run_audit",
    "score_frame",
]
