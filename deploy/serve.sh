#!/usr/bin/env bash
# Quick start: installs what is missing, builds, and runs citymatch-server in
# the foreground. An empty store is loaded with the shipped data set
# (deploy/data). Environment:
#   CITYMATCH_DATA_DIR   store directory          (default: var)
#   CITYMATCH_GRPC_ADDR  gRPC address             (default: 127.0.0.1:50051)
# The CLI reads its address from CITYMATCH_SERVER (or --server), not from
# CITYMATCH_GRPC_ADDR: set both when you change it. There is no HTTP/JSON
# gateway yet; a CITYMATCH_HTTP_ADDR set by older setups is passed on as
# --http_addr, and the server warns that nothing listens there.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
deploy/install-deps.sh

data_dir="${CITYMATCH_DATA_DIR:-var}"
grpc_addr="${CITYMATCH_GRPC_ADDR:-127.0.0.1:50051}"
http_flags=()
if [[ -n "${CITYMATCH_HTTP_ADDR:-}" ]]; then
  http_flags=(--http_addr="$CITYMATCH_HTTP_ADDR")
fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target citymatch_server citymatch_cli >&2

echo "citymatch: query it with: build/client/citymatch --server ${grpc_addr} recommend projects/urbact-arrival-cities" >&2
exec build/server/citymatch-server --data_dir="$data_dir" \
  --grpc_addr="$grpc_addr" "${http_flags[@]}" --seed_dir=deploy/data
