#!/usr/bin/python3
"""An IPsec peer that is not Netipsec: scapy's own ESP (scapy.layers.ipsec) at the far end of a tunnel-mode SA.

It sniffs ESP (raw, or in UDP on port 4500 with --natt) from the remote gateway on its interface, decrypts it,
answers ICMP echo requests inside with encrypted echo replies, and sends its own encrypted echo requests, counting
the encrypted replies. Prints "ready" once it listens and "answered A replies R" at the end; exits 0 when it
answered --answer requests and got --ping replies before --timeout seconds.
"""
import argparse
import sys
import threading
import time

from scapy.all import AsyncSniffer, ICMP, IP, UDP, conf, raw, send
from scapy.layers.ipsec import ESP, SecurityAssociation

ECHO_ID = 0x4E58

parser = argparse.ArgumentParser()
parser.add_argument("--iface", required=True)
parser.add_argument("--local", required=True, help="this peer's outer address")
parser.add_argument("--remote", required=True, help="the gateway's outer address")
parser.add_argument("--inner", required=True, help="this peer's inner address")
parser.add_argument("--target", required=True, help="the inner address to ping behind the gateway")
parser.add_argument("--spi-in", type=lambda text: int(text, 0), required=True)
parser.add_argument("--key-in", required=True, help="AES-GCM-128 key and salt, hex")
parser.add_argument("--spi-out", type=lambda text: int(text, 0), required=True)
parser.add_argument("--key-out", required=True)
encapsulation = parser.add_mutually_exclusive_group()
encapsulation.add_argument("--natt", action="store_true", help="ESP in UDP port 4500 (RFC 3948)")
encapsulation.add_argument("--raw", action="store_true", help="raw ESP, IP protocol 50 (the default)")
parser.add_argument("--answer", type=int, default=3)
parser.add_argument("--ping", type=int, default=3)
parser.add_argument("--timeout", type=float, default=30)
args = parser.parse_args()
conf.verb = 0


def security_association(spi, key, source, destination):
    return SecurityAssociation(
        ESP, spi=spi, crypt_algo="AES-GCM", crypt_key=bytes.fromhex(key.removeprefix("0x")), auth_algo="NULL",
        tunnel_header=IP(src=source, dst=destination),
        nat_t_header=UDP(sport=4500, dport=4500) if args.natt else None)


inbound = security_association(args.spi_in, args.key_in, args.remote, args.local)
outbound = security_association(args.spi_out, args.key_out, args.local, args.remote)
answered = 0
replies = set()
lock = threading.Lock()
done = threading.Event()


def seal(packet):
    """Encrypts for the gateway. scapy 2.5 sizes the NAT-T UDP header before the ESP is appended (its length says
    8), so the kernel would trim the datagram to nothing: the length is set again to cover the ESP."""
    sealed = outbound.encrypt(packet)
    if args.natt:
        sealed[UDP].len = len(sealed[UDP])
        sealed = IP(raw(sealed))
    return sealed


def is_from_gateway(packet):
    if IP not in packet or packet[IP].src != args.remote or packet[IP].dst != args.local:
        return False
    if args.natt:
        return UDP in packet and packet[UDP].dport == 4500 and ESP in packet
    return packet[IP].proto == 50


def handle(packet):
    global answered
    inner = inbound.decrypt(packet[IP])  # raises on a bad ICV; scapy's sniffer reports and goes on
    print("decrypted", inner.summary(), file=sys.stderr, flush=True)
    if ICMP not in inner:
        return
    icmp = inner[ICMP]
    with lock:
        if icmp.type == 8 and inner.dst == args.inner:
            reply = IP(src=args.inner, dst=inner.src) / ICMP(type=0, id=icmp.id, seq=icmp.seq) / icmp.payload
            send(seal(reply))
            answered += 1
        elif icmp.type == 0 and icmp.id == ECHO_ID and inner.src == args.target:
            replies.add(icmp.seq)
        if answered >= args.answer and len(replies) >= args.ping:
            done.set()


# "ready" only once the sniffer's socket is open (on the sniffer's own thread): a fixed pause was too short on a
# loaded machine, and what the gateway sent before then was never seen.
listening = threading.Event()
sniffer = AsyncSniffer(iface=args.iface, lfilter=is_from_gateway, prn=handle, store=False, started_callback=listening.set)
sniffer.start()
if not listening.wait(args.timeout):
    print("the sniffer never started", file=sys.stderr, flush=True)
    sys.exit(1)
print("ready", flush=True)

for seq in range(1, args.ping + 1):
    request = IP(src=args.inner, dst=args.target) / ICMP(type=8, id=ECHO_ID, seq=seq) / (b"scapy-peer" * 4)
    send(seal(request))
    time.sleep(0.2)

done.wait(args.timeout)
sniffer.stop()
print(f"answered {answered} replies {len(replies)}", flush=True)
sys.exit(0 if done.is_set() else 1)
