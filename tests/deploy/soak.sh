#!/usr/bin/env bash
# Soak at saturation: wrk (mixed.lua: recommend, sentiment, V2 infer, events) against nginx in front of two gateway
# replicas over PostgreSQL, sampling each gateway's RSS every 10 s.
#   tests/deploy/soak.sh [minutes, default 10] [connections, default 64]
# Reports RSS after warm-up (first minute) vs the end, growth in %, and the status counts (5xx must be 0).
# Exit code 1 when growth > 10% or any 5xx. Needs wrk, nginx, psql and PostgreSQL (see topology.sh).
set -euo pipefail
MINUTES="${1:-10}"; CONNECTIONS="${2:-64}"
source "$(dirname "${BASH_SOURCE[0]}")/topology.sh"
export DEPLOY_DIR
work=$(mktemp -d /tmp/maas-soak.XXXXXX)
trap 'topology_down "$work"; rm -rf "$work"' EXIT
topology_up "$work" 2
read -r -a pids <<<"$GATEWAY_PIDS"

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
wrk -t2 -c"$CONNECTIONS" -d"$((MINUTES * 60))s" --timeout 10s -s "$DEPLOY_DIR/mixed.lua" "$NGINX_URL" > "$work/wrk.out" &
wrk_pid=$!
samples="$work/rss.tsv"
echo -e "t_s\trss1_mib\trss2_mib" > "$samples"
t=0
while kill -0 "$wrk_pid" 2>/dev/null; do
  printf '%d\t%d\t%d\n' "$t" $(( $(rss_kib "${pids[0]}") / 1024 )) $(( $(rss_kib "${pids[1]}") / 1024 )) | tee -a "$samples"
  sleep 10; t=$((t + 10))
done
wait "$wrk_pid"
cat "$work/wrk.out"
result=$(grep '^RESULT' "$work/wrk.out")

# Warm-up is the first minute: the baseline is the sample at 60 s; the end is the mean of the last three samples.
report=$(awk -F'\t' 'NR > 1 { t[NR] = $1; a[NR] = $2; b[NR] = $3; n = NR }
  END {
    for (i = 2; i <= n; i++) if (t[i] >= 60) { base = i; break }
    if (!base) base = 2
    ea = (a[n] + a[n-1] + a[n-2]) / 3; eb = (b[n] + b[n-1] + b[n-2]) / 3
    pa = a[base] ? 100 * (ea - a[base]) / a[base] : 0; pb = b[base] ? 100 * (eb - b[base]) / b[base] : 0
    ma = 0; mb = 0; for (i = 2; i <= n; i++) { if (a[i] > ma) ma = a[i]; if (b[i] > mb) mb = b[i] }
    # Least-squares trend after warm-up, in MiB per minute: a leak climbs steadily, a GC or index rebuild steps.
    k = 0; st = 0; sa = 0; sb = 0; stt = 0; sta = 0; stb = 0
    for (i = base; i <= n; i++) { k++; st += t[i]; sa += a[i]; sb += b[i]; stt += t[i] * t[i]; sta += t[i] * a[i]; stb += t[i] * b[i] }
    d = k * stt - st * st
    ta = d ? 60 * (k * sta - st * sa) / d : 0; tb = d ? 60 * (k * stb - st * sb) / d : 0
    printf "replica1 RSS %d MiB at %ds -> %.0f MiB at end (%+.1f%%, peak %d MiB, trend %+.2f MiB/min)\n", a[base], t[base], ea, pa, ma, ta
    printf "replica2 RSS %d MiB at %ds -> %.0f MiB at end (%+.1f%%, peak %d MiB, trend %+.2f MiB/min)\n", b[base], t[base], eb, pb, mb, tb
    printf "GROWTH %.1f %.1f\n", pa, pb
  }' "$samples")
echo "$report" | grep -v '^GROWTH'
read -r _ g1 g2 <<<"$(grep '^GROWTH' <<<"$report")"
s5xx=$(sed -n 's/.* s5xx=\([0-9]*\).*/\1/p' <<<"$result")
echo "gateway log lines at error level: $(cat "$work"/logs/gateway*.log | grep -c 'ERR\]' || true)"
if awk -v a="$g1" -v b="$g2" 'BEGIN { exit !(a > 10 || b > 10) }' || [ "${s5xx:-1}" != 0 ]; then
  echo "soak: FAILED (growth ${g1}% / ${g2}%, 5xx ${s5xx})"; exit 1
fi
echo "soak: OK (growth ${g1}% / ${g2}%, 5xx ${s5xx})"
