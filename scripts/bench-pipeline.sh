#!/usr/bin/env bash
# bench-pipeline.sh RUNS [CONFIG]: starts a local AWS on a fresh data
# directory, deploys the pipeline (from the clone in SRC, default the current
# directory, with the edasctl binary BIN, default ./edasctl), warms it with a
# 200-object bench (WARMUP objects, if set), then runs `bench --objects 1000
# --size 1KiB --concurrency 8` RUNS times. Each run prints its throughput, the busy CPU
# of the whole machine from the bench's start to its exit (user, nice,
# system, irq and softirq of /proc/stat's cpu line, in seconds), the local
# AWS's own CPU (utime + stime of its /proc/<pid>/stat) and its functions'
# (the same, summed over its child processes). With SAMPLE=1 it
# also prints the machine's busy share every 100 ms during each run.
# Alternate two builds (BIN=… SRC=…) to compare them: back-to-back runs on
# this 2-core machine differ by ±15 %. Linux only (/proc).
set -euo pipefail
runs=${1:-3}
config=${2:-}
bin=$(realpath "${BIN:-./edasctl}")
cd "${SRC:-.}"
port=${PORT:-45996}
data=$(mktemp -d)
"$bin" local --addr "127.0.0.1:$port" --data-dir "$data" >"$data.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$data" "$data.log" "$data.out"' EXIT
args=(--endpoint-url "http://127.0.0.1:$port")
[[ -n $config ]] && args+=(--config "$config")
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/_edas/health" >/dev/null && break; sleep 0.1; done
quiet() { "$@" >"$data.out" 2>&1 || { cat "$data.out" >&2; return 1; }; }
quiet "$bin" "${args[@]}" up
quiet "$bin" "${args[@]}" bench --objects "${WARMUP:-200}" --size 1KiB --concurrency 8

busy() { awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat; }
ticks() { awk '{print $14+$15}' "/proc/$pid/stat"; }
fnticks() { # a function started during the run counts from 0
	local t=0 p
	for p in $(pgrep -P "$pid"); do t=$((t + $(awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done
	echo "$t"
}
hz=$(getconf CLK_TCK)
sample() {
	local prev cur
	prev=($(awk '/^cpu /{print $2+$3+$4+$7+$8, $5+$6}' /proc/stat))
	while sleep 0.1; do
		cur=($(awk '/^cpu /{print $2+$3+$4+$7+$8, $5+$6}' /proc/stat))
		local b=$((cur[0] - prev[0])) i=$((cur[1] - prev[1]))
		printf '%d%% ' $((100 * b / (b + i > 0 ? b + i : 1)))
		prev=(${cur[@]})
	done
}
for _ in $(seq "$runs"); do
	[[ ${SAMPLE:-} == 1 ]] && { sample & sampler=$!; }
	b0=$(busy) t0=$(ticks) f0=$(fnticks)
	quiet "$bin" "${args[@]}" bench --objects 1000 --size 1KiB --concurrency 8
	tput=$(awk '/^throughput/{print $2}' "$data.out")
	b1=$(busy) t1=$(ticks) f1=$(fnticks)
	[[ ${SAMPLE:-} == 1 ]] && { kill "$sampler"; wait "$sampler" 2>/dev/null || true; echo; }
	awk -v t="$tput" -v b=$((b1 - b0)) -v l=$((t1 - t0)) -v f=$((f1 - f0)) -v hz="$hz" \
		'BEGIN{printf "%s objects/s  machine %.2f CPU-s  local AWS %.2f CPU-s  functions %.2f CPU-s\n", t, b/hz, l/hz, f/hz}'
done
