using System.Buffers.Binary;
using Netipsec.Packets;
using Netipsec.PfKey.Wire;
using static Netipsec.PfKey.Tests.Wire.RawMessage;

namespace Netipsec.PfKey.Tests.Wire;

public sealed class PfKeyMessageTests
{
    private const byte Add = 3;
    private const byte Esp = 3;

    /// <summary>SADB_ADD, ESP, AES-CBC 128 + HMAC-SHA1, 192.0.2.1 -> 192.0.2.2, laid out by hand from the C structures.</summary>
    private static byte[] HandBuiltEspAdd()
    {
        byte[] sa = Sa(0x12345678, replay: 32, auth: 3, encrypt: 12);
        sa[9] = 1; // mature
        byte[] source = Ipv4Address(ExtensionType.AddressSrc, 192, 0, 2, 1);
        byte[] destination = Ipv4Address(ExtensionType.AddressDst, 192, 0, 2, 2);
        byte[] authKey = Extension(ExtensionType.KeyAuth, 32);
        BinaryPrimitives.WriteUInt16LittleEndian(authKey.AsSpan(4), 160);
        SampleMessages.AuthKey.CopyTo(authKey, 8);
        byte[] encryptKey = Extension(ExtensionType.KeyEncrypt, 24);
        BinaryPrimitives.WriteUInt16LittleEndian(encryptKey.AsSpan(4), 128);
        SampleMessages.EncryptKey.CopyTo(encryptKey, 8);
        return Build(Add, Esp, sa, source, destination, authKey, encryptKey);
    }

    private static PfKeyError Refused(byte[] message, PfKeyOrigin origin = PfKeyOrigin.Client)
    {
        Assert.False(PfKeyMessage.TryParse(message, origin, out PfKeyMessage parsed, out PfKeyError error));
        Assert.True(parsed.Bytes.IsEmpty);
        return error;
    }

    [Fact]
    public void AHandBuiltEspAddParsesToItsFields()
    {
        byte[] bytes = HandBuiltEspAdd();

        Assert.True(PfKeyMessage.TryParse(bytes, PfKeyOrigin.Client, out PfKeyMessage message, out _));

        Assert.Equal(new PfKeyHeader(MessageType.Add, SaType.Esp, 7, 1234), message.Header);
        Assert.True(message.TryGetSa(out SaExtension sa));
        Assert.Equal(new SaExtension(0x12345678, 32, SaState.Mature, AuthAlgorithm.Sha1Hmac, EncryptAlgorithm.AesCbc, SaFlags.None), sa);
        Assert.True(message.TryGetAddress(ExtensionType.AddressSrc, out AddressExtension source));
        Assert.Equal(new AddressExtension(255, 32, new Sockaddr(IpAddress.Parse("192.0.2.1"))), source);
        Assert.True(message.TryGetAddress(ExtensionType.AddressDst, out AddressExtension destination));
        Assert.Equal(IpAddress.Parse("192.0.2.2"), destination.Sockaddr.Address);
        Assert.True(message.TryGetKey(ExtensionType.KeyAuth, out KeyExtension authKey));
        Assert.Equal(160, authKey.Bits);
        Assert.Equal(SampleMessages.AuthKey, authKey.Key.ToArray());
        Assert.True(message.TryGetKey(ExtensionType.KeyEncrypt, out KeyExtension encryptKey));
        Assert.Equal(128, encryptKey.Bits);
        Assert.Equal(SampleMessages.EncryptKey, encryptKey.Key.ToArray());
        Assert.False(message.Contains(ExtensionType.LifetimeHard));
        Assert.False(message.TryGetLifetime(ExtensionType.LifetimeHard, out _));
    }

    [Fact]
    public void TheWriterProducesTheHandBuiltBytes()
    {
        Assert.Equal(HandBuiltEspAdd(), SampleMessages.EspAdd());
    }

    [Fact]
    public void ABaseHeaderAloneIsAMessage()
    {
        byte[] flush = Build(9, 0);

        Assert.True(PfKeyMessage.TryParse(flush, PfKeyOrigin.Client, out PfKeyMessage message, out _));
        Assert.Equal(MessageType.Flush, message.Header.Type);
        Assert.Equal(16, message.Bytes.Length);
    }

    [Fact]
    public void AskingForTheWrongKindOfExtensionIsAProgrammingError()
    {
        byte[] bytes = HandBuiltEspAdd();
        bool thrown = false;
        Assert.True(PfKeyMessage.TryParse(bytes, PfKeyOrigin.Client, out PfKeyMessage message, out _));
        try
        {
            message.TryGetAddress(ExtensionType.Sa, out _);
        }
        catch (ArgumentException)
        {
            thrown = true;
        }

        Assert.True(thrown);
    }

    public static TheoryData<string, byte[], PfKeyParseError, PfKeyErrno, PfKeyDiagnostic> BadHeaders()
    {
        byte[] badVersion = Build(Add, Esp);
        badVersion[0] = 1;
        byte[] longer = Build(Add, Esp, Extension(ExtensionType.SpiRange, 16));
        BinaryPrimitives.WriteUInt16LittleEndian(longer.AsSpan(4), 5);
        byte[] shorter = Build(Add, Esp, Extension(ExtensionType.SpiRange, 16));
        BinaryPrimitives.WriteUInt16LittleEndian(shorter.AsSpan(4), 2);
        byte[] unaligned = [.. Build(Add, Esp), 0, 0, 0, 0];
        BinaryPrimitives.WriteUInt16LittleEndian(unaligned.AsSpan(4), 2);
        return new()
        {
            { "shorter than a header", new byte[12], PfKeyParseError.TooShort, PfKeyErrno.MessageSize, PfKeyDiagnostic.None },
            { "version 1", badVersion, PfKeyParseError.BadVersion, PfKeyErrno.InvalidArgument, PfKeyDiagnostic.None },
            { "type 0", Build(0, Esp), PfKeyParseError.UnknownMessageType, PfKeyErrno.InvalidArgument, PfKeyDiagnostic.UnknownMsg },
            { "type 25", Build(25, Esp), PfKeyParseError.UnknownMessageType, PfKeyErrno.InvalidArgument, PfKeyDiagnostic.UnknownMsg },
            { "type 35", Build(35, Esp), PfKeyParseError.UnknownMessageType, PfKeyErrno.InvalidArgument, PfKeyDiagnostic.UnknownMsg },
            { "len larger than the buffer", longer, PfKeyParseError.LengthMismatch, PfKeyErrno.MessageSize, PfKeyDiagnostic.None },
            { "len smaller than the buffer", shorter, PfKeyParseError.LengthMismatch, PfKeyErrno.MessageSize, PfKeyDiagnostic.None },
            { "buffer not a multiple of 8", unaligned, PfKeyParseError.LengthMismatch, PfKeyErrno.MessageSize, PfKeyDiagnostic.None },
            { "SA type 4", Build(Add, 4), PfKeyParseError.UnknownSaType, PfKeyErrno.InvalidArgument, PfKeyDiagnostic.UnknownSaType },
            { "reserved set by a client", BuildWith(Add, Esp, 0, 3), PfKeyParseError.ReservedNotZero, PfKeyErrno.InvalidArgument, PfKeyDiagnostic.None },
            { "errno set by a client on ADD", BuildWith(Add, Esp, 22, 0), PfKeyParseError.UnexpectedErrno, PfKeyErrno.InvalidArgument, PfKeyDiagnostic.None },
            {
                "a failure ACQUIRE with extensions", BuildWith(6, Esp, 22, 0, Extension(ExtensionType.SpiRange, 16)),
                PfKeyParseError.ErrorWithExtensions, PfKeyErrno.InvalidArgument, PfKeyDiagnostic.None
            },
        };
    }

    [Theory]
    [MemberData(nameof(BadHeaders))]
    public void BadBaseHeadersAreRefusedWithTheirErrnoAndDiagnostic(string description, byte[] message, PfKeyParseError reason, PfKeyErrno errno, PfKeyDiagnostic diagnostic)
    {
        PfKeyError error = Refused(message);

        Assert.True(reason == error.Reason, description);
        Assert.Equal(new PfKeyError(reason, ExtensionType.Reserved, errno, diagnostic), error);
    }

    [Fact]
    public void AKeyManagerMayReportAFailedAcquireWithTheBaseHeaderAlone()
    {
        Assert.True(PfKeyMessage.TryParse(BuildWith(6, Esp, 3, 0), PfKeyOrigin.Client, out PfKeyMessage message, out _));
        Assert.Equal(PfKeyErrno.NoSuchEntity, message.Header.Errno);
    }

    [Fact]
    public void RepliesCarryErrnoAndAKnownDiagnostic()
    {
        Assert.True(PfKeyMessage.TryParse(BuildWith(Add, Esp, 22, 79), PfKeyOrigin.Service, out PfKeyMessage reply, out _));
        Assert.Equal((PfKeyErrno.InvalidArgument, PfKeyDiagnostic.SaExpired), (reply.Header.Errno, reply.Header.Diagnostic));

        Assert.Equal(PfKeyParseError.UnknownDiagnostic, Refused(BuildWith(Add, Esp, 22, 80), PfKeyOrigin.Service).Reason);
        Assert.Equal(PfKeyParseError.ErrorWithExtensions, Refused(BuildWith(Add, Esp, 22, 3, Extension(ExtensionType.SpiRange, 16)), PfKeyOrigin.Service).Reason);
    }

    public static TheoryData<string, byte[], PfKeyParseError, ExtensionType, PfKeyDiagnostic> BadExtensions()
    {
        byte[] sa = Sa(1, 0, 3, 12);
        byte[] ipv6InIpv4Room = Ipv4Address(ExtensionType.AddressSrc, 0, 0, 0, 0, family: 10);
        return new()
        {
            { "ext len 0", Build(Add, Esp, ExtensionClaiming(1, 16, 0)), PfKeyParseError.BadExtensionLength, ExtensionType.Sa, PfKeyDiagnostic.BadExtLen },
            { "ext running past the end", Build(Add, Esp, ExtensionClaiming(1, 16, 3)), PfKeyParseError.BadExtensionLength, ExtensionType.Sa, PfKeyDiagnostic.BadExtLen },
            { "unknown type 27", Build(Add, Esp, Extension(27, 8)), PfKeyParseError.UnknownExtension, (ExtensionType)27, PfKeyDiagnostic.UnknownExt },
            { "reserved type 0", Build(Add, Esp, Extension((ushort)0, 8)), PfKeyParseError.UnknownExtension, ExtensionType.Reserved, PfKeyDiagnostic.UnknownExt },
            { "unknown type 41", Build(Add, Esp, Extension(41, 8)), PfKeyParseError.UnknownExtension, (ExtensionType)41, PfKeyDiagnostic.UnknownExt },
            { "duplicate SA", Build(Add, Esp, sa, sa), PfKeyParseError.DuplicateExtension, ExtensionType.Sa, PfKeyDiagnostic.DuplicateSa },
            {
                "duplicate source", Build(Add, Esp, Ipv4Address(ExtensionType.AddressSrc, 1, 2, 3, 4), Ipv4Address(ExtensionType.AddressSrc, 1, 2, 3, 5)),
                PfKeyParseError.DuplicateExtension, ExtensionType.AddressSrc, PfKeyDiagnostic.DuplicateSrc
            },
            {
                "duplicate auth key", Build(Add, Esp, Key(ExtensionType.KeyAuth, 64, 16), Key(ExtensionType.KeyAuth, 64, 16)),
                PfKeyParseError.DuplicateExtension, ExtensionType.KeyAuth, PfKeyDiagnostic.DuplicateAKey
            },
            {
                "duplicate lifetime", Build(Add, Esp, Extension(ExtensionType.LifetimeHard, 32), Extension(ExtensionType.LifetimeHard, 32)),
                PfKeyParseError.DuplicateExtension, ExtensionType.LifetimeHard, PfKeyDiagnostic.None
            },
            { "SA of 8 bytes", Build(Add, Esp, Extension(ExtensionType.Sa, 8)), PfKeyParseError.MalformedExtension, ExtensionType.Sa, PfKeyDiagnostic.MalformedSa },
            { "SPI range of 8 bytes", Build(Add, Esp, Extension(ExtensionType.SpiRange, 8)), PfKeyParseError.MalformedExtension, ExtensionType.SpiRange, PfKeyDiagnostic.MalformedRange },
            { "lifetime of 24 bytes", Build(Add, Esp, Extension(ExtensionType.LifetimeSoft, 24)), PfKeyParseError.MalformedExtension, ExtensionType.LifetimeSoft, PfKeyDiagnostic.BadExtLen },
            { "filter of 32 bytes", Build(Add, Esp, Extension(ExtensionType.Filter, 32)), PfKeyParseError.MalformedExtension, ExtensionType.Filter, PfKeyDiagnostic.BadExtLen },
            { "KM cookie of 8 bytes", Build(Add, Esp, Extension(ExtensionType.KmCookie, 8)), PfKeyParseError.MalformedExtension, ExtensionType.KmCookie, PfKeyDiagnostic.BadExtLen },
            { "address with no sockaddr", Build(Add, Esp, Extension(ExtensionType.AddressDst, 8)), PfKeyParseError.BadSockaddrLength, ExtensionType.AddressDst, PfKeyDiagnostic.MalformedDst },
            { "sockaddr_in6 in 16 bytes", Build(Add, Esp, ipv6InIpv4Room), PfKeyParseError.BadSockaddrLength, ExtensionType.AddressSrc, PfKeyDiagnostic.MalformedSrc },
            { "source family 7", Build(Add, Esp, Ipv4Address(ExtensionType.AddressSrc, 1, 2, 3, 4, family: 7)), PfKeyParseError.BadAddressFamily, ExtensionType.AddressSrc, PfKeyDiagnostic.BadSrcAf },
            { "destination family 0", Build(Add, Esp, Ipv4Address(ExtensionType.AddressDst, 1, 2, 3, 4, family: 0)), PfKeyParseError.BadAddressFamily, ExtensionType.AddressDst, PfKeyDiagnostic.BadDstAf },
            { "BSD AF_INET6 (28)", Build(Add, Esp, Ipv4Address(ExtensionType.AddressProxy, 1, 2, 3, 4, family: 28)), PfKeyParseError.BadAddressFamily, ExtensionType.AddressProxy, PfKeyDiagnostic.BadProxyAf },
            { "inner source family", Build(Add, Esp, Ipv4Address(ExtensionType.AddressInnerSrc, 1, 2, 3, 4, family: 1)), PfKeyParseError.BadAddressFamily, ExtensionType.AddressInnerSrc, PfKeyDiagnostic.BadInnerSrcAf },
            { "inner destination family", Build(Add, Esp, Ipv4Address(ExtensionType.AddressInnerDst, 1, 2, 3, 4, family: 1)), PfKeyParseError.BadAddressFamily, ExtensionType.AddressInnerDst, PfKeyDiagnostic.BadInnerDstAf },
            { "NAT-T local family", Build(Add, Esp, Ipv4Address(ExtensionType.AddressNattLoc, 1, 2, 3, 4, family: 1)), PfKeyParseError.BadAddressFamily, ExtensionType.AddressNattLoc, PfKeyDiagnostic.BadNattLocAf },
            { "NAT-T remote family", Build(Add, Esp, Ipv4Address(ExtensionType.AddressNattRem, 1, 2, 3, 4, family: 1)), PfKeyParseError.BadAddressFamily, ExtensionType.AddressNattRem, PfKeyDiagnostic.BadNattRemAf },
            { "NAT-T OA family", Build(Add, Esp, Ipv4Address(ExtensionType.NatTOa, 1, 2, 3, 4, family: 1)), PfKeyParseError.BadAddressFamily, ExtensionType.NatTOa, PfKeyDiagnostic.BadExtLen },
            { "prefix 33 on IPv4 source", Build(Add, Esp, Ipv4Address(ExtensionType.AddressSrc, 1, 2, 3, 4, prefix: 33)), PfKeyParseError.BadPrefixLength, ExtensionType.AddressSrc, PfKeyDiagnostic.MalformedSrc },
            { "prefix 33 on IPv4 inner source", Build(Add, Esp, Ipv4Address(ExtensionType.AddressInnerSrc, 1, 2, 3, 4, prefix: 33)), PfKeyParseError.BadPrefixLength, ExtensionType.AddressInnerSrc, PfKeyDiagnostic.PrefixInnerSrc },
            { "prefix 40 on IPv4 inner destination", Build(Add, Esp, Ipv4Address(ExtensionType.AddressInnerDst, 1, 2, 3, 4, prefix: 40)), PfKeyParseError.BadPrefixLength, ExtensionType.AddressInnerDst, PfKeyDiagnostic.PrefixInnerDst },
            { "auth key bits beyond its bytes", Build(Add, Esp, Key(ExtensionType.KeyAuth, 200, 32)), PfKeyParseError.KeyBitsTooLong, ExtensionType.KeyAuth, PfKeyDiagnostic.MalformedAKey },
            { "encryption key bits beyond its bytes", Build(Add, Esp, Key(ExtensionType.KeyEncrypt, 65, 16)), PfKeyParseError.KeyBitsTooLong, ExtensionType.KeyEncrypt, PfKeyDiagnostic.MalformedEKey },
        };
    }

    [Theory]
    [MemberData(nameof(BadExtensions))]
    public void BadExtensionsAreRefusedWithTheirErrnoAndDiagnostic(string description, byte[] message, PfKeyParseError reason, ExtensionType extension, PfKeyDiagnostic diagnostic)
    {
        PfKeyError error = Refused(message);

        Assert.True(reason == error.Reason, $"{description}: {error}");
        Assert.Equal(new PfKeyError(reason, extension, PfKeyErrno.InvalidArgument, diagnostic), error);
    }

    [Fact]
    public void AKeyFillingItsExtensionExactlyIsAccepted()
    {
        // 192 bits in 24 key bytes: the boundary just below KeyBitsTooLong.
        Assert.True(PfKeyMessage.TryParse(Build(Add, Esp, Key(ExtensionType.KeyAuth, 192, 32)), PfKeyOrigin.Client, out PfKeyMessage message, out _));
        Assert.True(message.TryGetKey(ExtensionType.KeyAuth, out KeyExtension key));
        Assert.Equal(24, key.Key.Length);
    }

    public static TheoryData<string, byte[]> BadIpsecRequests()
    {
        byte[] v4Pair = [.. SockaddrIpv4(192, 0, 2, 1), .. SockaddrIpv4(192, 0, 2, 2)];
        return new()
        {
            { "len below the structure", Policy(IpsecRequest(8, 50, 1, 2, 0)) },
            { "len past the policy", Policy(IpsecRequest(24, 50, 1, 2, 0)) },
            { "len 0", Policy(IpsecRequest(0, 50, 1, 2, 0)) },
            { "tunnel mode without addresses", Policy(IpsecRequest(16, 50, 2, 2, 0)) },
            { "tunnel addresses of two families", Policy(IpsecRequest(60, 50, 2, 2, 0, SockaddrIpv4(192, 0, 2, 1), SockaddrIpv6(2))) },
            { "tunnel address of a bad family", Policy(IpsecRequest(48, 50, 2, 2, 0, SockaddrIpv4(192, 0, 2, 1, family: 3), SockaddrIpv4(192, 0, 2, 2))) },
            { "len cutting the second address", Policy(IpsecRequest(40, 50, 2, 2, 0, v4Pair)) },
            { "protocol above 255", Policy(IpsecRequest(16, 300, 1, 2, 0)) },
            { "trailing bytes after the last request", Policy(IpsecRequest(16, 50, 1, 2, 0), new byte[8]) },
        };
    }

    [Theory]
    [MemberData(nameof(BadIpsecRequests))]
    public void InconsistentIpsecRequestsAreRefused(string description, byte[] policy)
    {
        PfKeyError error = Refused(Build(14, 0, policy));

        Assert.True(error.Reason == PfKeyParseError.BadIpsecRequest, $"{description}: {error}");
        Assert.Equal(new PfKeyError(PfKeyParseError.BadIpsecRequest, ExtensionType.Policy, PfKeyErrno.InvalidArgument, PfKeyDiagnostic.BadExtLen), error);
    }

    [Fact]
    public void ATunnelRequestCarriesBothAddresses()
    {
        byte[] policy = Policy(IpsecRequest(48, 50, 2, 3, 9, SockaddrIpv4(192, 0, 2, 1), SockaddrIpv4(192, 0, 2, 2)), IpsecRequest(72, 51, 2, 1, 0, SockaddrIpv6(1), SockaddrIpv6(2)));

        Assert.True(PfKeyMessage.TryParse(Build(14, 0, policy), PfKeyOrigin.Client, out PfKeyMessage message, out _));
        Assert.True(message.TryGetPolicy(out PolicyExtension parsed));
        var requests = new List<IpsecRequest>();
        foreach (IpsecRequest request in parsed.Requests)
        {
            requests.Add(request);
        }

        Assert.Equal(
            [
                new IpsecRequest(IpProtocol.Esp, IpsecMode.Tunnel, IpsecLevel.Unique, 9) { TunnelSource = new Sockaddr(IpAddress.Parse("192.0.2.1")), TunnelDestination = new Sockaddr(IpAddress.Parse("192.0.2.2")) },
                new IpsecRequest(IpProtocol.Ah, IpsecMode.Tunnel, IpsecLevel.Use, 0) { TunnelSource = new Sockaddr(IpAddress.Parse("2001:db8::1")), TunnelDestination = new Sockaddr(IpAddress.Parse("2001:db8::2")) },
            ],
            requests);
    }

    public static TheoryData<string, byte[]> MalformedBodies()
    {
        byte[] sensitivity = Extension(ExtensionType.Sensitivity, 24);
        sensitivity[9] = 1;
        sensitivity[11] = 1; // two words of bitmap in room for one
        byte[] proposal = Extension(ExtensionType.Proposal, 8 + 72 + 8);
        byte[] context = Extension(ExtensionType.SecCtx, 16);
        BinaryPrimitives.WriteUInt16LittleEndian(context.AsSpan(6), 9);
        byte[] eprop = Extension(ExtensionType.Eprop, 8 + 64 + 8);
        eprop[6] = 1;
        eprop[8] = 2; // two descriptors, room for one
        byte[] epropLeftover = Extension(ExtensionType.Eprop, 8 + 64 + 8);
        epropLeftover[6] = 1; // one combination without descriptors, then 8 stray bytes
        byte[] kmAddress = Extension(ExtensionType.KmAddress, 8 + 16 + 28 + 4);
        SockaddrIpv4(192, 0, 2, 1).CopyTo(kmAddress, 8);
        SockaddrIpv6(2).CopyTo(kmAddress, 24);
        byte[] filter = Extension(ExtensionType.Filter, 40);
        BinaryPrimitives.WriteUInt16LittleEndian(filter.AsSpan(36), 2);
        filter[38] = 33;
        return new()
        {
            { "sensitivity bitmaps past the end", Build(Add, Esp, sensitivity) },
            { "proposal with a partial combination", Build(Add, Esp, proposal) },
            { "security context past the end", Build(Add, Esp, context) },
            { "extended proposal descriptors past the end", Build(Add, Esp, eprop) },
            { "extended proposal with stray bytes", Build(Add, Esp, epropLeftover) },
            { "key-manager addresses of two families", Build(24, Esp, kmAddress) },
            { "filter prefix 33 for IPv4", Build(10, Esp, filter) },
        };
    }

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public void InconsistentInnerLengthsAreRefused(string description, byte[] message)
    {
        PfKeyError error = Refused(message);

        Assert.True(error.Diagnostic == PfKeyDiagnostic.BadExtLen, $"{description}: {error}");
        Assert.Equal(PfKeyErrno.InvalidArgument, error.Errno);
    }
}
