# Sourced by the bench/ namespace scripts (not run on its own): two namespaces joined by a veth, netipsecd's ESP
# tunnel between them, the measurements, and the cleanup of everything started or created here.
#
# Source it after `set -euo pipefail`. It installs EXIT/INT/TERM traps that stop the processes registered with
# bench_started (by PID), delete the namespaces made by bench_pair_up and remove $bench_work.

bench_parse_arguments() { # "$@" of the script: [--no-build] [--seconds N] -> $build (1 or 0), $seconds
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
}

bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench_id=$(printf '%x' $$)
bench_work=$(mktemp -d /tmp/nx-bench-XXXXXX)
bench_pids=()
bench_namespaces=()
bench_hz=$(getconf CLK_TCK)

# TERM, then up to 10 s to exit (charon takes a few), then KILL.
bench_stop() { # pid...
    local pid
    for pid in "$@"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "$@"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$pid" 2>/dev/null || true
    done
}

bench_started() { # pid: stop it on cleanup
    bench_pids+=("$1")
}

bench_finished() { # pid: it was waited for, so its number may be reused: never signal it again
    local kept=() pid
    for pid in "${bench_pids[@]}"; do
        [[ $pid == "$1" ]] || kept+=("$pid")
    done
    bench_pids=("${kept[@]}")
}

bench_cleanup() {
    bench_pair_down
    rm -rf "$bench_work"
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

bench_require() { # command...: exits 1 unless root with every command on the PATH
    [[ $(id -u) -eq 0 ]] || { echo "needs root (namespaces, veth, TUN)" >&2; exit 1; }
    local tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null || { echo "'$tool' is not on the PATH" >&2; exit 1; }
    done
}

bench_netipsecd() { # build (1 or 0): sets bench_daemon to netipsecd.dll, built in Release unless build is 0
    if [[ $1 -eq 1 ]]; then
        dotnet build "$bench_root/src/Netipsec.Daemon" -c Release --nologo -v quiet >/dev/null
    fi
    bench_daemon="$bench_root/src/Netipsec.Daemon/bin/Release/net10.0/netipsecd.dll"
    [[ -f $bench_daemon ]] || { echo "no $bench_daemon: build first" >&2; exit 1; }
}

# Namespaces <prefix>-west and <prefix>-east joined by a veth, 192.0.2.1/24 (west) and 192.0.2.2/24 (east).
# Sets west, east (namespace names) and west_veth, east_veth (interface names, at most 15 characters).
bench_pair_up() { # prefix veth-prefix
    west="$1-west"
    east="$1-east"
    west_veth="$2${bench_id}w"
    east_veth="$2${bench_id}e"
    ip netns add "$west"
    bench_namespaces+=("$west")
    ip netns add "$east"
    bench_namespaces+=("$east")
    ip -n "$west" link set lo up
    ip -n "$east" link set lo up
    ip link add "$west_veth" netns "$west" type veth peer name "$east_veth" netns "$east"
    ip -n "$west" addr add 192.0.2.1/24 dev "$west_veth"
    ip -n "$east" addr add 192.0.2.2/24 dev "$east_veth"
    ip -n "$west" link set "$west_veth" up
    ip -n "$east" link set "$east_veth" up
}

# Stops every registered process and deletes the namespaces, so that a second pair starts from nothing.
bench_pair_down() {
    bench_stop "${bench_pids[@]}"
    bench_pids=()
    local namespace
    for namespace in "${bench_namespaces[@]}"; do
        ip netns del "$namespace" 2>/dev/null || true
    done
    bench_namespaces=()
}

# netipsecd in west and east with an ESP AES-GCM-128 tunnel between 10.1.0.0/24 (10.1.0.1 on west's TUN) and
# 10.2.0.0/24 (10.2.0.1 on east's TUN), manually keyed. Returns once both daemons have routed the remote site.
# Sets netipsecd_west and netipsecd_east to the daemons' PIDs. Needs bench_netipsecd and bench_pair_up first.
bench_netipsecd_up() {
    local west_key east_key
    west_key="0x$(od -An -tx1 -N20 /dev/urandom | tr -d ' \n')"
    east_key="0x$(od -An -tx1 -N20 /dev/urandom | tr -d ' \n')"
    bench_netipsecd_config 192.0.2.1 192.0.2.2 10.1.0.0/24 10.2.0.0/24 0x1001 0x2002 "$west_key" "$east_key" \
        >"$bench_work/west.conf"
    bench_netipsecd_config 192.0.2.2 192.0.2.1 10.2.0.0/24 10.1.0.0/24 0x2002 0x1001 "$east_key" "$west_key" \
        >"$bench_work/east.conf"
    bench_netipsecd_start "$west" west 10.1.0.1/32
    netipsecd_west=$!
    bench_netipsecd_start "$east" east 10.2.0.1/32
    netipsecd_east=$!
    for _ in $(seq 150); do
        if ip -n "$west" route | grep -q "10.2.0.0/24 dev nxbench-west" &&
            ip -n "$east" route | grep -q "10.1.0.0/24 dev nxbench-east"; then
            return 0
        fi
        sleep 0.2
    done
    echo "netipsecd did not come up:" >&2
    cat "$bench_work"/west.log "$bench_work"/east.log >&2
    exit 1
}

bench_netipsecd_config() { # local remote localnet remotenet outspi inspi outkey inkey
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

bench_netipsecd_start() { # namespace name address; afterwards $! is the daemon's pid (ip execs it)
    ip netns exec "$1" dotnet exec "$bench_daemon" --tun "nxbench-$2" --address "$3" --config "$bench_work/$2.conf" \
        --control "$bench_work/$2.ctl" --pfkey-socket "$bench_work/$2.pfkey" >"$bench_work/$2.log" 2>&1 &
    bench_started $!
}

bench_cpu_ticks() { # pid -> utime + stime of the whole process (all threads), in clock ticks
    awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# iperf3 TCP from west to east for $seconds; sets iperf_mbits (Mbit/s received), iperf_bytes (bytes received) and
# iperf_retransmits (TCP segments the sender sent again).
bench_iperf() { # source destination
    ip netns exec "$east" iperf3 -s -1 -B "$2" >/dev/null 2>&1 &
    local server=$! json=""
    bench_started "$server"
    for _ in $(seq 20); do
        sleep 0.3
        json=$(ip netns exec "$west" iperf3 -c "$2" -B "$1" -t "$seconds" -J 2>/dev/null) && break
        json=""
    done
    [[ -n $json ]] || bench_stop "$server" # a server no client reached would wait forever
    wait "$server" || true
    bench_finished "$server"
    read -r iperf_mbits iperf_bytes iperf_retransmits < <(/usr/bin/python3 -c 'import json, sys
end = json.load(sys.stdin)["end"]
print("%.0f %d %d" % (end["sum_received"]["bits_per_second"] / 1e6, end["sum_received"]["bytes"], end["sum_sent"].get("retransmits", 0)))' <<<"$json" 2>/dev/null) ||
        { echo "iperf3 $1 -> $2 failed" >&2; exit 1; }
}

bench_rtt() { # source destination -> "avg mdev" in ms over 100 pings 10 ms apart, west to east
    ip netns exec "$west" ping -q -c 100 -i 0.01 -I "$1" "$2" | awk -F'[/ ]' '/^rtt/ { print $8, $10 }'
}
