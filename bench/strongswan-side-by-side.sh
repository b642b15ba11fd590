#!/usr/bin/env bash
# netipsecd's ESP tunnel side by side with strongSwan's user-space ESP (charon + kernel-libipsec, which moves ESP
# through a TUN device in user space exactly like netipsecd): the real-world baseline for user-space IPsec.
#
#   bench/strongswan-side-by-side.sh [--no-build] [--seconds N]
#
# Each run gets fresh namespaces nx-swan-<pid>-{west,east} joined by a veth (192.0.2.1/.2) and a tunnel between
# 10.1.0.0/24 (10.1.0.1 in west) and 10.2.0.0/24 (10.2.0.1 in east):
#   A: netipsecd in each namespace, ESP AES-GCM-128 keyed by hand (as bench/netns-throughput.sh sets it up);
#   B: charon with kernel-libipsec in each namespace, IKEv2 PSK, esp_proposals aes128gcm16 (ESP in UDP 4500: the
#      plugin always encapsulates), 10.1.0.1/10.2.0.1 on lo; west initiates, measured once the CHILD_SA is installed.
# Before measuring, 20 pings must cross the veth as ESP and none in clear (so nothing can bypass the tunnel); then
# iperf3 TCP for N seconds, ping RTT (100 pings, 10 ms apart) and the CPU time of the two IPsec processes
# (utime+stime from /proc/<pid>/stat) over the iperf3 run, per GB received. Prints both and netipsecd/strongSwan.
# Everything it creates is removed on exit, also on Ctrl+C. Installs nothing: says what is missing and exits 1.
set -euo pipefail

charon=/usr/lib/ipsec/charon
plugins=/usr/lib/ipsec/plugins
# Debian's default plugin order cut to what a PSK tunnel needs (so ESP's AES-GCM comes from the aesni plugin, as in
# a stock install), with kernel-libipsec ahead of kernel-netlink so that it, not the kernel's XFRM, holds the SAs.
swan_plugins="aesni aes sha2 sha1 random nonce x509 pubkey pkcs1 pem openssl hmac kdf gcm kernel-libipsec kernel-netlink socket-default vici"
missing=""
[[ -x $charon ]] || missing+=" $charon"
command -v swanctl >/dev/null || missing+=" swanctl"
for plugin in $swan_plugins; do
    [[ -f $plugins/libstrongswan-$plugin.so ]] || missing+=" $plugins/libstrongswan-$plugin.so"
done
if [[ -n $missing ]]; then
    echo "strongSwan with kernel-libipsec is not installed (missing:$missing)." >&2
    echo "On Debian: apt-get install -y strongswan-charon strongswan-swanctl libcharon-extra-plugins" >&2
    exit 1
fi

source "$(dirname "$0")/netns-common.sh"
bench_parse_arguments "$@"
bench_require ip ping iperf3 tcpdump dotnet
bench_netipsecd "$build"

# 20 pings through the tunnel while tcpdump watches west's veth: ESP (raw, or in UDP 4500 behind a non-zero SPI)
# must cross, and no packet with a site address outside. Doubles as the warm-up (JIT, first SA lookups).
check_esp() { # label
    local capture="$bench_work/esp.pcap" tcpdump esp clear
    ip netns exec "$west" tcpdump -i "$west_veth" -nn --immediate-mode -U -Z root -w "$capture" 2>"$bench_work/tcpdump.log" &
    tcpdump=$!
    bench_started "$tcpdump"
    for _ in $(seq 50); do grep -q listening "$bench_work/tcpdump.log" && break; sleep 0.1; done
    ip netns exec "$west" ping -q -c 20 -i 0.01 -I 10.1.0.1 10.2.0.1 >/dev/null || true
    sleep 0.5
    kill -INT "$tcpdump"
    wait "$tcpdump" || true
    bench_finished "$tcpdump"
    esp=$(tcpdump -nn -r "$capture" 'esp or (udp port 4500 and udp[8:4] != 0)' 2>/dev/null | wc -l)
    clear=$(tcpdump -nn -r "$capture" 'net 10.1.0.0/24 or net 10.2.0.0/24' 2>/dev/null | wc -l)
    if [[ $esp -lt 20 || $clear -gt 0 ]]; then
        echo "$1: 20 pings made $esp ESP packets and $clear clear ones on the veth: not measuring a tunnel" >&2
        exit 1
    fi
    echo "$1: 20 pings crossed the veth as $esp ESP packets, 0 in clear"
}

# Sets <run>_mbits, _bytes, _retransmits, _cpu (ticks of both processes over iperf3), _rtt, _mdev.
measure() { # run west-pid east-pid
    local west_before east_before rtt
    west_before=$(bench_cpu_ticks "$2")
    east_before=$(bench_cpu_ticks "$3")
    bench_iperf 10.1.0.1 10.2.0.1
    printf -v "$1_cpu" %d $(( $(bench_cpu_ticks "$2") - west_before + $(bench_cpu_ticks "$3") - east_before ))
    printf -v "$1_mbits" %s "$iperf_mbits"
    printf -v "$1_bytes" %s "$iperf_bytes"
    printf -v "$1_retransmits" %s "$iperf_retransmits"
    rtt=$(bench_rtt 10.1.0.1 10.2.0.1)
    read -r "$1_rtt" "$1_mdev" <<<"$rtt"
}

swan_config() { # side local remote local-net remote-net start-action
    local dir="$bench_work/swan-$1"
    mkdir -p "$dir/run" "$dir/swanctl"
    cat >"$dir/strongswan.conf" <<CONF
charon {
    load_modular = no
    load = $swan_plugins
    plugins {
        vici {
            socket = unix://$dir/charon.vici
        }
    }
    filelog {
        charon {
            path = $dir/charon.log
            default = 1
            flush_line = yes
        }
    }
}
swanctl {
    load = pem pkcs1 x509 pubkey random nonce openssl
}
CONF
    cat >"$dir/swanctl/swanctl.conf" <<CONF
connections {
    bench {
        version = 2
        local_addrs = $2
        remote_addrs = $3
        proposals = aes128gcm16-prfsha256-ecp256
        local {
            auth = psk
            id = $2
        }
        remote {
            auth = psk
            id = $3
        }
        children {
            net {
                mode = tunnel
                local_ts = $4
                remote_ts = $5
                esp_proposals = aes128gcm16
                start_action = $6
            }
        }
    }
}
secrets {
    ike-bench {
        id-1 = 192.0.2.1
        id-2 = 192.0.2.2
        secret = $swan_secret
    }
}
CONF
}

# charon hard-codes /var/run/charon.pid: each one gets its own /run, bind-mounted in the mount namespace that
# `ip netns exec` makes for it (and that nothing outside sees).
swan_start() { # namespace side; afterwards $! is charon's pid (sh execs it)
    local dir="$bench_work/swan-$2"
    STRONGSWAN_CONF="$dir/strongswan.conf" ip netns exec "$1" \
        sh -c 'mount --bind "$1" /run && exec "$2"' sh "$dir/run" "$charon" >"$dir/charon.out" 2>&1 &
    bench_started $!
}

swanctl_at() { # side swanctl-arguments...
    local dir="$bench_work/swan-$1"
    shift
    STRONGSWAN_CONF="$dir/strongswan.conf" swanctl "$@" --uri "unix://$dir/charon.vici"
}

swan_up() {
    swan_secret="0x$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')"
    swan_config west 192.0.2.1 192.0.2.2 10.1.0.0/24 10.2.0.0/24 start
    swan_config east 192.0.2.2 192.0.2.1 10.2.0.0/24 10.1.0.0/24 none
    ip -n "$west" addr add 10.1.0.1/32 dev lo
    ip -n "$east" addr add 10.2.0.1/32 dev lo
    swan_start "$west" west
    charon_west=$!
    swan_start "$east" east
    charon_east=$!
    local side
    for side in east west; do # the responder first: west initiates as soon as it has its connection
        for _ in $(seq 100); do [[ -S $bench_work/swan-$side/charon.vici ]] && break; sleep 0.1; done
        swanctl_at "$side" --load-all --file "$bench_work/swan-$side/swanctl/swanctl.conf" \
            >"$bench_work/swan-$side/swanctl.log" 2>&1 ||
            { echo "swanctl --load-all failed for $side:" >&2; cat "$bench_work/swan-$side/"*.log >&2; exit 1; }
    done
    for _ in $(seq 150); do
        if swanctl_at west --list-sas 2>/dev/null | grep -q INSTALLED &&
            swanctl_at east --list-sas 2>/dev/null | grep -q INSTALLED &&
            ip -n "$west" route show table all | grep -q "^10.2.0.0/24 dev ipsec0"; then
            return 0
        fi
        sleep 0.2
    done
    echo "strongSwan's CHILD_SA was not installed:" >&2
    cat "$bench_work"/swan-*/charon.log >&2
    exit 1
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)

bench_pair_up "nx-swan-$bench_id" nxs
bench_netipsecd_up
check_esp "netipsecd"
measure netipsecd "$netipsecd_west" "$netipsecd_east"
bench_pair_down
load_between=$(cut -d' ' -f1-3 /proc/loadavg)

bench_pair_up "nx-swan-$bench_id" nxs
swan_up
swan_version=$(grep -o -m1 'strongSwan [0-9][0-9.]*' "$bench_work/swan-west/charon.log" || echo strongSwan)
check_esp "$swan_version"
measure swan "$charon_west" "$charon_east"
bench_pair_down
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

/usr/bin/python3 - "$seconds" "$bench_hz" "$swan_version" "$load_before" "$load_between" "$load_after" \
    "$netipsecd_mbits" "$netipsecd_bytes" "$netipsecd_retransmits" "$netipsecd_cpu" "$netipsecd_rtt" "$netipsecd_mdev" \
    "$swan_mbits" "$swan_bytes" "$swan_retransmits" "$swan_cpu" "$swan_rtt" "$swan_mdev" <<'PY'
import sys
seconds, hz = float(sys.argv[1]), float(sys.argv[2])
version, loads = sys.argv[3], sys.argv[4:7]

def run(mbits, received, retransmits, ticks, rtt, mdev):
    cpu = float(ticks) / hz
    gigabytes = float(received) / 1e9
    return {"mbits": float(mbits), "retransmits": float(retransmits), "cpu": cpu,
            "cpu_per_gb": cpu / gigabytes if gigabytes > 0 else float("nan"), "rtt": float(rtt), "mdev": float(mdev)}

ours, theirs = run(*sys.argv[7:13]), run(*sys.argv[13:19])
rows = [
    (f"iperf3 TCP {seconds:.0f} s, Mbit/s", "mbits", "{:.0f}"),
    ("  TCP retransmits", "retransmits", "{:.0f}"),
    ("ping RTT avg, ms (100 x 10 ms)", "rtt", "{:.3f}"),
    ("ping RTT mdev, ms", "mdev", "{:.3f}"),
    ("CPU of both daemons over iperf3, s", "cpu", "{:.2f}"),
    ("CPU per GB received, core-s/GB", "cpu_per_gb", "{:.2f}"),
]
print()
print(f"{'ESP AES-GCM-128 tunnel, 10.1.0.1 -> 10.2.0.1':44} {'netipsecd':>12} {version + ' libipsec':>26} {'netipsecd/strongSwan':>21}")
for label, key, form in rows:
    ratio = ours[key] / theirs[key] if theirs[key] else float("nan")
    print(f"{label:44} {form.format(ours[key]):>12} {form.format(theirs[key]):>26} {ratio:>21.2f}")
print(f"load average (1/5/15 min): before {loads[0]}, between the runs {loads[1]}, after {loads[2]}")
PY
