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

source "$(dirname "$0")/netns-common.sh"
bench_parse_arguments "$@"

bench_require ip ping iperf3 dotnet
bench_netipsecd "$build"
bench_pair_up "nx-bench-$bench_id" nxb
bench_netipsecd_up

# Warm-up: JIT tiering and the first SA lookups before anything is measured.
ip netns exec "$west" ping -q -c 20 -i 0.01 -I 10.1.0.1 10.2.0.1 >/dev/null

west_before=$(bench_cpu_ticks "$netipsecd_west")
east_before=$(bench_cpu_ticks "$netipsecd_east")
bench_iperf 10.1.0.1 10.2.0.1
tunnel_mbits=$iperf_mbits
west_cpu=$(( $(bench_cpu_ticks "$netipsecd_west") - west_before ))
east_cpu=$(( $(bench_cpu_ticks "$netipsecd_east") - east_before ))
tunnel_rtt=$(bench_rtt 10.1.0.1 10.2.0.1)
bench_iperf 192.0.2.1 192.0.2.2
veth_mbits=$iperf_mbits
veth_rtt=$(bench_rtt 192.0.2.1 192.0.2.2)

/usr/bin/python3 - "$seconds" "$bench_hz" "$tunnel_mbits" "$veth_mbits" "$west_cpu" "$east_cpu" $tunnel_rtt $veth_rtt <<'PY'
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
