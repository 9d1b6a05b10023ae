#!/usr/bin/env bash
# A throwaway three-master Redis Cluster on local ports, for tests and trials.
#   scripts/redis-cluster.sh start [first-port] [replicas]   prints the seeds (127.0.0.1:P,...)
#   scripts/redis-cluster.sh stop  [first-port] [replicas]
# With replicas=1: six nodes (three masters, each with a replica) and a 2 s node timeout, so a
# killed master's replica is promoted within seconds (the fault tests, scripts/test-faults.sh).
set -euo pipefail
cmd="${1:-start}"
first="${2:-7101}"
replicas="${3:-0}"
ports=("$first" "$((first + 1))" "$((first + 2))")
timeout=()
if [ "$replicas" = 1 ]; then
  ports+=("$((first + 3))" "$((first + 4))" "$((first + 5))")
  timeout=(--cluster-node-timeout 2000)
fi
dir="${TMPDIR:-/tmp}/switchboard-cluster-$first"

case "$cmd" in
  start)
    mkdir -p "$dir"
    for p in "${ports[@]}"; do
      redis-server --port "$p" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file "$dir/nodes-$p.conf" \
        --dir "$dir" --save '' --appendonly no --daemonize yes --logfile "$dir/$p.log" --pidfile "$dir/$p.pid" "${timeout[@]}"
    done
    for p in "${ports[@]}"; do
      for _ in $(seq 1 50); do redis-cli -p "$p" ping >/dev/null 2>&1 && break; sleep 0.1; done
    done
    redis-cli --cluster create "${ports[@]/#/127.0.0.1:}" --cluster-replicas "$replicas" --cluster-yes >"$dir/create.log"
    for _ in $(seq 1 100); do
      redis-cli -p "$first" cluster info | grep -q 'cluster_state:ok' && break; sleep 0.1
    done
    redis-cli -p "$first" cluster info | grep -q 'cluster_state:ok' || { echo "cluster did not come up (see $dir)" >&2; exit 1; }
    seeds=("${ports[@]/#/127.0.0.1:}")
    (IFS=,; echo "${seeds[*]}")
    ;;
  stop)
    for p in "${ports[@]}"; do redis-cli -p "$p" shutdown nosave >/dev/null 2>&1 || true; done
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start|stop [first-port]" >&2; exit 2 ;;
esac
