using Netipsec.Packets;
using Netipsec.PfKey.Wire;

namespace Netipsec.Fuzz;

/// <summary>
/// The PF_KEY v2 parser on arbitrary bytes, as a client's and as the service's message. A message that parses has
/// its structured extensions walked, and its SA, addresses and keys written again and re-parsed: a difference is
/// a bug, reported as a crash.
/// </summary>
internal sealed class PfKeyFuzzTarget : IFuzzTarget
{
    private readonly byte[] _rewritten = new byte[PfKeyConstants.MaxMessageLength];

    public void Run(ReadOnlySpan<byte> input)
    {
        _ = PfKeyMessage.TryParse(input, PfKeyOrigin.Service, out _, out _);
        if (PfKeyMessage.TryParse(input, PfKeyOrigin.Client, out PfKeyMessage message, out _))
        {
            Walk(message);
            Rewrite(message);
        }
    }

    public IEnumerable<byte[]> Seeds()
    {
        var one = new Sockaddr(IpAddress.Parse("192.0.2.1"));
        var two = new Sockaddr(IpAddress.Parse("192.0.2.2"));

        // SADB_ADD: ESP, AES-CBC 128 + HMAC-SHA1, 192.0.2.1 -> 192.0.2.2, with a hard lifetime and a pair.
        yield return Build(new PfKeyHeader(MessageType.Add, SaType.Esp, 1, 100), (ref PfKeyMessageWriter w) =>
            w.TryAddSa(new SaExtension(0x12345678, 32, SaState.Mature, AuthAlgorithm.Sha1Hmac, EncryptAlgorithm.AesCbc, SaFlags.None))
            && w.TryAddLifetime(ExtensionType.LifetimeHard, new LifetimeExtension(0, 0, 3600, 0))
            && w.TryAddAddress(ExtensionType.AddressSrc, new AddressExtension(IpsecConstants.UlProtoAny, 32, one))
            && w.TryAddAddress(ExtensionType.AddressDst, new AddressExtension(IpsecConstants.UlProtoAny, 32, two))
            && w.TryAddKey(ExtensionType.KeyAuth, new KeyExtension(new byte[20]))
            && w.TryAddKey(ExtensionType.KeyEncrypt, new KeyExtension(new byte[16]))
            && w.TryAddPair(new PairExtension(0x87654321)));

        // SADB_X_SPDADD with a tunnel-mode ESP request between 192.0.2.1 and 192.0.2.2.
        yield return Build(new PfKeyHeader(MessageType.SpdAdd, SaType.Unspecified, 2, 100), (ref PfKeyMessageWriter w) =>
            w.TryAddAddress(ExtensionType.AddressSrc, new AddressExtension(IpsecConstants.UlProtoAny, 24, new Sockaddr(IpAddress.Parse("10.1.0.0"))))
            && w.TryAddAddress(ExtensionType.AddressDst, new AddressExtension(IpsecConstants.UlProtoAny, 24, new Sockaddr(IpAddress.Parse("10.2.0.0"))))
            && w.TryAddPolicy(
                new PolicyHeader(IpsecPolicyType.Ipsec, IpsecDirection.Outbound, 0, 0),
                [new IpsecRequest(IpProtocol.Esp, IpsecMode.Tunnel, IpsecLevel.Require, 0) { TunnelSource = one, TunnelDestination = two }]));

        // An extended ACQUIRE answer: addresses and an extended proposal.
        yield return Build(new PfKeyHeader(MessageType.InverseAcquire, SaType.Unspecified, 3, 0), (ref PfKeyMessageWriter w) =>
            w.TryAddAddress(ExtensionType.AddressSrc, new AddressExtension(0, 32, one))
            && w.TryAddAddress(ExtensionType.AddressDst, new AddressExtension(0, 32, two))
            && w.TryAddEprop(
                32,
                [new ExtendedCombination { AlgorithmCount = 2, HardAddTime = 3600 }],
                [new AlgorithmDescriptor(SaType.Esp, AlgorithmKind.Crypt, (byte)EncryptAlgorithm.AesCbc, 128, 256), new AlgorithmDescriptor(SaType.Esp, AlgorithmKind.Auth, (byte)AuthAlgorithm.Sha256Hmac, 256, 256)]));

        // SADB_REGISTER with supported algorithms.
        yield return Build(new PfKeyHeader(MessageType.Register, SaType.Esp, 4, 100), (ref PfKeyMessageWriter w) =>
            w.TryAddSupported(ExtensionType.SupportedEncrypt, [new SupportedAlgorithm((byte)EncryptAlgorithm.AesCbc, 128, 128, 256)]));
    }

    private delegate bool Fill(ref PfKeyMessageWriter writer);

    private static byte[] Build(PfKeyHeader header, Fill fill)
    {
        var buffer = new byte[1024];
        if (!PfKeyMessageWriter.TryCreate(buffer, header, out PfKeyMessageWriter writer) || !fill(ref writer))
        {
            throw new InvalidOperationException("A seed did not fit its buffer.");
        }

        return writer.Message.ToArray();
    }

    private static void Walk(PfKeyMessage message)
    {
        foreach (RawExtension extension in message.Extensions)
        {
            _ = extension.Bytes.Length;
        }

        if (message.TryGetPolicy(out PolicyExtension policy))
        {
            foreach (IpsecRequest request in policy.Requests)
            {
                _ = request.TunnelDestination;
            }
        }

        if (message.TryGetEprop(out EpropExtension eprop))
        {
            foreach (EpropEntry entry in eprop.Combinations)
            {
                for (int i = 0; i < entry.Combination.AlgorithmCount; i++)
                {
                    _ = entry[i];
                }
            }
        }
    }

    private void Rewrite(PfKeyMessage message)
    {
        if (!PfKeyMessageWriter.TryCreate(_rewritten, message.Header, out PfKeyMessageWriter writer))
        {
            throw new InvalidOperationException("A base header must fit a maximum-size buffer.");
        }

        bool hasSa = message.TryGetSa(out SaExtension sa);
        bool hasSource = message.TryGetAddress(ExtensionType.AddressSrc, out AddressExtension source);
        bool hasKey = message.TryGetKey(ExtensionType.KeyEncrypt, out KeyExtension key);
        bool written = (!hasSa || writer.TryAddSa(sa))
            && (!hasSource || writer.TryAddAddress(ExtensionType.AddressSrc, source))
            && (!hasKey || writer.TryAddKey(ExtensionType.KeyEncrypt, key));
        if (!written || !PfKeyMessage.TryParse(writer.Message, PfKeyOrigin.Client, out PfKeyMessage again, out _))
        {
            throw new InvalidOperationException("A parsed message's extensions did not write back.");
        }

        if ((hasSa && (!again.TryGetSa(out SaExtension saAgain) || saAgain != sa))
            || (hasSource && (!again.TryGetAddress(ExtensionType.AddressSrc, out AddressExtension sourceAgain) || sourceAgain != source))
            || (hasKey && (!again.TryGetKey(ExtensionType.KeyEncrypt, out KeyExtension keyAgain) || keyAgain.Bits != key.Bits || !keyAgain.Key.SequenceEqual(key.Key))))
        {
            throw new InvalidOperationException("An extension read back differently from what was written.");
        }
    }
}
