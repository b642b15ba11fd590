using Netipsec.Crypto;
using Netipsec.PfKey.Wire;
using EspPadding = Netipsec.States.EspPadding;

namespace Netipsec.PfKey.Setkey;

/// <summary>The options of one <c>add</c> statement as parsed, before the request is written.</summary>
internal sealed class SaOptions
{
    public IpsecMode Mode { get; set; } = IpsecMode.Any;

    public byte ReplayWindow { get; set; }

    public uint ReqId { get; set; }

    public LifetimeExtension Hard { get; set; }

    public LifetimeExtension Soft { get; set; }

    public bool HasHard { get; set; }

    public bool HasSoft { get; set; }

    /// <summary>The <c>-f nocyclic-seq</c> token, checked against the replay window once all options are read.</summary>
    public SetkeyToken? NoCyclicSequence { get; set; }

    /// <summary><c>-f esn</c>: 64-bit extended sequence numbers (Netipsec's SADB_X_SAFLAGS_ESN).</summary>
    public bool ExtendedSequenceNumbers { get; set; }

    /// <summary><c>-f seq-pad</c>, <c>-f zero-pad</c> or <c>-f random-pad</c>: what ESP writes into its padding.</summary>
    public EspPadding Padding { get; set; }

    /// <summary>Where the padding was chosen, to refuse a second, different choice and padding on AH or IPComp.</summary>
    public SetkeyToken? PaddingToken { get; set; }

    /// <summary><c>-seq N</c> (Netipsec's SADB_X_EXT_REPLAY_SEQ): the last sequence number already used; the SA continues from it.</summary>
    public ulong ReplaySequence { get; set; }

    /// <summary>The <c>-seq</c> token when given, checked against the protocol and ESN once all options are read.</summary>
    public SetkeyToken? ReplaySequenceOption { get; set; }

    public AlgorithmChoice? Encryption { get; set; }

    public AlgorithmChoice? Authentication { get; set; }

    public AlgorithmChoice? Compression { get; set; }

    /// <summary>Options seen, to refuse one given twice (<c>-f</c> may repeat).</summary>
    public HashSet<string> Seen { get; } = new(StringComparer.Ordinal);
}

/// <summary>An algorithm option: where it was written, the algorithm, and its key (empty for none).</summary>
internal sealed record AlgorithmChoice(SetkeyToken Option, AlgorithmInfo Algorithm, byte[] Key);
