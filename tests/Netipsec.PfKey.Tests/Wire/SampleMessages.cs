using Netipsec.Packets;
using Netipsec.PfKey.Wire;

namespace Netipsec.PfKey.Tests.Wire;

/// <summary>Messages built with the writer, and the values they were built from, shared by the wire tests.</summary>
internal static class SampleMessages
{
    public static readonly IpAddress Host1 = IpAddress.Parse("192.0.2.1");
    public static readonly IpAddress Host2 = IpAddress.Parse("192.0.2.2");
    public static readonly IpAddress V6Host1 = IpAddress.Parse("2001:db8::1");
    public static readonly IpAddress V6Host2 = IpAddress.Parse("2001:db8::2");

    public static readonly byte[] AuthKey = Enumerable.Range(0x11, 20).Select(i => (byte)i).ToArray();
    public static readonly byte[] EncryptKey = Enumerable.Range(0x41, 16).Select(i => (byte)i).ToArray();

    public static readonly PfKeyHeader AddHeader = new(MessageType.Add, SaType.Esp, 7, 1234);
    public static readonly SaExtension EspSa = new(0x12345678, 32, SaState.Mature, AuthAlgorithm.Sha1Hmac, EncryptAlgorithm.AesCbc, SaFlags.None);
    public static readonly AddressExtension Source = new(IpsecConstants.UlProtoAny, 32, new Sockaddr(Host1));
    public static readonly AddressExtension Destination = new(IpsecConstants.UlProtoAny, 32, new Sockaddr(Host2));

    public static readonly Combination SampleCombination = new()
    {
        Auth = AuthAlgorithm.Sha256Hmac, Encrypt = EncryptAlgorithm.AesGcmIcv16, Flags = 1,
        AuthMinBits = 256, AuthMaxBits = 256, EncryptMinBits = 128, EncryptMaxBits = 256,
        SoftAllocations = 1, HardAllocations = 2, SoftBytes = 3, HardBytes = 4,
        SoftAddTime = 5, HardAddTime = 6, SoftUseTime = 7, HardUseTime = 8,
    };

    public static readonly IpsecRequest TunnelRequest = new(IpProtocol.Esp, IpsecMode.Tunnel, IpsecLevel.Unique, 42)
    {
        TunnelSource = new Sockaddr(V6Host1) { FlowInfo = 0x12345, ScopeId = 3 },
        TunnelDestination = new Sockaddr(V6Host2),
    };

    public static readonly IpsecRequest TransportRequest = new(IpProtocol.Ah, IpsecMode.Transport, IpsecLevel.Require, 0);

    public static readonly ExtendedCombination[] ExtendedCombinations =
    [
        new() { AlgorithmCount = 2, Flags = 1, SoftAllocations = 9, HardAllocations = 10, SoftBytes = 11, HardBytes = 12, SoftAddTime = 13, HardAddTime = 14, SoftUseTime = 15, HardUseTime = 16 },
        new() { AlgorithmCount = 1, HardAddTime = 3600 },
    ];

    public static readonly AlgorithmDescriptor[] Descriptors =
    [
        new(SaType.Esp, AlgorithmKind.Crypt, (byte)EncryptAlgorithm.AesCbc, 128, 256),
        new(SaType.Esp, AlgorithmKind.Auth, (byte)AuthAlgorithm.Sha256Hmac, 256, 256),
        new(SaType.Ah, AlgorithmKind.Auth, (byte)AuthAlgorithm.Sha1Hmac, 160, 160),
    ];

    /// <summary>SADB_ADD of an ESP SA: AES-CBC 128 and HMAC-SHA1 between 192.0.2.1 and 192.0.2.2.</summary>
    public static byte[] EspAdd()
    {
        var buffer = new byte[512];
        Assert.True(PfKeyMessageWriter.TryCreate(buffer, AddHeader, out PfKeyMessageWriter writer));
        Assert.True(writer.TryAddSa(EspSa));
        Assert.True(writer.TryAddAddress(ExtensionType.AddressSrc, Source));
        Assert.True(writer.TryAddAddress(ExtensionType.AddressDst, Destination));
        Assert.True(writer.TryAddKey(ExtensionType.KeyAuth, new KeyExtension(AuthKey)));
        Assert.True(writer.TryAddKey(ExtensionType.KeyEncrypt, new KeyExtension(EncryptKey)));
        return writer.Message.ToArray();
    }

    /// <summary>One message holding every extension type once, with distinct values (written by <see cref="WriteAll"/>).</summary>
    public static byte[] AllExtensions()
    {
        var buffer = new byte[4096];
        Assert.True(PfKeyMessageWriter.TryCreate(buffer, AddHeader, out PfKeyMessageWriter writer));
        Assert.True(WriteAll(ref writer));
        return writer.Message.ToArray();
    }

    /// <summary>Adds every extension type; false as soon as one does not fit.</summary>
    public static bool WriteAll(ref PfKeyMessageWriter writer)
    {
        ReadOnlySpan<byte> text = "user@example.com"u8;
        ReadOnlySpan<byte> bitmap = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
        return writer.TryAddSa(EspSa)
            && writer.TryAddLifetime(ExtensionType.LifetimeCurrent, new LifetimeExtension(1, 2, 3, 4))
            && writer.TryAddLifetime(ExtensionType.LifetimeHard, new LifetimeExtension(10, 20, 30, 40))
            && writer.TryAddLifetime(ExtensionType.LifetimeSoft, new LifetimeExtension(5, 15, 25, 35))
            && writer.TryAddAddress(ExtensionType.AddressSrc, Source)
            && writer.TryAddAddress(ExtensionType.AddressDst, Destination with { Sockaddr = new Sockaddr(Host2, 4500) })
            && writer.TryAddAddress(ExtensionType.AddressProxy, new AddressExtension(6, 24, new Sockaddr(Host1, 80)))
            && writer.TryAddKey(ExtensionType.KeyAuth, new KeyExtension(AuthKey))
            && writer.TryAddKey(ExtensionType.KeyEncrypt, new KeyExtension(124, EncryptKey))
            && writer.TryAddIdentity(ExtensionType.IdentitySrc, new IdentityExtension(IdentityType.UserFqdn, 0, text))
            && writer.TryAddIdentity(ExtensionType.IdentityDst, new IdentityExtension(IdentityType.Prefix, 99, default))
            && writer.TryAddSensitivity(new SensitivityExtension(1, 2, bitmap[..8], 3, bitmap))
            && writer.TryAddProposal(64, [SampleCombination, SampleCombination with { Auth = AuthAlgorithm.Sha1Hmac }])
            && writer.TryAddSupported(ExtensionType.SupportedAuth, [new SupportedAlgorithm((byte)AuthAlgorithm.Sha1Hmac, 0, 160, 160)])
            && writer.TryAddSupported(ExtensionType.SupportedEncrypt, [new SupportedAlgorithm((byte)EncryptAlgorithm.AesCbc, 128, 128, 256), new SupportedAlgorithm((byte)EncryptAlgorithm.AesGcmIcv16, 64, 160, 288)])
            && writer.TryAddSpiRange(new SpiRangeExtension(0x100, 0xffff))
            && writer.TryAddKmPrivate(new KmPrivateExtension([1, 2, 3, 4, 5, 6, 7, 8]))
            && writer.TryAddPolicy(new PolicyHeader(IpsecPolicyType.Ipsec, IpsecDirection.Outbound, 77, 1000), [TransportRequest, TunnelRequest])
            && writer.TryAddSa2(new Sa2Extension(IpsecMode.Tunnel, 5, 42))
            && writer.TryAddNatTType(new NatTTypeExtension(2))
            && writer.TryAddNatTPort(ExtensionType.NatTSport, new NatTPortExtension(4500))
            && writer.TryAddNatTPort(ExtensionType.NatTDport, new NatTPortExtension(61000))
            && writer.TryAddAddress(ExtensionType.NatTOa, new AddressExtension(0, 0, new Sockaddr(IpAddress.Parse("10.0.0.1"))))
            && writer.TryAddSecurityContext(new SecurityContextExtension(1, 1, "system_u:object_r:ipsec_spd_t:s0"u8))
            && writer.TryAddKmAddress(new KmAddressExtension(new Sockaddr(V6Host1, 500), new Sockaddr(V6Host2, 500)))
            && writer.TryAddFilter(new FilterExtension(IpAddress.Parse("198.51.100.0"), 24, IpAddress.Parse("203.0.113.0"), 25))
            && writer.TryAddEreg(new EregExtension([SaType.Esp, SaType.Ah]))
            && writer.TryAddEprop(32, ExtendedCombinations, Descriptors)
            && writer.TryAddKmCookie(new KmCookieExtension(2, 0xdeadbeef))
            && writer.TryAddAddress(ExtensionType.AddressNattLoc, new AddressExtension(17, 32, new Sockaddr(IpAddress.Parse("203.0.113.9"), 4500)))
            && writer.TryAddAddress(ExtensionType.AddressNattRem, new AddressExtension(17, 128, new Sockaddr(V6Host2, 4500)))
            && writer.TryAddAddress(ExtensionType.AddressInnerSrc, new AddressExtension(6, 24, new Sockaddr(IpAddress.Parse("10.1.0.0"))))
            && writer.TryAddAddress(ExtensionType.AddressInnerDst, new AddressExtension(6, 16, new Sockaddr(IpAddress.Parse("10.2.0.0"), 443)))
            && writer.TryAddPair(new PairExtension(0x87654321))
            && writer.TryAddReplaySequence(new ReplaySequenceExtension(0x1_0000_0002));
    }
}
