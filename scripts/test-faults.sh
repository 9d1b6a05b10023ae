#!/usr/bin/env bash
# The fault tests (test/faults): a service instance killed three times under load, then a master of a
# six-node Redis Cluster (three masters, three replicas) killed under load. The cluster runs on free
# ports (never 6379, nor the three-master suite's) and is torn down afterwards whatever the outcome.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v redis-server >/dev/null && command -v redis-cli >/dev/null || { echo "needs redis-server and redis-cli (apt-get install -y redis-server)" >&2; exit 1; }

# Six free ports in a row, away from scripts/test-cluster.sh's 7101+.
first=7301
busy() { for i in 0 1 2 3 4 5; do redis-cli -p "$((first + i))" ping >/dev/null 2>&1 && return 0; done; return 1; }
while busy; do first=$((first + 10)); done
trap 'scripts/redis-cluster.sh stop "$first" 1' EXIT
nodes="$(scripts/redis-cluster.sh start "$first" 1)"
echo "Redis Cluster (3 masters + 3 replicas) at $nodes"
export SWITCHBOARD_FAULTS=1 REDIS_CLUSTER_NODES="$nodes"
# One file at a time: the instance kills first, the master kill (which leaves the cluster changed) last.
npx vitest run test/faults/instanceKill.test.ts --maxWorkers=1 "$@"
npx vitest run test/faults/clusterFailover.test.ts --maxWorkers=1 "$@"
