#!/usr/bin/env bash
# Quick start: installs what is missing, builds, and runs citymatch-server in
# the foreground. An empty store is loaded with the shipped data set
# (deploy/data). Environment:
#   CITYMATCH_DATA_DIR   store directory          (default: var)
#   CITYMATCH_GRPC_ADDR  gRPC address             (default: 127.0.0.1:50051)
#   CITYMATCH_HTTP_ADDR  HTTP/JSON gateway address (default: 127.0.0.1:8080)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
deploy/install-deps.sh

data_dir="${CITYMATCH_DATA_DIR:-var}"
grpc_addr="${CITYMATCH_GRPC_ADDR:-127.0.0.1:50051}"
http_addr="${CITYMATCH_HTTP_ADDR:-127.0.0.1:8080}"

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target citymatch_server citymatch_cli >&2

echo "citymatch: query it with: build/client/citymatch --server ${grpc_addr} recommend projects/urbact-arrival-cities" >&2
exec build/server/citymatch-server --data_dir="$data_dir" \
  --grpc_addr="$grpc_addr" --http_addr="$http_addr" --seed_dir=deploy/data
