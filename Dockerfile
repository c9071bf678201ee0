FROM python:3.11-slim
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends build-essential cmake \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY src ./src
COPY config ./config
# A portable llama.cpp build (see the Makefile: the native one crashes where AMX is advertised).
ENV CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON"
RUN pip install --no-cache-dir ".[local]"
COPY . .
ENV DATABASE_URL=sqlite:///data/lookup.db WEB_CONCURRENCY=2 PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus
EXPOSE 8000
# The workers share their metrics through PROMETHEUS_MULTIPROC_DIR, emptied at each start.
# `exec`: uvicorn, not the shell, receives SIGTERM and finishes the requests under way.
CMD ["sh", "-c", "rm -rf \"$PROMETHEUS_MULTIPROC_DIR\" && mkdir -p \"$PROMETHEUS_MULTIPROC_DIR\" && exec uvicorn --factory web:create_app --host 0.0.0.0 --port 8000 --workers ${WEB_CONCURRENCY}"]
