#!/usr/bin/env bash
# Runs a command in a private network and mount namespace where Microsoft's, GitHub's and the test services' host
# names resolve to the emulator on 127.0.0.1:443, so the action runs with its shipped defaults. Nothing changes
# outside the namespace: /etc/hosts is replaced by a bind mount that only this namespace sees.
#
#   netns.sh --workdir DIR [--scenario FILE] [--host NAME]... -- COMMAND [ARGS...]
#
# In DIR: hosts (the namespace's /etc/hosts), ready.json (the emulator's --ready file), requests.jsonl (its request
# log), emulator.out (its console). COMMAND sees EMULATOR_READY, EMULATOR_LOG and NETNS_WORKDIR.
# Exit status: COMMAND's; 90 when the namespace cannot be made; 91 when the emulator does not become ready.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
node="$repo/node_modules/.bin/node"

workdir=''
scenario=''
extra_hosts=()
hosts=(login.microsoftonline.com token.actions.githubusercontent.com pipelines.actions.githubusercontent.com
  management.azure.com contoso-fhir.fhir.azurehealthcareapis.com contoso-dicom.dicom.azurehealthcareapis.com)
while [ $# -gt 0 ]; do
  case "$1" in
    --workdir) workdir="$2"; shift 2 ;;
    --scenario) scenario="$2"; shift 2 ;;
    --host) extra_hosts+=("$2"); shift 2 ;;
    --inside) inside=1; shift ;;
    --) shift; break ;;
    *) echo "netns.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$workdir" ] && [ $# -gt 0 ] || { echo 'usage: netns.sh --workdir DIR [--scenario FILE] [--host NAME]... -- COMMAND' >&2; exit 2; }
workdir="$(cd "$workdir" && pwd)"

if [ -z "${inside:-}" ]; then
  # Re-enter this script inside fresh namespaces. unshare makes the new mount namespace private, so the bind
  # mount below does not propagate back.
  args=(--workdir "$workdir" --inside)
  [ -n "$scenario" ] && args+=(--scenario "$scenario")
  for host in "${extra_hosts[@]}"; do args+=(--host "$host"); done
  if ! unshare --net --mount true 2>"$workdir/unshare.err"; then
    echo "netns.sh: cannot create a network and mount namespace: $(cat "$workdir/unshare.err")" >&2
    exit 90
  fi
  exec unshare --net --mount bash "${BASH_SOURCE[0]}" "${args[@]}" -- "$@"
fi

ip link set lo up
{
  echo '127.0.0.1 localhost'
  echo '::1 localhost ip6-localhost ip6-loopback'
  for host in "${hosts[@]}" "${extra_hosts[@]}"; do echo "127.0.0.1 $host"; done
} >"$workdir/hosts"
mount --bind "$workdir/hosts" /etc/hosts

ready="$workdir/ready.json"
log="$workdir/requests.jsonl"
rm -f "$ready" "$log"
# On every address: the namespace has loopback alone, and the bench gives some hosts addresses of their own
# (127.0.0.2, …) to delay their packets apart (scripts/bench/latency.ts).
emulator_args=(--hosts --port 443 --address 0.0.0.0 --ready "$ready" --log "$log")
[ -n "$scenario" ] && emulator_args+=(--scenario "$scenario")
(cd "$repo" && exec "$node" emulator/cli.ts "${emulator_args[@]}") >"$workdir/emulator.out" 2>&1 &
emulator=$!
stop_emulator() {
  kill "$emulator" 2>/dev/null || true
  wait "$emulator" 2>/dev/null || true
}
trap stop_emulator EXIT

for _ in $(seq 1 200); do
  [ -s "$ready" ] && break
  if ! kill -0 "$emulator" 2>/dev/null; then break; fi
  sleep 0.1
done
if [ ! -s "$ready" ]; then
  echo 'netns.sh: the emulator did not become ready; its output:' >&2
  cat "$workdir/emulator.out" >&2
  exit 91
fi

# The emulator chooses its service host names; make every host it announces resolve here too. Appending keeps
# the bind-mounted file's inode.
"$node" -e '
  const ready = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))
  const names = new Set()
  const visit = v => {
    if (typeof v === "string" && /^https:\/\//.test(v)) { try { names.add(new URL(v).hostname) } catch {} }
    else if (v && typeof v === "object") Object.values(v).forEach(visit)
  }
  visit(ready)
  for (const name of names) if (!/^(localhost|127\.|\[)/.test(name)) console.log(name)
' "$ready" | while read -r name; do
  grep -q " $name\$" "$workdir/hosts" || echo "127.0.0.1 $name" >>"$workdir/hosts"
done

set +e
EMULATOR_READY="$ready" EMULATOR_LOG="$log" NETNS_WORKDIR="$workdir" "$@"
status=$?
set -e
exit "$status"
