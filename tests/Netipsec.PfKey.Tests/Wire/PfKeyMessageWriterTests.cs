using System.Buffers.Binary;
using CsCheck;
using Netipsec.Packets;
using Netipsec.PfKey.Wire;
using static Netipsec.PfKey.Tests.Wire.SampleMessages;

namespace Netipsec.PfKey.Tests.Wire;

public sealed class PfKeyMessageWriterTests
{
    private static PfKeyMessage Parse(byte[] message)
    {
        Assert.True(PfKeyMessage.TryParse(message, PfKeyOrigin.Client, out PfKeyMessage parsed, out PfKeyError error), error.ToString());
        return parsed;
    }

    [Fact]
    public void EveryExtensionTypeRoundTrips()
    {
        byte[] bytes = AllExtensions();
        PfKeyMessage message = Parse(bytes);

        Assert.Equal(AddHeader, message.Header);
        Assert.True(message.TryGetSa(out SaExtension sa));
        Assert.Equal(EspSa, sa);
        Assert.True(message.TryGetLifetime(ExtensionType.LifetimeCurrent, out LifetimeExtension current));
        Assert.Equal(new LifetimeExtension(1, 2, 3, 4), current);
        Assert.True(message.TryGetLifetime(ExtensionType.LifetimeHard, out LifetimeExtension hard));
        Assert.Equal(new LifetimeExtension(10, 20, 30, 40), hard);
        Assert.True(message.TryGetLifetime(ExtensionType.LifetimeSoft, out LifetimeExtension soft));
        Assert.Equal(new LifetimeExtension(5, 15, 25, 35), soft);

        Assert.True(message.TryGetAddress(ExtensionType.AddressSrc, out AddressExtension source));
        Assert.Equal(Source, source);
        Assert.True(message.TryGetAddress(ExtensionType.AddressDst, out AddressExtension destination));
        Assert.Equal(new AddressExtension(255, 32, new Sockaddr(Host2, 4500)), destination);
        Assert.True(message.TryGetAddress(ExtensionType.AddressProxy, out AddressExtension proxy));
        Assert.Equal(new AddressExtension(6, 24, new Sockaddr(Host1, 80)), proxy);
        Assert.True(message.TryGetAddress(ExtensionType.NatTOa, out AddressExtension original));
        Assert.Equal(IpAddress.Parse("10.0.0.1"), original.Sockaddr.Address);
        Assert.True(message.TryGetAddress(ExtensionType.AddressNattLoc, out AddressExtension nattLocal));
        Assert.Equal(new AddressExtension(17, 32, new Sockaddr(IpAddress.Parse("203.0.113.9"), 4500)), nattLocal);
        Assert.True(message.TryGetAddress(ExtensionType.AddressNattRem, out AddressExtension nattRemote));
        Assert.Equal(new AddressExtension(17, 128, new Sockaddr(V6Host2, 4500)), nattRemote);
        Assert.True(message.TryGetAddress(ExtensionType.AddressInnerSrc, out AddressExtension innerSource));
        Assert.Equal(new AddressExtension(6, 24, new Sockaddr(IpAddress.Parse("10.1.0.0"))), innerSource);
        Assert.True(message.TryGetAddress(ExtensionType.AddressInnerDst, out AddressExtension innerDestination));
        Assert.Equal(new AddressExtension(6, 16, new Sockaddr(IpAddress.Parse("10.2.0.0"), 443)), innerDestination);

        Assert.True(message.TryGetKey(ExtensionType.KeyAuth, out KeyExtension authKey));
        Assert.Equal(160, authKey.Bits);
        Assert.Equal(AuthKey, authKey.Key.ToArray());
        Assert.True(message.TryGetKey(ExtensionType.KeyEncrypt, out KeyExtension encryptKey));
        Assert.Equal(124, encryptKey.Bits);
        Assert.Equal(EncryptKey, encryptKey.Key.ToArray());

        Assert.True(message.TryGetIdentity(ExtensionType.IdentitySrc, out IdentityExtension identitySource));
        Assert.Equal((IdentityType.UserFqdn, 0UL, "user@example.com"), (identitySource.Type, identitySource.Id, System.Text.Encoding.ASCII.GetString(identitySource.Text)));
        Assert.True(message.TryGetIdentity(ExtensionType.IdentityDst, out IdentityExtension identityDestination));
        Assert.Equal((IdentityType.Prefix, 99UL, 0), (identityDestination.Type, identityDestination.Id, identityDestination.Text.Length));

        Assert.True(message.TryGetSensitivity(out SensitivityExtension sensitivity));
        Assert.Equal((1u, (byte)2, (byte)3), (sensitivity.Dpd, sensitivity.SensitivityLevel, sensitivity.IntegrityLevel));
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, sensitivity.SensitivityBitmap.ToArray());
        Assert.Equal(16, sensitivity.IntegrityBitmap.Length);
        Assert.Equal(16, sensitivity.IntegrityBitmap[15]);

        Assert.True(message.TryGetProposal(out ProposalExtension proposal));
        Assert.Equal((byte)64, proposal.ReplayWindow);
        Assert.Equal(2, proposal.Count);
        Assert.Equal(SampleCombination, proposal[0]);
        Assert.Equal(SampleCombination with { Auth = AuthAlgorithm.Sha1Hmac }, proposal[1]);

        Assert.True(message.TryGetSupported(ExtensionType.SupportedAuth, out SupportedExtension supportedAuth));
        Assert.Equal(1, supportedAuth.Count);
        Assert.Equal(new SupportedAlgorithm(3, 0, 160, 160), supportedAuth[0]);
        Assert.True(message.TryGetSupported(ExtensionType.SupportedEncrypt, out SupportedExtension supportedEncrypt));
        Assert.Equal(2, supportedEncrypt.Count);
        Assert.Equal(new SupportedAlgorithm(20, 64, 160, 288), supportedEncrypt[1]);

        Assert.True(message.TryGetSpiRange(out SpiRangeExtension range));
        Assert.Equal(new SpiRangeExtension(0x100, 0xffff), range);
        Assert.True(message.TryGetKmPrivate(out KmPrivateExtension kmPrivate));
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, kmPrivate.Data.ToArray());

        Assert.True(message.TryGetPolicy(out PolicyExtension policy));
        Assert.Equal(new PolicyHeader(IpsecPolicyType.Ipsec, IpsecDirection.Outbound, 77, 1000), policy.Header);
        var requests = new List<IpsecRequest>();
        foreach (IpsecRequest request in policy.Requests)
        {
            requests.Add(request);
        }

        Assert.Equal([TransportRequest, TunnelRequest], requests);

        Assert.True(message.TryGetSa2(out Sa2Extension sa2));
        Assert.Equal(new Sa2Extension(IpsecMode.Tunnel, 5, 42), sa2);
        Assert.True(message.TryGetNatTType(out NatTTypeExtension natType));
        Assert.Equal(new NatTTypeExtension(2), natType);
        Assert.True(message.TryGetNatTPort(ExtensionType.NatTSport, out NatTPortExtension sport));
        Assert.Equal(new NatTPortExtension(4500), sport);
        Assert.True(message.TryGetNatTPort(ExtensionType.NatTDport, out NatTPortExtension dport));
        Assert.Equal(new NatTPortExtension(61000), dport);

        Assert.True(message.TryGetSecurityContext(out SecurityContextExtension context));
        Assert.Equal(((byte)1, (byte)1, "system_u:object_r:ipsec_spd_t:s0"), (context.Algorithm, context.Doi, System.Text.Encoding.ASCII.GetString(context.Context)));
        Assert.True(message.TryGetKmAddress(out KmAddressExtension kmAddress));
        Assert.Equal(new KmAddressExtension(new Sockaddr(V6Host1, 500), new Sockaddr(V6Host2, 500)), kmAddress);
        Assert.True(message.TryGetFilter(out FilterExtension filter));
        Assert.Equal(new FilterExtension(IpAddress.Parse("198.51.100.0"), 24, IpAddress.Parse("203.0.113.0"), 25), filter);

        Assert.True(message.TryGetEreg(out EregExtension ereg));
        Assert.Equal((2, SaType.Esp, SaType.Ah), (ereg.Count, ereg[0], ereg[1]));

        Assert.True(message.TryGetEprop(out EpropExtension eprop));
        Assert.Equal(((byte)32, 2), (eprop.ReplayWindow, eprop.Count));
        var combinations = new List<ExtendedCombination>();
        var descriptors = new List<AlgorithmDescriptor>();
        foreach (EpropEntry entry in eprop.Combinations)
        {
            combinations.Add(entry.Combination);
            for (int i = 0; i < entry.Combination.AlgorithmCount; i++)
            {
                descriptors.Add(entry[i]);
            }
        }

        Assert.Equal(ExtendedCombinations, combinations);
        Assert.Equal(Descriptors, descriptors);

        Assert.True(message.TryGetKmCookie(out KmCookieExtension cookie));
        Assert.Equal(new KmCookieExtension(2, 0xdeadbeef), cookie);
        Assert.True(message.TryGetPair(out PairExtension pair));
        Assert.Equal(new PairExtension(0x87654321), pair);
        Assert.True(message.TryGetReplaySequence(out ReplaySequenceExtension sequence));
        Assert.Equal(new ReplaySequenceExtension(0x1_0000_0002), sequence);
    }

    [Fact]
    public void TheEnumeratorListsEveryExtensionInWireOrder()
    {
        byte[] bytes = AllExtensions();
        PfKeyMessage message = Parse(bytes);
        var types = new List<ExtensionType>();
        int total = 16;
        foreach (RawExtension extension in message.Extensions)
        {
            types.Add(extension.Type);
            total += extension.Bytes.Length;
            Assert.Equal(0, extension.Bytes.Length % 8);
        }

        ExtensionType[] all = Enum.GetValues<ExtensionType>().Where(t => t != ExtensionType.Reserved).ToArray();
        Assert.Equal(all.Length, types.Count);
        Assert.Equal(all.Order(), types.Order());
        Assert.Equal(bytes.Length, total);
        foreach (ExtensionType type in all)
        {
            Assert.True(message.Contains(type));
        }
    }

    [Fact]
    public void PaddingIsZeroAndLengthsCountEightByteUnits()
    {
        byte[] bytes = EspAdd();
        Assert.Equal(136, bytes.Length);
        Assert.Equal(17, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        // The authentication key (20 bytes) sits in a 32-byte extension at offset 80: 4 bytes of zero padding.
        Assert.Equal(4, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(80)));
        Assert.Equal(new byte[4], bytes[108..112]);
    }

    [Fact]
    public void AnIdentityStringKeepsItsTerminatingNul()
    {
        var buffer = new byte[64];
        Assert.True(PfKeyMessageWriter.TryCreate(buffer, AddHeader, out PfKeyMessageWriter writer));
        Assert.True(writer.TryAddIdentity(ExtensionType.IdentitySrc, new IdentityExtension(IdentityType.Fqdn, 0, "12345678"u8)));

        // 16 + 8 characters + NUL = 25, padded to 32.
        Assert.Equal(16 + 32, writer.Length);
        Assert.Equal(0, buffer[16 + 24]);
    }

    [Fact]
    public void EveryTooSmallDestinationFailsWithoutWritingPastItsEnd()
    {
        int full = AllExtensions().Length;
        for (int size = 0; size < full; size++)
        {
            var backing = new byte[full + 16];
            backing.AsSpan(size).Fill(0xEE);
            Span<byte> destination = backing.AsSpan(0, size);
            bool complete = PfKeyMessageWriter.TryCreate(destination, AddHeader, out PfKeyMessageWriter writer) && WriteAll(ref writer);

            Assert.False(complete);
            Assert.All(backing[size..], b => Assert.Equal(0xEE, b));
            if (size >= 16)
            {
                // What was written before the failure is still a whole, valid message.
                Assert.True(PfKeyMessage.TryParse(destination[..writer.Length], PfKeyOrigin.Client, out _, out PfKeyError error), $"size {size}: {error}");
            }
        }
    }

    [Fact]
    public void AFailedAddLeavesTheMessageUnchanged()
    {
        var buffer = new byte[40];
        Assert.True(PfKeyMessageWriter.TryCreate(buffer, AddHeader, out PfKeyMessageWriter writer));
        Assert.True(writer.TryAddSa(EspSa));
        byte[] before = buffer.ToArray();

        Assert.False(writer.TryAddAddress(ExtensionType.AddressSrc, Source));

        Assert.Equal(32, writer.Length);
        Assert.Equal(before, buffer);
    }

    [Fact]
    public void AddingATypeTwiceOrToTheWrongMethodThrows()
    {
        var buffer = new byte[256];
        Assert.True(PfKeyMessageWriter.TryCreate(buffer, AddHeader, out PfKeyMessageWriter writer));
        Assert.True(writer.TryAddAddress(ExtensionType.AddressSrc, Source));

        bool duplicate = false;
        try
        {
            writer.TryAddAddress(ExtensionType.AddressSrc, Source);
        }
        catch (InvalidOperationException)
        {
            duplicate = true;
        }

        bool wrongKind = false;
        try
        {
            writer.TryAddAddress(ExtensionType.KeyAuth, Source);
        }
        catch (ArgumentException)
        {
            wrongKind = true;
        }

        Assert.True(duplicate);
        Assert.True(wrongKind);
    }

    [Fact]
    public void InconsistentWriterInputsAreRefused()
    {
        Assert.Throws<ArgumentException>(() => new KeyExtension(129, new byte[16]));
        Assert.Throws<ArgumentException>(() => new IdentityExtension(IdentityType.Fqdn, 0, [(byte)'a', 0, (byte)'b']));
        Assert.Throws<ArgumentException>(() => new SensitivityExtension(0, 0, new byte[7], 0, default));
        Assert.Throws<ArgumentException>(() => new EregExtension([SaType.Esp, SaType.Unspecified]));

        var buffer = new byte[512];
        Assert.Throws<ArgumentException>(() => Add(buffer, (ref PfKeyMessageWriter w) => w.TryAddPolicy(default, [TransportRequest with { TunnelSource = new Sockaddr(Host1) }])));
        Assert.Throws<ArgumentException>(() => Add(buffer, (ref PfKeyMessageWriter w) => w.TryAddPolicy(default, [TunnelRequest with { TunnelSource = new Sockaddr(Host1) }])));
        Assert.Throws<ArgumentException>(() => Add(buffer, (ref PfKeyMessageWriter w) => w.TryAddKmAddress(new KmAddressExtension(new Sockaddr(Host1), new Sockaddr(V6Host1)))));
        Assert.Throws<ArgumentException>(() => Add(buffer, (ref PfKeyMessageWriter w) => w.TryAddFilter(new FilterExtension(Host1, 32, V6Host1, 128))));
        Assert.Throws<ArgumentException>(() => Add(buffer, (ref PfKeyMessageWriter w) => w.TryAddEprop(0, ExtendedCombinations, Descriptors.AsSpan(1))));
        Assert.Throws<ArgumentException>(() => Add(buffer, (ref PfKeyMessageWriter w) => w.TryAddAddress(ExtensionType.AddressSrc, default)));
    }

    [Fact]
    public void AddressesRoundTripForAnyValue()
    {
        Gen<AddressExtension> addresses =
            from v6 in Gen.Bool
            from high in Gen.ULong
            from low in Gen.ULong
            from port in Gen.UShort
            from flow in Gen.UInt
            from scope in Gen.UInt
            from proto in Gen.Byte
            from prefix in Gen.Int[0, 128]
            let address = v6 ? IpAddress.Read(Bytes(high, low)) : IpAddress.FromIpv4((uint)low)
            select new AddressExtension(proto, (byte)Math.Min(prefix, address.BitLength), new Sockaddr(address, port)
            {
                FlowInfo = v6 ? flow : 0,
                ScopeId = v6 ? scope : 0,
            });

        addresses.Sample(value =>
        {
            var buffer = new byte[64];
            Assert.True(PfKeyMessageWriter.TryCreate(buffer, AddHeader, out PfKeyMessageWriter writer));
            Assert.True(writer.TryAddAddress(ExtensionType.AddressInnerDst, value));
            Assert.True(PfKeyMessage.TryParse(writer.Message, PfKeyOrigin.Client, out PfKeyMessage message, out _));
            Assert.True(message.TryGetAddress(ExtensionType.AddressInnerDst, out AddressExtension read));
            Assert.Equal(value, read);
        }, iter: 500);
    }

    [Fact]
    public void SaAndLifetimesRoundTripForAnyValue()
    {
        Gen<(SaExtension, LifetimeExtension)> values =
            from spi in Gen.UInt
            from replay in Gen.Byte
            from state in Gen.Byte
            from auth in Gen.Byte
            from encrypt in Gen.Byte
            from flags in Gen.UInt
            from allocations in Gen.UInt
            from bytes in Gen.ULong
            from add in Gen.ULong
            from use in Gen.ULong
            select (new SaExtension(spi, replay, (SaState)state, (AuthAlgorithm)auth, (EncryptAlgorithm)encrypt, (SaFlags)flags), new LifetimeExtension(allocations, bytes, add, use));

        values.Sample(value =>
        {
            var buffer = new byte[64];
            Assert.True(PfKeyMessageWriter.TryCreate(buffer, AddHeader, out PfKeyMessageWriter writer));
            Assert.True(writer.TryAddSa(value.Item1));
            Assert.True(writer.TryAddLifetime(ExtensionType.LifetimeHard, value.Item2));
            Assert.True(PfKeyMessage.TryParse(writer.Message, PfKeyOrigin.Client, out PfKeyMessage message, out _));
            Assert.True(message.TryGetSa(out SaExtension sa));
            Assert.True(message.TryGetLifetime(ExtensionType.LifetimeHard, out LifetimeExtension lifetime));
            Assert.Equal(value, (sa, lifetime));
        }, iter: 500);
    }

    private static byte[] Bytes(ulong high, ulong low)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, high);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(8), low);
        return bytes;
    }

    private delegate bool WriterAction(ref PfKeyMessageWriter writer);

    private static void Add(byte[] buffer, WriterAction action)
    {
        Assert.True(PfKeyMessageWriter.TryCreate(buffer, AddHeader, out PfKeyMessageWriter writer));
        action(ref writer);
    }
}
