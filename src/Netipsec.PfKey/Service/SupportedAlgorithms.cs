using Netipsec.Crypto;
using Netipsec.PfKey.Wire;
using Netipsec.Policies;
using Netipsec.States;

namespace Netipsec.PfKey.Service;

/// <summary>
/// The algorithms the crypto engines support, as a REGISTER reply lists them (RFC 2367 §3.1.7) and as an ACQUIRE
/// proposes them (RFC 2367 §2.3.4, §3.1.6).
/// </summary>
/// <remarks>Thread-safe: immutable after construction.</remarks>
internal sealed class SupportedAlgorithms
{
    /// <summary>The replay window a proposal asks for (af_key.c proposes 32 packets).</summary>
    public const byte ProposalReplayWindow = 32;

    // af_key.c's sadb_comb defaults: hard/soft lifetimes of a proposed SA, in seconds.
    public const ulong HardAddSeconds = 24 * 60 * 60;
    public const ulong SoftAddSeconds = 20 * 60 * 60;
    public const ulong HardUseSeconds = 8 * 60 * 60;
    public const ulong SoftUseSeconds = 7 * 60 * 60;

    private readonly AlgorithmInfo[] _proposableIntegrity;
    private readonly AlgorithmInfo[] _ahIntegrity;
    private readonly AlgorithmInfo[] _encryption;

    public SupportedAlgorithms(IReadOnlyList<ICryptoEngine> engines)
    {
        Authentication = ToWire(AlgorithmTable.GetRegisterEntries(PfKeyAlgorithmSpace.Authentication, engines));
        Encryption = ToWire(AlgorithmTable.GetRegisterEntries(PfKeyAlgorithmSpace.Encryption, engines));
        _encryption = Lookup(PfKeyAlgorithmSpace.Encryption, Encryption);

        // A proposal asks for protection: null integrity offers none, and AES-GMAC in the authentication space is
        // AH's only (RFC 4543 §3); ESP's GMAC is the combined-mode encryption algorithm.
        AlgorithmInfo[] integrity = Lookup(PfKeyAlgorithmSpace.Authentication, Authentication);
        _proposableIntegrity = Array.FindAll(integrity, static a => a.Primitive is not (CryptoPrimitive.NullIntegrity or CryptoPrimitive.AesGmac));
        _ahIntegrity = Array.FindAll(integrity, static a => a.Primitive != CryptoPrimitive.NullIntegrity);
    }

    /// <summary>SUPPORTED_AUTH entries, in id order.</summary>
    public SupportedAlgorithm[] Authentication { get; }

    /// <summary>SUPPORTED_ENCRYPT entries, in id order.</summary>
    public SupportedAlgorithm[] Encryption { get; }

    /// <summary>The most combinations <see cref="Propose"/> can write for <paramref name="protocol"/>.</summary>
    public int MaxCombinations(IpsecProtocol protocol) => protocol switch
    {
        IpsecProtocol.Esp => _encryption.Length * Math.Max(1, _proposableIntegrity.Length),
        IpsecProtocol.Ah => _ahIntegrity.Length,
        _ => 0,
    };

    /// <summary>
    /// Writes the combinations <paramref name="template"/> allows, most preferred (the table's order) first: for ESP
    /// every combined-mode algorithm alone and every cipher with every integrity algorithm; for AH every integrity
    /// algorithm. IPComp has no proposal (af_key.c sends none).
    /// </summary>
    /// <returns>How many were written; <paramref name="destination"/> holds <see cref="MaxCombinations"/>.</returns>
    public int Propose(PolicyTemplate template, Span<Combination> destination)
    {
        int count = 0;
        if (template.Protocol == IpsecProtocol.Ah)
        {
            foreach (AlgorithmInfo integrity in _ahIntegrity)
            {
                if (PolicyTemplate.IsAllowed(template.AllowedAuthAlgorithms, integrity.PfKeyId))
                {
                    destination[count++] = Combine(integrity, null);
                }
            }
        }
        else if (template.Protocol == IpsecProtocol.Esp)
        {
            foreach (AlgorithmInfo encryption in _encryption)
            {
                if (!PolicyTemplate.IsAllowed(template.AllowedEncryptAlgorithms, encryption.PfKeyId))
                {
                    continue;
                }

                if (encryption.Kind == Crypto.AlgorithmKind.Aead)
                {
                    destination[count++] = Combine(null, encryption);
                    continue;
                }

                foreach (AlgorithmInfo integrity in _proposableIntegrity)
                {
                    if (PolicyTemplate.IsAllowed(template.AllowedAuthAlgorithms, integrity.PfKeyId))
                    {
                        destination[count++] = Combine(integrity, encryption);
                    }
                }
            }
        }

        return count;
    }

    private static Combination Combine(AlgorithmInfo? integrity, AlgorithmInfo? encryption) => new()
    {
        Auth = (AuthAlgorithm)(integrity?.PfKeyId ?? 0),
        Encrypt = (EncryptAlgorithm)(encryption?.PfKeyId ?? 0),
        AuthMinBits = integrity?.Register.MinBits ?? 0,
        AuthMaxBits = integrity?.Register.MaxBits ?? 0,
        EncryptMinBits = encryption?.Register.MinBits ?? 0,
        EncryptMaxBits = encryption?.Register.MaxBits ?? 0,
        SoftAddTime = SoftAddSeconds,
        HardAddTime = HardAddSeconds,
        SoftUseTime = SoftUseSeconds,
        HardUseTime = HardUseSeconds,
    };

    private static SupportedAlgorithm[] ToWire(IReadOnlyList<SadbAlgorithm> entries)
    {
        var wire = new SupportedAlgorithm[entries.Count];
        for (int i = 0; i < wire.Length; i++)
        {
            SadbAlgorithm entry = entries[i];
            wire[i] = new SupportedAlgorithm(entry.Id, entry.IvLength, entry.MinBits, entry.MaxBits);
        }

        return wire;
    }

    private static AlgorithmInfo[] Lookup(PfKeyAlgorithmSpace space, SupportedAlgorithm[] entries)
    {
        var algorithms = new AlgorithmInfo[entries.Length];
        for (int i = 0; i < entries.Length; i++)
        {
            AlgorithmTable.TryGetByPfKeyId(space, entries[i].Id, out AlgorithmInfo? algorithm);
            algorithms[i] = algorithm!;
        }

        return algorithms;
    }
}
