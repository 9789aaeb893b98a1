#!/usr/bin/env bash
# The conformance gate on a CI, in three steps that both examples here call (and a test runs locally,
# cli's CiExampleTest):
#   bptt-gate.sh build         build bptt, and the plugin under test when PLUGIN_PROJECT names its Maven project
#   bptt-gate.sh shard I N     verify shard I of N: run folder gate/shard-I/, JUnit XML gate/junit/shard-I.xml
#   bptt-gate.sh merge         merge every shard's run folder into gate/merged/ with one Allure report
# Environment: BPTT_ARGS, the verify options (default: the default suite, every implementation found);
# PLUGIN_PROJECT, a Maven project whose jar goes into plugins/; BPTT, the bptt command (default: this checkout's).
# A shard exits as bptt verify does (0 passed, 1 diverged, 2 usage); merge exits 0 when the report was made.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bptt="${BPTT:-$root/bptt}"
step="${1:?usage: bptt-gate.sh build | shard I N | merge}"
shift
case "$step" in
  build)
    (cd "$root" && mvn -B -q package -pl cli -am -DskipTests)
    if [ -n "${PLUGIN_PROJECT:-}" ]; then
      mvn -B -q package -DskipTests -f "$PLUGIN_PROJECT/pom.xml"
      mkdir -p plugins
      cp "$PLUGIN_PROJECT"/target/*.jar plugins/
    fi
    ;;
  shard)
    index="${1:?shard needs I and N}"
    count="${2:?shard needs I and N}"
    # shellcheck disable=SC2086  # BPTT_ARGS holds several options
    "$bptt" verify ${BPTT_ARGS:-} --shard "$index/$count" --out "gate/shard-$index" \
      --junit-xml "gate/junit/shard-$index.xml"
    ;;
  merge)
    "$bptt" report gate/shard-*/*/ --out gate/merged
    ;;
  *)
    echo "bptt-gate.sh: unknown step '$step' (build, shard I N, merge)" >&2
    exit 2
    ;;
esac
