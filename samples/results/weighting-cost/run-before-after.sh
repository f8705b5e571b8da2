#!/bin/bash
# WeightingCost for two builds side by side on an idle machine, as run for BENCHMARKS.md (session 14).
# /tmp/cost/before.cp and /tmp/cost/after.cp each hold a class path (one line: the samples' classes, a copy of that
# build's polyhead-core jar, and the dependencies from `mvn dependency:build-classpath -pl samples`); the builds
# alternate within each configuration, so a noisy phase of the machine hits both.
OUT=${OUT:-/tmp/cost/out}
mkdir -p $OUT
for round in 1 2; do
for b in 128 32; do for t in 2 4; do for build in before after; do
  echo "== round $round batch $b tasks $t build $build $(date +%T) load $(cut -d' ' -f1 /proc/loadavg)" 
  java --add-modules jdk.incubator.vector -Xmx4g -cp "$(cat /tmp/cost/$build.cp)" polyhead.samples.weighting.WeightingCost --only pcgrad,mgda,cagrad,nash-mtl,gradnorm --reps 9 --steps 40 --batch $b --tasks $t 2>&1 | grep -v WARN
done; done; done; done
