#!/usr/bin/env bash
# Polyhead's side of the Brown results table (issue 17): every configuration of samples/specs/brown/ and the
# multi-task equal spec (samples/specs/brown.json), for each seed, trained by `polyhead train` on one thread into
# RUNS/<config>-s<seed>. A finished run (metrics.json written) is skipped; an interrupted one continues from its
# latest checkpoint (train --resume), so the sweep can be stopped and started again.
#
# usage (from the repository root):
#   samples/scripts/brown_table.sh [RUNS (default runs/brown-table)] [SEEDS (default 0,1,2)] [CONFIGS (default all)]
#   then: python3 samples/scripts/brown_table.py RUNS samples/pytorch/brown_bilstm.json
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
runs="${1:-runs/brown-table}"
seeds="${2:-0,1,2}"
list="${3:-equal,fine,universal,genre,uncertainty,mgda}"
IFS=, read -r -a configs <<< "$list"
export POLYHEAD_JAVA_OPTS="${POLYHEAD_JAVA_OPTS:--XX:ActiveProcessorCount=1}"
mkdir -p "$runs"
for seed in ${seeds//,/ }; do
  for config in "${configs[@]}"; do
    spec="$root/samples/specs/brown/brown-$config.json"
    [[ "$config" == equal ]] && spec="$root/samples/specs/brown.json"
    out="$runs/$config-s$seed"
    if [[ -f "$out/metrics.json" ]]; then
      echo "$config seed $seed: done ($out)"
      continue
    fi
    start=$(date +%s)
    if [[ -d "$out/checkpoints" ]] && [[ -n "$(ls -A "$out/checkpoints")" ]]; then
      echo "$config seed $seed: resuming $out"
      "$root/polyhead" train "$spec" --resume "$out" --seed "$seed" --quiet
    else
      rm -rf "$out"
      echo "$config seed $seed: training into $out"
      "$root/polyhead" train "$spec" --seed "$seed" --out "$out" --quiet
    fi
    echo "$config seed $seed: finished in $(( $(date +%s) - start )) s"
  done
done
