#!/usr/bin/env bash
# The independent client of issue 17: Reserve+Commit pairs on a running Quota against empty unary calls to a separate
# grpc-dotnet process on the same machine, interleaved (docs/benchmarks.md, "Independent client (issue 17)").
#
# What runs where (one machine, each its own process, all built in Release):
#   the system   the AppHost (AppHost/Diffusion.AppHost), its ports moved to 7100-7105 (identity 7100, decisions 7101,
#                classification 7102, quota 7103, modelweights 7104, endusers 7105; dashboard 7180-7182) so it never
#                meets the default system (5099-5105) or the tests' fixed ports; its own data directory (WIRE_DATA,
#                default .diffusion/wirecheck); ONE Quota replica. Its DCP starts redis-server, PostgreSQL 15 (fsync on),
#                the identity provider and every service. Quota runs as it always does there: ServiceDefaults
#                (OpenTelemetry to the AppHost's dashboard), bearer tokens checked on every call, Quota's public port
#                served by DCP's proxy in front of the replica's own port.
#                Also one load-test worker making one reservation and ending: it is how the AppHost registers client
#                `loadtest` (roles officer and service), whose secret (WIRE_DATA/secrets/loadtest) measure uses.
#   empty server `Diffusion.WireCheck empty-server --port 7110`: Kestrel h2c, one method, Empty in and out, nothing else.
#   the client   `Diffusion.WireCheck measure`: one channel per target, 64 closed-loop callers, slices alternating
#                (empty, pairs, ...). Run against Quota's replica port (nothing between client and service, as for the
#                empty server: the comparison issue 17 asks for) and against its public port (through DCP's proxy,
#                what any client of the system reaches), per --via.
#
# Usage:  benchmarks/wire-check.sh [--via direct|proxy|both] [--no-telemetry] [--no-build] [measure options]
#         --no-telemetry: OTEL_SDK_DISABLED=true for the system's services (as the in-process harness, which has none)
#         measure options: --rounds 10 --slice-seconds 2 --concurrency 64 --warmup-seconds 3 --bucket B --tpp N
#         smoke run on a shared machine: nice -n 19 benchmarks/wire-check.sh --rounds 2 --slice-seconds 1
# Against a system that is already running (nothing but the empty server is started; only the given address is
# measured):  WIRE_QUOTA=http://127.0.0.1:5102 DIFFUSION_TOKEN=... benchmarks/wire-check.sh --no-build
#         (or Auth__Authority, Auth__Client__ClientId, Auth__Client__ClientSecret of a client with roles officer and
#         service). Note: measure raises the bucket's cap to 2^53-1; aim it at a system of its own.
# Exit code: measure's (0: every call answered as expected; 1: some failed; 2: a target could not be reached).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
via=both
build=1
telemetry=1
measure_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --via) via=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --no-telemetry) telemetry=0; shift ;;
    *) measure_args+=("$1"); shift ;;
  esac
done
case "$via" in direct|proxy|both) ;; *) echo "--via: direct, proxy or both, not '$via'" >&2; exit 2 ;; esac

data=${WIRE_DATA:-$repo/.diffusion/wirecheck}
empty_port=7110
quota_port=7103
identity_port=7100
wirecheck="$repo/benchmarks/Diffusion.WireCheck/bin/Release/net10.0/Diffusion.WireCheck"
apphost="$repo/AppHost/Diffusion.AppHost/bin/Release/net10.0/Diffusion.AppHost"
mkdir -p "$data"
log="$data/wire-check-$(date -u +%Y%m%dT%H%M%S)"

if [ $build = 1 ]; then
  echo "building in Release (log: $log.build)"
  { [ -n "${WIRE_QUOTA:-}" ] || dotnet build -c Release "$repo/AppHost/Diffusion.AppHost"; } >"$log.build" 2>&1 \
    && dotnet build -c Release "$repo/benchmarks/Diffusion.WireCheck" >>"$log.build" 2>&1 \
    || { echo "build failed: $log.build" >&2; exit 2; }
fi
binaries=("$wirecheck")
if [ -z "${WIRE_QUOTA:-}" ]; then binaries+=("$apphost"); fi
for binary in "${binaries[@]}"; do
  test -x "$binary" || { echo "not built: $binary (run without --no-build)" >&2; exit 2; }
done

# Waits up to $2 seconds for command $1 to succeed.
wait_for() {
  for _ in $(seq 1 "$2"); do eval "$1" && return 0; sleep 1; done
  return 1
}

# The replica's own address, from the Quota process of this system (its identity provider is on our port).
replica_url() {
  local pid env
  for pid in $(pgrep -f 'Diffusion\.Quota' || true); do
    # Not the `dotnet run` wrapper DCP starts (same environment): the service process below it.
    tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -q -- ' run ' && continue
    env=$(tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ") || continue
    grep -qx "Auth__Authority=http://localhost:$identity_port" <<<"$env" || grep -qx "Auth__Authority=http://127.0.0.1:$identity_port" <<<"$env" || continue
    sed -n 's/^Kestrel__Endpoints__grpc__Url=//p' <<<"$env" | sed 's/localhost/127.0.0.1/'
    return 0
  done
  return 1
}
pids=()
stop() {
  # SIGTERM: the AppHost stops DCP and every resource it started (a SIGKILL would orphan them).
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && echo "process $pid did not stop within 60 s; left running" >&2
  done
  # DCP goes on stopping the resources after the AppHost has gone: wait for this system's processes to end.
  if [ -z "${WIRE_QUOTA:-}" ]; then
    wait_for "! pgrep -f '$data' >/dev/null && ! replica_url >/dev/null" 60 || echo "processes of this system still running: pgrep -f '$data'" >&2
  fi
  return 0
}
trap stop EXIT

"$wirecheck" empty-server --port $empty_port >"$log.empty-server" 2>&1 &
pids+=($!)
wait_for "grep -q listening '$log.empty-server'" 30 || { echo "the empty server did not start: $log.empty-server" >&2; exit 2; }

targets=()
if [ -n "${WIRE_QUOTA:-}" ]; then
  targets+=("given:$WIRE_QUOTA")
else
  echo "starting the system (AppHost in Release, data $data, log $log.apphost)"
  (
    cd "$repo/AppHost/Diffusion.AppHost"
    export ASPNETCORE_URLS=http://127.0.0.1:7180 ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=http://127.0.0.1:7181 \
      ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL=http://127.0.0.1:7182 ASPIRE_ALLOW_UNSECURED_TRANSPORT=true \
      ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true ASPNETCORE_ENVIRONMENT=Development DOTNET_ENVIRONMENT=Development
    # The AppHost's resources inherit its environment: this turns the OpenTelemetry SDK off in every service.
    if [ $telemetry = 0 ]; then export OTEL_SDK_DISABLED=true; fi
    exec "$apphost" --AppHost:DataDirectory="$data" --AppHost:Replicas:quota=1 \
      --AppHost:Ports:identity=$identity_port --AppHost:Ports:decisions=7101 --AppHost:Ports:classification=7102 \
      --AppHost:Ports:quota=$quota_port --AppHost:Ports:modelweights=7104 --AppHost:Ports:endusers=7105 \
      --AppHost:LoadTest:Workers=1 --AppHost:LoadTest:Results="$log.loadtest" \
      --AppHost:LoadTest:Arguments="--reservations 1 --concurrency 1 --decide-share 0 --buckets 1"
  ) >"$log.apphost" 2>&1 &
  pids+=($!)
  wait_for "test -s '$data/secrets/loadtest'" 120 || { echo "no client secret in $data/secrets/loadtest: $log.apphost" >&2; exit 2; }
  export Auth__Authority=http://127.0.0.1:$identity_port Auth__Client__ClientId=loadtest
  Auth__Client__ClientSecret=$(cat "$data/secrets/loadtest")
  export Auth__Client__ClientSecret
  unset DIFFUSION_TOKEN

  # The worker waits for Decisions and Quota and ends after its one reservation: once it has written its results,
  # the whole system is up and idle, so start-up work does not fall into the measurement.
  wait_for "test -n \"\$(find '$log.loadtest' -name worker.json 2>/dev/null)\"" 300 \
    || echo "the load-test worker did not finish within 300 s; measuring anyway (see $log.apphost)" >&2
  if [ "$via" != proxy ]; then
    wait_for "replica_url >/dev/null" 180 || { echo "no Quota process of this system after 180 s: $log.apphost" >&2; exit 2; }
    targets+=("direct:$(replica_url)")
  fi
  if [ "$via" != direct ]; then targets+=("proxy:http://127.0.0.1:$quota_port"); fi
fi

status=0
for target in "${targets[@]}"; do
  echo
  echo "## Quota ${target%%:*} (${target#*:}) vs the empty server (http://127.0.0.1:$empty_port)"
  "$wirecheck" measure --quota "${target#*:}" --empty "http://127.0.0.1:$empty_port" "${measure_args[@]}" || status=$?
done
exit $status
