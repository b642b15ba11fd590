using Microsoft.Extensions.Time.Testing;
using Netipsec.Packets;
using Netipsec.Policies;
using Netipsec.States;

namespace Netipsec.Tests.States;

/// <summary>Addresses, keys and SA builders shared by the SAD tests.</summary>
internal static class SadTestData
{
    public static readonly IpAddress Local = IpAddress.Parse("192.0.2.1");
    public static readonly IpAddress Peer = IpAddress.Parse("198.51.100.7");
    public static readonly IpAddress Other = IpAddress.Parse("203.0.113.9");

    public const byte AesCbc = 12;
    public const byte HmacSha1 = 3;
    public const byte Deflate = 2;

    public static byte[] EncryptionKey => [.. Enumerable.Range(0x10, 16).Select(b => (byte)b)];

    public static byte[] AuthenticationKey => [.. Enumerable.Range(0xA0, 20).Select(b => (byte)b)];

    public static FakeTimeProvider NewClock() => new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public static SecurityAssociationDatabase NewDatabase(FakeTimeProvider clock, RecordingListener? listener = null, int seed = 1, SadOptions? options = null) =>
        new(clock, listener, new Random(seed), options);

    /// <summary>A keyed ESP SA from <paramref name="source"/> (default Local) to <paramref name="destination"/> (default Peer).</summary>
    public static SecurityAssociation Esp(
        uint spi,
        IpAddress? destination = null,
        IpAddress? source = null,
        XfrmMode mode = XfrmMode.Transport,
        uint reqId = 0,
        LifetimeLimits soft = default,
        LifetimeLimits hard = default,
        uint pairSpi = 0,
        uint acquireSequence = 0) =>
        new(new SaId(destination ?? Peer, spi, IpsecProtocol.Esp), source ?? Local, mode)
        {
            ReqId = reqId,
            Encryption = new SaAlgorithm(AesCbc, EncryptionKey),
            Authentication = new SaAlgorithm(HmacSha1, AuthenticationKey),
            ReplayWindowSize = 64,
            SoftLimits = soft,
            HardLimits = hard,
            PairSpi = pairSpi,
            AcquireSequence = acquireSequence,
        };

    public static SecurityAssociation Ah(uint spi, IpAddress? destination = null, IpAddress? source = null) =>
        new(new SaId(destination ?? Peer, spi, IpsecProtocol.Ah), source ?? Local, XfrmMode.Transport)
        {
            Authentication = new SaAlgorithm(HmacSha1, AuthenticationKey),
            ReplayWindowSize = 32,
        };

    public static SecurityAssociation IpComp(uint cpi) =>
        new(new SaId(Peer, cpi, IpsecProtocol.IpComp), Local, XfrmMode.Transport)
        {
            Compression = SaAlgorithm.WithoutKey(Deflate),
        };

    public static PolicyTemplate Template(IpsecProtocol protocol = IpsecProtocol.Esp, XfrmMode mode = XfrmMode.Transport, uint reqId = 0) =>
        new(protocol, mode) { ReqId = reqId };

    public static Selector HostSelector => new(IpPrefix.Host(Local), IpPrefix.Host(Peer));

    public static bool IsZero(ReadOnlySpan<byte> key) => !key.ContainsAnyExcept((byte)0);
}
