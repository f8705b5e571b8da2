#!/usr/bin/env bash
# Runs the PyTorch peer (torch_baseline.py, torch_predict.py for W1-predict, torch_w4.py for W4) and Polyhead's bench in the same run, round by round (each round: one
# measurement of every PyTorch configuration, then one of every Polyhead configuration), and prints the ratios.
# Interleaving rounds exposes both sides to the same slow and fast phases of a shared machine.
#
# usage: cli/bench/run_peer.sh [bench options...]      e.g. cli/bench/run_peer.sh --workloads w1,w3
# (the bench runs W1, W1-predict, W2, W3 and W1-epoch unless --workloads says otherwise; its options come after the
# script's own)
# environment:
#   ROUNDS (3)  STEPS (60)  WARMUP (20)  THREADS (2)      the protocol, for both sides
#   EPOCHS (3)  W1-epoch: epochs per round on each side (median epoch); 0 skips W1-epoch on both sides
#   BASELINE (1)  0 skips torch_baseline.py (training steps, sgemm, epochs): for W1-predict alone, e.g.
#                 BASELINE=0 cli/bench/run_peer.sh --workloads w1-predict
#   W4 (0)   1 adds W4 (w4-bilstm, w4-transformer) to the default workloads on both sides; W4 also runs, only the
#            ones named, when the bench's --workloads names them, e.g. (W4 alone)
#            BASELINE=0 cli/bench/run_peer.sh --workloads w4-bilstm,w4-transformer
#   PEER2_PYTHON     a second PyTorch peer, interleaved in the same rounds (its files: torch2-N.json, ...): the Python
#                    of a virtual environment holding another PyTorch, e.g. the newest CPU wheel this machine can
#                    install offline (/usr/bin/python3 -m venv /opt/torch-new && /opt/torch-new/bin/pip install
#                    torch==2.13.0+cpu numpy; a bare "torch" picks the CUDA 2.14.1, which cannot install here);
#                    default /opt/torch-new/bin/python when it exists, "none" skips it. It runs with its own BLAS
#                    (the wheel's MKL and oneDNN), not Debian's OpenBLAS. Each peer's warnings go to PEER-N.err.
#   JAVA_OPTS        extra JVM options for Polyhead's side, e.g. JAVA_OPTS=-Dpolyhead.gemm.kernelBits=512
#   TORCH_BASELINE   path of torch_baseline.py (default: ../shared/bench/ next to the repository, or /work/shared/bench)
#   OUT              where the logs and JSON go (default: cli/target/bench-peer)
#   MVN              the Maven command (default: mvn -q -B; e.g. MVN="mvn -q -B -o" offline)
#   POLYHEAD_CP      a classpath to run instead of building (e.g. a copy of an earlier build's target/classes
#                    folders and jars, for a before/after comparison)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
ROUNDS="${ROUNDS:-3}"
STEPS="${STEPS:-60}"
WARMUP="${WARMUP:-20}"
THREADS="${THREADS:-2}"
EPOCHS="${EPOCHS:-3}"
BASELINE="${BASELINE:-1}"
OUT="${OUT:-$ROOT/cli/target/bench-peer}"
MVN="${MVN:-mvn -q -B}"
if [[ -z "${TORCH_BASELINE:-}" ]]; then
  for c in "$ROOT/../shared/bench/torch_baseline.py" "$ROOT/../../shared/bench/torch_baseline.py" /work/shared/bench/torch_baseline.py; do
    [[ -f "$c" ]] && TORCH_BASELINE="$c" && break
  done
fi
((BASELINE == 0)) || [[ -f "${TORCH_BASELINE:-}" ]] || { echo "torch_baseline.py not found; set TORCH_BASELINE" >&2; exit 1; }
OPENBLAS=/usr/lib/x86_64-linux-gnu/openblas-openmp
[[ -d "$OPENBLAS" ]] || { echo "$OPENBLAS missing: apt-get install libopenblas0-openmp (without it torch uses the reference BLAS, not a fair peer)" >&2; exit 1; }

PEER2_PYTHON="${PEER2_PYTHON:-/opt/torch-new/bin/python}"
if [[ "$PEER2_PYTHON" == none || ! -x "$PEER2_PYTHON" ]]; then
  [[ "$PEER2_PYTHON" == none || "$PEER2_PYTHON" == /opt/torch-new/bin/python ]] \
    || { echo "PEER2_PYTHON=$PEER2_PYTHON is not an executable Python" >&2; exit 1; }
  PEER2_PYTHON=""
fi

mkdir -p "$OUT"
rm -f "$OUT"/torch-*.json "$OUT"/torch2-*.json "$OUT"/java-*.json "$OUT"/loadavg.txt
cd "$ROOT"
if [[ -n "${POLYHEAD_CP:-}" ]]; then
  CP="$POLYHEAD_CP"
else
  echo "building..."
  CP="$($MVN -pl cli -am -DskipTests package exec:exec -Dcli.exec.skip=false -Dexec.executable=echo -Dexec.args=%classpath 2>/dev/null \
    | sed 's/\x1b\[[0-9;]*m//g' | grep -E '^/.*polyhead' | tail -n 1)"
  [[ -n "$CP" ]] || { echo "build failed: run $MVN -DskipTests package to see why" >&2; exit 1; }
fi
# -XX:ActiveProcessorCount: the parallel loops around the products (recurrent steps, convolutions) use as many threads
# as the JVM sees processors, so THREADS holds for them too, as OMP_NUM_THREADS does for PyTorch
read -r -a EXTRA_JAVA <<< "${JAVA_OPTS:-}"
JAVA=(java --add-modules jdk.incubator.vector -Xmx4g -XX:ActiveProcessorCount="$THREADS" "${EXTRA_JAVA[@]}" -cp "$CP"
  polyhead.cli.Polyhead bench)

if ((EPOCHS > 0)); then
  TORCH_EPOCHS=(--epochs "$EPOCHS" --seeds 1)
  JAVA_WORKLOADS=(--workloads w1,w1-predict,w2,w3,w1-epoch --epochs "$EPOCHS")
else
  TORCH_EPOCHS=(--skip-epochs)
  JAVA_WORKLOADS=(--workloads w1,w1-predict,w2,w3)
fi

# W4 on the PyTorch side: the w4-* workloads the bench's --workloads names, else both when W4=1
W4_LIST=""
ARGS=("$@")
for ((i = 0; i < ${#ARGS[@]}; i++)); do
  case "${ARGS[i]}" in
    --workloads) W4_LIST="$(tr ',' '\n' <<< "${ARGS[i + 1]:-}" | tr -d ' ' | tr 'A-Z' 'a-z' | { grep '^w4-' || true; } | paste -sd, -)" ;;
    --workloads=*) W4_LIST="$(tr ',' '\n' <<< "${ARGS[i]#--workloads=}" | tr -d ' ' | tr 'A-Z' 'a-z' | { grep '^w4-' || true; } | paste -sd, -)" ;;
  esac
done
if [[ -z "$W4_LIST" && "${W4:-0}" == 1 ]]; then
  W4_LIST=w4-bilstm,w4-transformer
  JAVA_WORKLOADS[1]+=",$W4_LIST"
fi

for ((r = 1; r <= ROUNDS; r++)); do
  echo "round $r/$ROUNDS: load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/loadavg.txt"
  # peer: file prefix, then the command that runs Python (Debian's 1.13 on OpenBLAS; the second peer as installed)
  peers=("torch")
  [[ -n "$PEER2_PYTHON" ]] && peers+=("torch2")
  for peer in "${peers[@]}"; do
    if [[ "$peer" == torch ]]; then
      PY=(env LD_LIBRARY_PATH="$OPENBLAS" OMP_NUM_THREADS="$THREADS" /usr/bin/python3)
    else
      PY=(env OMP_NUM_THREADS="$THREADS" "$PEER2_PYTHON")
    fi
    echo "round $r/$ROUNDS: PyTorch ($peer: $("${PY[@]}" -c 'import torch; print(torch.__version__)'))"
    if ((BASELINE)); then
      "${PY[@]}" "$TORCH_BASELINE" "${TORCH_EPOCHS[@]}" \
        --reps 1 --steps "$STEPS" --warmup "$WARMUP" --threads "$THREADS" --out "$OUT/$peer-$r.json" > "$OUT/$peer-$r.log" 2>> "$OUT/$peer-$r.err"
    fi
    "${PY[@]}" "$ROOT/cli/bench/torch_predict.py" \
      --reps 1 --steps "$STEPS" --warmup "$WARMUP" --threads "$THREADS" --out "$OUT/$peer-predict-$r.json" \
      > "$OUT/$peer-predict-$r.log" 2>> "$OUT/$peer-$r.err"
    if [[ -n "$W4_LIST" ]]; then
      "${PY[@]}" "$ROOT/cli/bench/torch_w4.py" \
        --workloads "$W4_LIST" --reps 1 --steps "$STEPS" --warmup "$WARMUP" --threads "$THREADS" \
        --out "$OUT/$peer-w4-$r.json" > "$OUT/$peer-w4-$r.log" 2>> "$OUT/$peer-$r.err"
    fi
  done
  echo "round $r/$ROUNDS: Polyhead"
  "${JAVA[@]}" "${JAVA_WORKLOADS[@]}" --reps 1 --steps "$STEPS" --warmup "$WARMUP" --threads "$THREADS" \
    --json "$OUT/java-$r.json" "$@" \
    > "$OUT/java-$r.log" 2> >(grep -v 'Using incubator modules' >&2)
done
echo
/usr/bin/python3 "$ROOT/cli/bench/ratios.py" "$OUT"
echo
echo "logs and JSON in $OUT"
