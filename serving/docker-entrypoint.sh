#!/bin/sh
# Entrypoint of the saring image: train the default model at first start if none is mounted, then serve.
# Any arguments replace the server, e.g. `docker run IMAGE saring eval ...`.
set -eu

if [ "$#" -gt 0 ]; then
    exec "$@"
fi

model_dir="${SARING_MODEL_DIR:-/models/default}"
if [ ! -f "$model_dir/saring_model.json" ]; then
    recipe="${SARING_RECIPE:-default}"  # or fast: 6 layers, twice the scoring speed, less transfer
    echo "saring: no model at $model_dir; training the $recipe recipe (this takes a while, once)." >&2
    echo "saring: to skip this, mount a trained model directory at $model_dir." >&2
    saring train --recipe "$recipe" --out "$model_dir"
fi

exec saring serve --model "$model_dir" --host "${SARING_HOST:-0.0.0.0}" --port "${SARING_PORT:-8000}"
