#!/usr/bin/env bash
# Runs the integration, end-to-end and record suites against a throwaway three-master Redis Cluster,
# torn down afterwards whatever the outcome.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v redis-server >/dev/null && command -v redis-cli >/dev/null || { echo "needs redis-server and redis-cli (apt-get install -y redis-server)" >&2; exit 1; }

# Three free ports in a row.
first=7101
while redis-cli -p "$first" ping >/dev/null 2>&1 || redis-cli -p "$((first + 1))" ping >/dev/null 2>&1 || redis-cli -p "$((first + 2))" ping >/dev/null 2>&1; do
  first=$((first + 10))
done
trap 'scripts/redis-cluster.sh stop "$first"' EXIT
nodes="$(scripts/redis-cluster.sh start "$first")"
echo "Redis Cluster at $nodes"
REDIS_CLUSTER_NODES="$nodes" npx vitest run test/integration test/e2e test/record "$@"
