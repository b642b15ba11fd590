using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Netipsec.Packets;

namespace Netipsec.Benchmarks;

/// <summary>The per-packet parsing costs of the data path: flow extraction for policy lookup, and checksums.</summary>
[MemoryDiagnoser]
public class PacketBenchmarks
{
    private byte[] _ipv4Tcp = [];
    private byte[] _ipv6Udp = [];
    private byte[] _smallPayload = [];
    private byte[] _largePayload = [];

    [GlobalSetup]
    public void Setup()
    {
        _ipv4Tcp = new byte[60];
        var v4 = new Ipv4Header(_ipv4Tcp)
        {
            Version = 4,
            HeaderLength = Ipv4Header.MinLength,
            TotalLength = 60,
            TimeToLive = 64,
            Protocol = IpProtocol.Tcp,
            Source = IpAddress.Parse("192.0.2.1"),
            Destination = IpAddress.Parse("198.51.100.7"),
        };
        v4.UpdateChecksum();
        BinaryPrimitives.WriteUInt32BigEndian(_ipv4Tcp.AsSpan(20), (443u << 16) | 51000u);

        // IPv6 with hop-by-hop and destination options in front of UDP, so the walker has work to do.
        _ipv6Udp = new byte[40 + 8 + 8 + 8 + 16];
        _ = new Ipv6Header(_ipv6Udp)
        {
            Version = 6,
            PayloadLength = (ushort)(_ipv6Udp.Length - 40),
            NextHeader = IpProtocol.HopByHopOptions,
            HopLimit = 64,
            Source = IpAddress.Parse("2001:db8::1"),
            Destination = IpAddress.Parse("2001:db8::2"),
        };
        _ipv6Udp[40] = (byte)IpProtocol.DestinationOptions;
        _ipv6Udp[48] = (byte)IpProtocol.Udp;
        BinaryPrimitives.WriteUInt32BigEndian(_ipv6Udp.AsSpan(56), (500u << 16) | 4500u);

        var random = new Random(42);
        _smallPayload = new byte[64];
        _largePayload = new byte[1400];
        random.NextBytes(_smallPayload);
        random.NextBytes(_largePayload);
    }

    [Benchmark]
    public ushort ExtractFlowIpv4()
    {
        FlowExtractor.TryExtract(_ipv4Tcp, 1, out Flow flow, out _);
        return flow.DestinationPort;
    }

    [Benchmark]
    public ushort ExtractFlowIpv6()
    {
        FlowExtractor.TryExtract(_ipv6Udp, 1, out Flow flow, out _);
        return flow.DestinationPort;
    }

    /// <summary>A minimal packet and a full Ethernet-sized one.</summary>
    [Benchmark]
    [Arguments(64)]
    [Arguments(1400)]
    public ushort Checksum(int size) => InternetChecksum.Compute(size == 64 ? _smallPayload : _largePayload);
}
