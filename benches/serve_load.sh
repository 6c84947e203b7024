#!/usr/bin/env bash
# Bounded load test of `jobtag serve` on loopback: single-posting requests
# over 64 connections for 20 seconds, latency distribution included.
# Needs wrk (apt-get install wrk). Usage: bash benches/serve_load.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
log=$(mktemp)
RUST_LOG=warn target/release/jobtag serve --addr 127.0.0.1:0 > "$log" &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q listening "$log" && break; sleep 0.1; done
url=$(sed -n 's/.*listening on //p' "$log")
wrk -t2 -c64 -d20s --latency -s benches/serve_load.lua "$url/v1/label"
curl -s "$url/metrics" | grep -E '^jobtag_requests_total|^jobtag_postings_labelled_total'
