#!/usr/bin/env bash
# CI under load: `bash .ci/run` several times in a row (3 by default) on fresh clones of this
# checkout's HEAD, with two CPU-burning processes beside it the whole time, so that a suite that
# passes only on an idle machine shows here. Stops at the first failed run. Each run's duration
# and result are printed as it ends; the last line is "N of N green under load" or the failure.
#
#   bash scripts/ci-under-load.sh              # about 45+ min on the 2-core machine
#   RUNS=1 bash scripts/ci-under-load.sh       # one run
#   CI_COMMAND=true RUNS=2 bash scripts/ci-under-load.sh   # check this script's loop in seconds
#
# Environment:
#   RUNS          runs in a row (default 3)
#   BURNERS       CPU-burning processes (default 2)
#   BURN_SECONDS  hard bound on each burner's life (default RUNS × 1 h); they are also killed on exit
#   CI_COMMAND    what each run executes in its clone (default "bash .ci/run")
#   SHARED_DIR    linked as ../shared beside each clone (default: the shared dir beside this checkout)
#   KEEP=1        keep the clones (their logs are always kept)
#
# What is tested is the committed HEAD: uncommitted changes are not in the clones.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
runs="${RUNS:-3}"
burners="${BURNERS:-2}"
burn_seconds="${BURN_SECONDS:-$((runs * 3600))}"
ci_command="${CI_COMMAND:-bash .ci/run}"
shared="${SHARED_DIR:-$(dirname "$repo")/shared}"
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "RUNS must be a positive integer, not '$runs'" >&2; exit 2; }
[[ "$burners" =~ ^[0-9]+$ ]] || { echo "BURNERS must be a number, not '$burners'" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/agent-fleet-ci-under-load.XXXXXX")"
burner_pids=()
stop_burners() {
  local pid
  for pid in "${burner_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${burner_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  burner_pids=()
}
run_pid=""
cleanup() {
  if [ -n "$run_pid" ]; then
    kill -TERM -- "-$run_pid" 2>/dev/null || true
    wait "$run_pid" 2>/dev/null || true
  fi
  stop_burners
  if [ "${KEEP:-0}" != 1 ]; then
    local run
    for run in "$work"/run-*/; do
      if [ -d "$run" ]; then rm -rf "$run"; fi
    done
  fi
}
trap cleanup EXIT
trap 'echo "interrupted" >&2; exit 130' INT TERM

commit="$(git -C "$repo" rev-parse --short HEAD)"
if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no)" ]; then
  echo "note: the checkout has uncommitted changes; the runs test HEAD ($commit) without them"
fi
[ -d "$shared" ] || echo "note: no shared dir at $shared; the clones get no ../shared"

# `timeout` bounds each burner even if this script is killed outright (no trap runs then).
for _ in $(seq 1 "$burners"); do
  timeout "$burn_seconds" sh -c 'while :; do :; done' &
  burner_pids+=("$!")
done
echo "$burners CPU burners (pids ${burner_pids[*]:-none}, at most ${burn_seconds} s) beside $runs run(s) of '$ci_command' on $commit, in $work"

green=0
for run in $(seq 1 "$runs"); do
  dir="$work/run-$run"
  log="$work/run-$run.log"
  mkdir -p "$dir"
  git clone --quiet "$repo" "$dir/main"
  if [ -d "$shared" ]; then ln -s "$shared" "$dir/shared"; fi
  started=$SECONDS
  echo "run $run of $runs: started $(date +%H:%M:%S)"
  # In its own session, so that stopping this script stops the whole run; in the background, so
  # that a signal is handled at once. The output goes to the log; each phase's end (.ci/run's
  # "::: phase NAME: N s") shows live.
  : >"$log"
  (cd "$dir/main" && exec setsid bash -c "$ci_command") >"$log" 2>&1 &
  run_pid=$!
  tail --pid="$run_pid" -n +1 -f "$log" | grep --line-buffered -E '^::: phase [^ ]+: ' | sed -u 's/^/  /' &
  follow_pid=$!
  rc=0
  wait "$run_pid" || rc=$?
  run_pid=""
  wait "$follow_pid" || true
  seconds=$((SECONDS - started))
  if [ "$rc" -eq 0 ]; then
    green=$((green + 1))
    echo "run $run of $runs: green in ${seconds} s (log: $log)"
    # .ci/run ends with its phase times and the test counts.
    sed -n '/^phase times:/,$p' "$log" | sed 's/^/  /'
  else
    echo "run $run of $runs: FAILED (exit $rc) after ${seconds} s (log: $log); its last lines:"
    tail -n 40 "$log" | sed 's/^/  /'
    KEEP=1
    echo "FAILED under load: run $run of $runs (exit $rc after ${seconds} s), $green green before it; clone kept in $dir"
    exit 1
  fi
done
echo "$green of $runs green under load"
