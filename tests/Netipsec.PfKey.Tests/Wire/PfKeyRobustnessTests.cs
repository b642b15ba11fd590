using System.Buffers.Binary;
using Netipsec.PfKey.Wire;

namespace Netipsec.PfKey.Tests.Wire;

/// <summary>Mutated and truncated messages: parsing ends in a status, never an exception, and what parses reads back whole.</summary>
public sealed class PfKeyRobustnessTests
{
    [Fact]
    public void MutatedMessagesNeverThrowAndParsedOnesAreFullyReadable()
    {
        byte[][] seeds = [SampleMessages.EspAdd(), SampleMessages.AllExtensions()];
        var random = new Random(20260515);
        int parsed = 0;
        for (int i = 0; i < 20_000; i++)
        {
            byte[] message = Mutate(seeds[i % seeds.Length], random);
            foreach (PfKeyOrigin origin in new[] { PfKeyOrigin.Client, PfKeyOrigin.Service })
            {
                if (PfKeyMessage.TryParse(message, origin, out PfKeyMessage result, out PfKeyError error))
                {
                    parsed++;
                    Assert.Equal(0, ReadEverything(result));
                }
                else
                {
                    Assert.NotEqual(PfKeyParseError.None, error.Reason);
                    Assert.NotEqual(PfKeyErrno.None, error.Errno);
                }
            }
        }

        // Many mutations keep the header consistent, so both outcomes are exercised.
        Assert.InRange(parsed, 1_000, 39_000);
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        byte[] message = seed.ToArray();
        switch (random.Next(5))
        {
            case 0:
                message[random.Next(message.Length)] ^= (byte)(1 << random.Next(8));
                break;
            case 1:
                // A random 16-bit value where an extension length or type might sit.
                int at = random.Next(message.Length / 4) * 4;
                BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(at + (random.Next(2) * 2)), (ushort)random.Next(0x10000));
                break;
            case 2:
                message = message[..random.Next(message.Length)];
                break;
            case 3:
                for (int j = random.Next(1, 8); j > 0; j--)
                {
                    message[random.Next(message.Length)] = (byte)random.Next(256);
                }

                break;
            default:
                // Drop a multiple of 8 bytes from the end and keep sadb_msg_len honest, so the extension walk runs.
                message = message[..Math.Max(16, message.Length - (random.Next(1, 8) * 8))];
                break;
        }

        if (message.Length >= 16 && random.Next(2) == 0)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(4), (ushort)(message.Length / 8));
        }

        return message;
    }

    /// <summary>Calls every accessor of every present extension; returns how many of them failed (must be none).</summary>
    private static int ReadEverything(PfKeyMessage message)
    {
        int failures = 0;
        foreach (RawExtension extension in message.Extensions)
        {
            bool ok = ExtensionLayout.KindOf(extension.Type) switch
            {
                ExtensionKind.Sa => message.TryGetSa(out _),
                ExtensionKind.Lifetime => message.TryGetLifetime(extension.Type, out _),
                ExtensionKind.Address => message.TryGetAddress(extension.Type, out _),
                ExtensionKind.Key => message.TryGetKey(extension.Type, out KeyExtension key) && key.Key.Length == (key.Bits + 7) / 8,
                ExtensionKind.Identity => message.TryGetIdentity(extension.Type, out _),
                ExtensionKind.Sensitivity => message.TryGetSensitivity(out _),
                ExtensionKind.Proposal => message.TryGetProposal(out ProposalExtension proposal) && ReadAll(proposal),
                ExtensionKind.Supported => message.TryGetSupported(extension.Type, out SupportedExtension supported) && ReadAll(supported),
                ExtensionKind.SpiRange => message.TryGetSpiRange(out _),
                ExtensionKind.KmPrivate => message.TryGetKmPrivate(out _),
                ExtensionKind.Policy => message.TryGetPolicy(out PolicyExtension policy) && ReadAll(policy),
                ExtensionKind.Sa2 => message.TryGetSa2(out _),
                ExtensionKind.NatTType => message.TryGetNatTType(out _),
                ExtensionKind.NatTPort => message.TryGetNatTPort(extension.Type, out _),
                ExtensionKind.SecurityContext => message.TryGetSecurityContext(out _),
                ExtensionKind.KmAddress => message.TryGetKmAddress(out _),
                ExtensionKind.Filter => message.TryGetFilter(out _),
                ExtensionKind.Ereg => message.TryGetEreg(out EregExtension ereg) && ereg.Count <= extension.Bytes.Length,
                ExtensionKind.Eprop => message.TryGetEprop(out EpropExtension eprop) && ReadAll(eprop),
                ExtensionKind.KmCookie => message.TryGetKmCookie(out _),
                ExtensionKind.Pair => message.TryGetPair(out _),
                ExtensionKind.ReplaySequence => message.TryGetReplaySequence(out _),
                _ => false,
            };
            failures += ok ? 0 : 1;
        }

        return failures;
    }

    private static bool ReadAll(ProposalExtension proposal)
    {
        for (int i = 0; i < proposal.Count; i++)
        {
            _ = proposal[i];
        }

        return true;
    }

    private static bool ReadAll(SupportedExtension supported)
    {
        for (int i = 0; i < supported.Count; i++)
        {
            _ = supported[i];
        }

        return true;
    }

    private static bool ReadAll(PolicyExtension policy)
    {
        foreach (IpsecRequest request in policy.Requests)
        {
            _ = request.TunnelSource;
        }

        return true;
    }

    private static bool ReadAll(EpropExtension eprop)
    {
        int count = 0;
        foreach (EpropEntry entry in eprop.Combinations)
        {
            for (int i = 0; i < entry.Combination.AlgorithmCount; i++)
            {
                _ = entry[i];
            }

            count++;
        }

        return count == eprop.Count;
    }
}
