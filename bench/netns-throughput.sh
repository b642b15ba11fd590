#!/usr/bin/env bash
# Throughput, latency and CPU of netipsecd between two network namespaces, against the bare veth as a baseline.
#
#   bench/netns-throughput.sh [--no-build] [--seconds N]
#
# Builds netipsecd (Release), creates namespaces nx-bench-<pid>-{west,east} joined by a veth pair (192.0.2.1/.2),
# starts netipsecd in each with an ESP AES-GCM-128 tunnel between 10.1.0.0/24 and 10.2.0.0/24, then measures:
#   - iperf3 TCP through the tunnel (10.1.0.1 -> 10.2.0.1) and over the bare veth (192.0.2.1 -> 192.0.2.2)
#   - ping RTT (100 pings, 10 ms apart) through the tunnel and over the veth
#   - CPU time of both netipsecd processes (utime+stime from /proc/<pid>/stat) over the tunnel's iperf3 run
# and prints the numbers and the tunnel/veth ratios. Everything it creates is removed on exit, also on Ctrl+C.
# Needs root, ip, ping, iperf3 and dotnet.
set -euo pipefail

seconds=10
build=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        --no-build) build=0 ;;
        --seconds) seconds="$2"; shift ;;
        *) echo "usage: $0 [--no-build] [--seconds N]" >&2; exit 2 ;;
    esac
    shift
done

[[ $(id -u) -eq 0 ]] || { echo "needs root (namespaces, veth, TUN)" >&2; exit 1; }
for tool in ip ping iperf3 dotnet; do
    command -v "$tool" >/dev/null || { echo "'$tool' is not on the PATH" >&2; exit 1; }
done

root=$(cd "$(dirname "$0")/.." && pwd)
if [[ $build -eq 1 ]]; then
    dotnet build "$root/src/Netipsec.Daemon" -c Release --nologo -v quiet >/dev/null
fi
daemon="$root/src/Netipsec.Daemon/bin/Release/net10.0/netipsecd.dll"
[[ -f $daemon ]] || { echo "no $daemon: build first" >&2; exit 1; }

id=$(printf '%x' $$)
west="nx-bench-$id-west"
east="nx-bench-$id-east"
work=$(mktemp -d /tmp/nx-bench-XXXXXX)
pids=()

cleanup() {
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$pid" 2>/dev/null || true
    done
    ip netns del "$west" 2>/dev/null || true
    ip netns del "$east" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ip netns add "$west"
ip netns add "$east"
ip -n "$west" link set lo up
ip -n "$east" link set lo up
ip link add "nxb${id}w" netns "$west" type veth peer name "nxb${id}e" netns "$east"
ip -n "$west" addr add 192.0.2.1/24 dev "nxb${id}w"
ip -n "$east" addr add 192.0.2.2/24 dev "nxb${id}e"
ip -n "$west" link set "nxb${id}w" up
ip -n "$east" link set "nxb${id}e" up

key() { od -An -tx1 -N20 /dev/urandom | tr -d ' \n'; }
west_key="0x$(key)"
east_key="0x$(key)"
config() { # local remote localnet remotenet outspi inspi outkey inkey
    cat <<CONF
flush;
spdflush;
add $1 $2 esp $5 -m tunnel -r 64 -E aes-gcm-16 $7;
add $2 $1 esp $6 -m tunnel -r 64 -E aes-gcm-16 $8;
spdadd $3 $4 any -P out ipsec esp/tunnel/$1-$2/require;
spdadd $4 $3 any -P in ipsec esp/tunnel/$2-$1/require;
spdadd $4 $3 any -P fwd ipsec esp/tunnel/$2-$1/require;
CONF
}
config 192.0.2.1 192.0.2.2 10.1.0.0/24 10.2.0.0/24 0x1001 0x2002 "$west_key" "$east_key" >"$work/west.conf"
config 192.0.2.2 192.0.2.1 10.2.0.0/24 10.1.0.0/24 0x2002 0x1001 "$east_key" "$west_key" >"$work/east.conf"

start() { # namespace name address
    ip netns exec "$1" dotnet exec "$daemon" --tun "nxbench-$2" --address "$3" --config "$work/$2.conf" \
        --control "$work/$2.ctl" --pfkey-socket "$work/$2.pfkey" >"$work/$2.log" 2>&1 &
    pids+=($!) # ip execs: this is netipsecd's pid
}
start "$west" west 10.1.0.1/32
start "$east" east 10.2.0.1/32
for _ in $(seq 150); do
    if ip -n "$west" route | grep -q "10.2.0.0/24 dev nxbench-west" && ip -n "$east" route | grep -q "10.1.0.0/24 dev nxbench-east"; then
        break
    fi
    sleep 0.2
done
ip -n "$west" route | grep -q "10.2.0.0/24 dev nxbench-west" || { echo "netipsecd did not come up:"; cat "$work"/*.log; exit 1; }

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; } # utime + stime, in clock ticks

iperf() { # source destination -> Mbit/s received
    ip netns exec "$east" iperf3 -s -1 -B "$2" >/dev/null 2>&1 &
    local server=$!
    local json=""
    for _ in $(seq 20); do
        sleep 0.3
        json=$(ip netns exec "$west" iperf3 -c "$2" -B "$1" -t "$seconds" -J 2>/dev/null) && break
    done
    wait "$server" || true
    /usr/bin/python3 -c 'import json, sys; print("%.0f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e6))' <<<"$json"
}

rtt() { # source destination -> "avg mdev" in ms
    ip netns exec "$west" ping -q -c 100 -i 0.01 -I "$1" "$2" | awk -F'[/ ]' '/^rtt/ { print $8, $10 }'
}

# Warm-up: JIT tiering and the first SA lookups before anything is measured.
ip netns exec "$west" ping -q -c 20 -i 0.01 -I 10.1.0.1 10.2.0.1 >/dev/null

hz=$(getconf CLK_TCK)
west_before=$(cpu_ticks "${pids[0]}")
east_before=$(cpu_ticks "${pids[1]}")
tunnel_mbits=$(iperf 10.1.0.1 10.2.0.1)
west_cpu=$(( $(cpu_ticks "${pids[0]}") - west_before ))
east_cpu=$(( $(cpu_ticks "${pids[1]}") - east_before ))
tunnel_rtt=$(rtt 10.1.0.1 10.2.0.1)
veth_mbits=$(iperf 192.0.2.1 192.0.2.2)
veth_rtt=$(rtt 192.0.2.1 192.0.2.2)

/usr/bin/python3 - "$seconds" "$hz" "$tunnel_mbits" "$veth_mbits" "$west_cpu" "$east_cpu" $tunnel_rtt $veth_rtt <<'PY'
import sys
seconds, hz = float(sys.argv[1]), float(sys.argv[2])
tunnel, veth = float(sys.argv[3]), float(sys.argv[4])
west_cpu, east_cpu = float(sys.argv[5]) / hz, float(sys.argv[6]) / hz
tunnel_rtt, tunnel_mdev, veth_rtt, veth_mdev = map(float, sys.argv[7:11])
print(f"iperf3 TCP {seconds:.0f} s   tunnel (ESP AES-GCM-128) {tunnel:8.0f} Mbit/s   bare veth {veth:8.0f} Mbit/s   ratio {tunnel / veth:.3f}")
print(f"ping RTT (100 x 10 ms)   tunnel avg {tunnel_rtt:.3f} ms (mdev {tunnel_mdev:.3f})   bare veth avg {veth_rtt:.3f} ms (mdev {veth_mdev:.3f})   ratio {tunnel_rtt / veth_rtt:.2f}")
print(f"netipsecd CPU over the tunnel's iperf3 run: west (sender) {west_cpu:.2f} s = {100 * west_cpu / seconds:.0f}% of a core, "
      f"east (receiver) {east_cpu:.2f} s = {100 * east_cpu / seconds:.0f}% of a core")
if tunnel > 0:
    print(f"CPU per gigabit through the tunnel: {(west_cpu + east_cpu) / seconds / (tunnel / 1000):.2f} core-seconds per second per Gbit/s")
PY
