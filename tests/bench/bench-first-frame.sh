#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# exec → first frame of auditflow-desk's main window over a cache of 100,000 audits,
# beside a minimal GTK 4 + libadwaita window measured the same way in the same run,
# and the app's RSS at its first frame. Targets: ≤ 1.5 × the minimal window, ≤ 200 MB.
# Also printed: exec → the first frame that shows the queues (the workspace opens and
# counts its queues on a worker thread), and the RSS then.
#   bench-first-frame.sh APP MINIMAL POPULATE [RUNS]
set -eu

app=$1
minimal=$2
populate=$3
runs=${4:-7}

scratch=$(mktemp -d "${TMPDIR:-/tmp}/afd-bench.XXXXXX")
trap 'rm -rf "$scratch"' EXIT INT TERM
mkdir -p "$scratch/run" && chmod 700 "$scratch/run"
export HOME="$scratch" XDG_CONFIG_HOME="$scratch/config" XDG_CACHE_HOME="$scratch/cache" \
       XDG_DATA_HOME="$scratch/data" XDG_RUNTIME_DIR="$scratch/run"
export AFD_BENCH_FIRST_FRAME=exit GSETTINGS_BACKEND=memory
# The cache's key in a file of the run's own (created on first use): no keyring here.
export AUDITFLOW_DESK_KEY_FILE="${AUDITFLOW_DESK_KEY_FILE:-$scratch/cache.key}"

db="$scratch/bench.db"
start=$(date +%s%N)
"$populate" "$db" 100000
echo "# populated 100000 audits in $(( ($(date +%s%N) - start) / 1000000 )) ms ($(du -k "$db" | cut -f1) kB)"

cat > "$scratch/measure.sh" <<'INNER'
#!/bin/sh
# One measurement: prints "<ms to first frame> <rss kB> <ms to content frame> <rss kB>
#   <cpu ms at first frame> <cpu ms at content frame>"
# (the minimal window has no content frame: its first frame is repeated).
before=$(date +%s%6N)
out=$("$@")
field () {
  line=$(echo "$out" | grep "^$1" || echo "$out" | grep '^first-frame')
  echo "$line" | sed "s/.*$2=\([0-9-]*\).*/\1/"
}
echo "$(( ($(field first-frame realtime-us) - before) / 1000 )) $(field first-frame rss-kb)" \
     "$(( ($(field content-frame realtime-us) - before) / 1000 )) $(field content-frame rss-kb)" \
     "$(field first-frame cpu-ms) $(field content-frame cpu-ms)"
INNER
chmod +x "$scratch/measure.sh"

cat > "$scratch/all.sh" <<INNER
#!/bin/sh
set -e
# Warm-up: the first GL run compiles shaders; both programs share that cache.
"$scratch/measure.sh" "$minimal" >/dev/null
"$scratch/measure.sh" "$app" --db "$db" >/dev/null
i=0
while [ \$i -lt $runs ]; do
  echo "minimal \$("$scratch/measure.sh" "$minimal")"
  echo "app \$("$scratch/measure.sh" "$app" --db "$db")"
  i=\$((i + 1))
done
INNER
chmod +x "$scratch/all.sh"

xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- "$scratch/all.sh" \
  2>/dev/null | grep -E '^(minimal|app) ' > "$scratch/results"

median () {
  sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
minimal_ms=$(awk '$1 == "minimal" { print $2 }' "$scratch/results" | median)
app_ms=$(awk '$1 == "app" { print $2 }' "$scratch/results" | median)
app_rss=$(awk '$1 == "app" { print $3 }' "$scratch/results" | median)
minimal_rss=$(awk '$1 == "minimal" { print $3 }' "$scratch/results" | median)
content_ms=$(awk '$1 == "app" { print $4 }' "$scratch/results" | median)
content_rss=$(awk '$1 == "app" { print $5 }' "$scratch/results" | median)
minimal_cpu=$(awk '$1 == "minimal" { print $6 }' "$scratch/results" | median)
app_cpu=$(awk '$1 == "app" { print $6 }' "$scratch/results" | median)
content_cpu=$(awk '$1 == "app" { print $7 }' "$scratch/results" | median)

echo "# runs: $runs each, medians; raw: $(tr '\n' ';' < "$scratch/results")"
echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
echo "minimal window: exec → first frame ${minimal_ms} ms (CPU ${minimal_cpu} ms), RSS $((minimal_rss / 1024)) MB"
echo "auditflow-desk (100,000 audits): exec → first frame ${app_ms} ms (CPU ${app_cpu} ms), RSS $((app_rss / 1024)) MB"
echo "auditflow-desk (100,000 audits): exec → queues shown ${content_ms} ms (CPU ${content_cpu} ms), RSS $((content_rss / 1024)) MB"
ratio=$(awk -v a="$app_ms" -v m="$minimal_ms" 'BEGIN { printf "%.2f", a / m }')
echo "ratio: ${ratio} × the minimal window (target ≤ 1.5); RSS with the queues shown: target ≤ 200 MB"
awk -v r="$ratio" -v rss="$content_rss" 'BEGIN { exit !(r <= 1.5 && rss <= 200 * 1024) }' \
  && echo "PASS" || { echo "FAIL: over target"; exit 1; }
