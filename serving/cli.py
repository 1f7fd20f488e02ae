"""`saring serve` (runs the API with uvicorn) and `saring feedback export` (corrections -> labelled file).

CLI options override SARING_* environment variables; they reach uvicorn's workers through the environment,
so `--workers N` runs N processes with the same settings (rate limits and micro-batches are per process).
"""

from __future__ import annotations

import logging
import os
import tempfile
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from pydantic import ValidationError
from pydantic_settings import SettingsError
from rich.console import Console

from model.logs import TIMESTAMPED, setup_logging

if TYPE_CHECKING:
    from serving.settings import Settings

logger = logging.getLogger(__name__)
console = Console(stderr=True)

serve_app = typer.Typer(name="serve", help="Run the scoring API.", add_completion=False, pretty_exceptions_enable=False)
feedback_app = typer.Typer(
    name="feedback",
    help="Analysts' corrections collected by POST /v1/feedback.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def _settings_error(e: ValidationError | SettingsError) -> None:
    if isinstance(e, SettingsError):
        cause = f" ({e.__cause__})" if e.__cause__ else ""
        console.print(
            f"[red]error[/red]: {e}{cause}. Check the SARING_* environment variables: lists and "
            'policies take JSON, e.g. SARING_CHANNEL_POLICIES=\'{"pengaduan": {"slander": '
            '{"flag": 0.8}}}\''
        )
        raise typer.Exit(2)
    for err in e.errors():
        where = ".".join(str(p) for p in err.get("loc", ())) or "settings"
        msg = str(err.get("msg", "")).removeprefix("Value error, ")
        console.print(f"[red]error[/red]: {where}: {msg}")
    raise typer.Exit(2)


@serve_app.callback(invoke_without_command=True)
def serve(
    model: Annotated[
        Path | None, typer.Option("--model", help="Model directory (default: $SARING_MODEL_DIR, else models/default).")
    ] = None,
    host: Annotated[str | None, typer.Option(help="Interface; beyond 127.0.0.1 API keys are required.")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000).")] = None,
    workers: Annotated[int, typer.Option(min=1, help="Server processes.")] = 1,
    precision: Annotated[
        str | None,
        typer.Option(
            help="Transformer inference: int8 (default; used when verified "
            "against fp32), bf16 (CPUs with bf16 matrix units) or fp32 (default: $SARING_PRECISION)."
        ),
    ] = None,
) -> None:
    """Serve the model over HTTP: POST /v1/score, /docs, /readyz, /metrics."""
    import uvicorn

    from model.modeldir import ModelDir, ModelDirError
    from model.readers import DataError
    from model.terms import TermLists
    from serving.settings import Settings

    overrides: dict[str, object] = {}
    if model is not None:
        overrides["model_dir"] = model
    if host is not None:
        overrides["host"] = host
    if port is not None:
        overrides["port"] = port
    if precision is not None:
        overrides["precision"] = precision
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except (ValidationError, SettingsError) as e:
        _settings_error(e)
        return
    debug = settings.log_level == "DEBUG"
    if not settings.load_in_background:
        try:
            ModelDir(settings.model_dir).check()  # files, weights hashes and safetensors headers
        except (ModelDirError, OSError, ValueError) as e:
            _fail(f"{e}", e, debug)
    try:
        check_data_dir(settings)
    except OSError as e:
        _fail(
            f"the data directory {settings.data_dir} is not writable ({e.strerror or e}). Fix: set "
            "SARING_DATA_DIR to a folder this user can write (feedback and the claim store live there), or "
            "fix its permissions.",
            e,
            debug,
        )
    if settings.term_lists is not None:
        try:
            TermLists.from_file(settings.term_lists)  # the app reads it again; here a bad file is one clear line
        except (DataError, OSError) as e:
            _fail(f"SARING_TERM_LISTS: {e}", e, debug)
    # `python -m serving`: timestamped lines on stderr; under `saring` logging is already set up (a no-op)
    setup_logging(settings.log_level, fmt=TIMESTAMPED)
    # The workers build their settings from the environment: pass the overrides on.
    os.environ["SARING_MODEL_DIR"] = str(settings.model_dir)
    os.environ["SARING_HOST"] = settings.host
    os.environ["SARING_PORT"] = str(settings.port)
    os.environ["SARING_PRECISION"] = settings.precision  # read by every Scorer the workers load
    uvicorn.run(
        "serving.app:create_app_from_env",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=workers,
        log_level=settings.log_level.lower(),
        timeout_graceful_shutdown=int(settings.graceful_timeout_s),
        proxy_headers=False,
        server_header=False,
    )


def _fail(message: str, exc: BaseException, debug: bool) -> None:
    """One short line with the fix and exit status 2; the traceback only with SARING_LOG_LEVEL=DEBUG."""
    if debug:
        traceback.print_exception(exc)
    console.print(f"[red]error[/red]: {message}")
    raise typer.Exit(2) from exc


def check_data_dir(settings: Settings) -> None:
    """Create the data directory and write a probe file in it, where the default SQLite database and claim
    store live (OSError when it cannot be written)."""
    paths = []
    if settings.feedback_db_url is None:
        paths.append(settings.data_dir)
    paths.append((settings.claims_db or settings.data_dir / "claims.sqlite").parent)
    for folder in dict.fromkeys(paths):
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".saring-write-check."):
            pass


@feedback_app.callback()
def feedback() -> None:
    """Analysts' corrections collected by POST /v1/feedback."""


@feedback_app.command("export")
def export(
    out: Annotated[Path, typer.Option("--out", help="File to write (.csv or .jsonl).")],
    fmt: Annotated[str | None, typer.Option("--format", help="csv or jsonl (default: from --out's suffix).")] = None,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="SQLAlchemy URL (default: $SARING_FEEDBACK_DB_URL, else the SQLite file in the data directory).",
        ),
    ] = None,
) -> None:
    """Write the corrections as a labelled file (a column per risk, 1/0) that `saring train` accepts."""
    from serving.settings import Settings
    from serving.store import Store, export_feedback

    if db is None:
        try:
            # Only storage settings matter here; a server host beyond loopback must not block an export.
            db = Settings(host="127.0.0.1").database_url
        except (ValidationError, SettingsError) as e:
            _settings_error(e)
            return
    store = Store(db)
    try:
        n = export_feedback(store, out, fmt)
    except ValueError as e:
        console.print(f"[red]error[/red]: {e}")
        raise typer.Exit(2) from e
    finally:
        store.dispose()
    console.print(f"wrote {n} labelled row(s) to {out} (from {store.describe()})")
