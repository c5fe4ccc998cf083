FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    QA_INDEX_DIR=/app/data/index

WORKDIR /app

# The server runs on jemalloc (server/allocator.py), as `make run` installs it. Debian's own version
# of the release the base image follows.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libjemalloc2 \
    && rm -rf /var/lib/apt/lists/*

# The same steps as `make install`: torch first and pinned (CPU build), then the project.
RUN python -m pip install --no-cache-dir torch==2.13.0
COPY pyproject.toml README.md ./
COPY index ./index
COPY answering ./answering
COPY server ./server
RUN python -m pip install --no-cache-dir -e .
COPY web ./web
COPY corpus ./corpus

# The index is built into the image and left read-only; the service never writes to it.
RUN python -m index build \
    && chmod -R a-w /app/data \
    && groupadd --gid 10001 app \
    && useradd --create-home --uid 10001 --gid 10001 app

USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["python", "-m", "server", "--host", "0.0.0.0", "--port", "8000"]
