using Netipsec.Crypto;
using Netipsec.PfKey.Wire;
using Netipsec.Policies;
using Netipsec.States;
using AlgorithmKind = Netipsec.PfKey.Wire.AlgorithmKind;

namespace Netipsec.PfKey.Service;

/// <summary>
/// The seed's extended proposal (SADB_X_EXT_EPROP) for a list of policy templates: each extended combination names
/// one algorithm choice for every template at once — AH's integrity algorithm, ESP's cipher and integrity algorithm
/// (or its combined-mode one), IPComp's compression — so a key manager sees the whole bundle the SPD wants.
/// </summary>
/// <remarks>
/// The combinations are every template's choices multiplied out, most preferred first (the first template's choice
/// weighs most), and at most <see cref="MaxCombinations"/> of them. A template that allows nothing the engines
/// support leaves no combination at all. Immutable.
/// </remarks>
internal sealed class ExtendedProposal
{
    /// <summary>The most combinations a proposal holds, keeping a two-template bundle's message within a few KiB.</summary>
    public const int MaxCombinations = 32;

    private ExtendedProposal(ExtendedCombination[] combinations, AlgorithmDescriptor[] descriptors)
    {
        Combinations = combinations;
        Descriptors = descriptors;
    }

    public ExtendedCombination[] Combinations { get; }

    /// <summary>The combinations' descriptors in order, each combination taking its <see cref="ExtendedCombination.AlgorithmCount"/>.</summary>
    public AlgorithmDescriptor[] Descriptors { get; }

    /// <summary>The bytes the EPROP extension takes.</summary>
    public int EncodedLength => EpropExtension.EncodedLength(Combinations.Length, Descriptors.Length);

    public static ExtendedProposal For(IReadOnlyList<PolicyTemplate> templates, SupportedAlgorithms algorithms)
    {
        var choices = new List<AlgorithmDescriptor[]>[templates.Count];
        for (int i = 0; i < choices.Length; i++)
        {
            choices[i] = ChoicesOf(templates[i], algorithms);
            if (choices[i].Count == 0)
            {
                return new ExtendedProposal([], []);
            }
        }

        var combinations = new List<ExtendedCombination>();
        var descriptors = new List<AlgorithmDescriptor>();
        var pick = new int[choices.Length];
        while (choices.Length > 0 && combinations.Count < MaxCombinations)
        {
            int count = 0;
            for (int i = 0; i < choices.Length; i++)
            {
                AlgorithmDescriptor[] chosen = choices[i][pick[i]];
                descriptors.AddRange(chosen);
                count += chosen.Length;
            }

            combinations.Add(Combination((byte)count));
            if (!Advance(pick, choices))
            {
                break;
            }
        }

        return new ExtendedProposal([.. combinations], [.. descriptors]);
    }

    public void AddTo(ref PfKeyMessageWriter writer) =>
        SaReplyWriter.Fits(writer.TryAddEprop(SupportedAlgorithms.ProposalReplayWindow, Combinations, Descriptors));

    /// <summary>The template's algorithm choices, most preferred first, each as the descriptors it contributes.</summary>
    private static List<AlgorithmDescriptor[]> ChoicesOf(PolicyTemplate template, SupportedAlgorithms algorithms)
    {
        var choices = new List<AlgorithmDescriptor[]>();
        if (template.Protocol == IpsecProtocol.IpComp)
        {
            // IpCompTransform implements DEFLATE alone (RFC 2394); it has no key.
            if (AlgorithmTable.TryGetByPfKeyId(PfKeyAlgorithmSpace.Compression, (byte)CompressAlgorithm.Deflate, out _)
                && PolicyTemplate.IsAllowed(template.AllowedCompressAlgorithms, (int)CompressAlgorithm.Deflate))
            {
                choices.Add([new AlgorithmDescriptor(SaType.IpComp, AlgorithmKind.Compress, (byte)CompressAlgorithm.Deflate, 0, 0)]);
            }

            return choices;
        }

        var proposed = new Combination[algorithms.MaxCombinations(template.Protocol)];
        int count = algorithms.Propose(template, proposed);
        SaType saType = SaReplyWriter.SaTypeOf(template.Protocol);
        foreach (Combination combination in proposed.AsSpan(0, count))
        {
            var chosen = new List<AlgorithmDescriptor>(2);
            if (combination.Encrypt != EncryptAlgorithm.None)
            {
                chosen.Add(new AlgorithmDescriptor(saType, AlgorithmKind.Crypt, (byte)combination.Encrypt, combination.EncryptMinBits, combination.EncryptMaxBits));
            }

            if (combination.Auth != AuthAlgorithm.None)
            {
                chosen.Add(new AlgorithmDescriptor(saType, AlgorithmKind.Auth, (byte)combination.Auth, combination.AuthMinBits, combination.AuthMaxBits));
            }

            choices.Add([.. chosen]);
        }

        return choices;
    }

    /// <summary>The next pick, the last template's choice turning fastest; false after the last.</summary>
    private static bool Advance(int[] pick, List<AlgorithmDescriptor[]>[] choices)
    {
        for (int i = pick.Length - 1; i >= 0; i--)
        {
            if (++pick[i] < choices[i].Count)
            {
                return true;
            }

            pick[i] = 0;
        }

        return false;
    }

    private static ExtendedCombination Combination(byte algorithmCount) => new()
    {
        AlgorithmCount = algorithmCount,
        SoftAddTime = SupportedAlgorithms.SoftAddSeconds,
        HardAddTime = SupportedAlgorithms.HardAddSeconds,
        SoftUseTime = SupportedAlgorithms.SoftUseSeconds,
        HardUseTime = SupportedAlgorithms.HardUseSeconds,
    };
}
