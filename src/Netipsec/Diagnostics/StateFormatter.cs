using Netipsec.Common;
using System.Globalization;
using Netipsec.Crypto;
using Netipsec.States;

namespace Netipsec.Diagnostics;

/// <summary>
/// Writes SAs the way <c>ip -s xfrm state</c> lays them out, for the CLI's demo and the daemon's <c>show state</c>.
/// Algorithms carry their Linux crypto API names (<c>aead rfc4106(gcm(aes))</c>, <c>enc cbc(aes)</c>,
/// <c>auth-trunc hmac(sha256)</c>, <c>comp deflate</c>). Key material is never printed: where ip-xfrm shows the key
/// this writes what <c>ip xfrm state list nokeys</c> writes, <c>&lt;&lt;Keys hidden&gt;&gt;</c>, then the key size.
/// </summary>
public static class StateFormatter
{
    /// <summary>Writes one SA as an <c>ip -s xfrm state</c> entry.</summary>
    public static void Write(TextWriter output, SecurityAssociation sa)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(sa);
        output.WriteLine($"src {sa.Source} dst {sa.Destination}");
        output.WriteLine(Invariant($"\tproto {Lower(sa.Protocol)} spi 0x{sa.Spi:x8} reqid {sa.ReqId} mode {Lower(sa.Mode)} state {Lower(sa.State)}"));
        output.WriteLine(Invariant($"\treplay-window {sa.ReplayWindowSize} flags 0x{(uint)sa.Flags:x8}{(sa.ExtendedSequenceNumbers ? " esn" : "")}{PaddingName(sa.Padding)}"));
        WriteAlgorithm(output, PfKeyAlgorithmSpace.Encryption, sa.Encryption);
        WriteAlgorithm(output, PfKeyAlgorithmSpace.Authentication, sa.Authentication);
        WriteAlgorithm(output, PfKeyAlgorithmSpace.Compression, sa.Compression);
        if (sa.CryptoEngine is { } engine)
        {
            output.WriteLine($"\tengine {engine}");
        }
        if (sa.InnerSelector is { } selector)
        {
            output.WriteLine($"\tsel {selector}");
        }

        if (sa.NatTraversal is { } encapsulation)
        {
            // ip xfrm's line: the ports the SA sends from and to, as the daemon follows a NAT's mapping.
            string original = encapsulation.OriginalAddress.Version == Packets.IpVersion.None ? "0.0.0.0" : encapsulation.OriginalAddress.ToString();
            output.WriteLine(Invariant($"\tencap type espinudp sport {encapsulation.SourcePort} dport {encapsulation.DestinationPort} addr {original}"));
        }

        output.WriteLine($"\tlifetime config: soft {Limits(sa.SoftLimits)}, hard {Limits(sa.HardLimits)}");
        LifetimeCurrent current = sa.Current;
        output.WriteLine(Invariant($"\tlifetime current: {current.Bytes}(bytes), {current.Packets}(packets)"));
        output.WriteLine(Invariant($"\t  add {current.AddTime:yyyy-MM-dd HH:mm:ss} use {(current.UseTime is { } used ? used.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "-")}"));
        string sequence = sa.SequenceCounter is { } counter ? Invariant($"oseq 0x{counter.Current:x}") : "oseq -";
        string highest = sa.ReplayWindow is { } window ? Invariant($"seq 0x{window.Highest:x}") : "seq -";
        output.WriteLine($"\tanti-replay context: {sequence}, {highest}");
        EnumCounters<SaCounter> statistics = sa.Statistics;
        output.WriteLine(Invariant($"\tstats: replay-window {statistics[SaCounter.ReplayWindow]} replay {statistics[SaCounter.Replay]} failed {statistics[SaCounter.IntegrityFailures]}"));
    }

    /// <summary>
    /// One algorithm line as ip-xfrm prints it: the kind (aead, enc, auth-trunc, comp), the Linux crypto API name, the
    /// hidden key with its size in bits, and for aead and auth-trunc the ICV length in bits. An algorithm Linux has no
    /// name for (AH's AES-GMAC) shows its setkey name; an id the table does not know shows as alg#ID.
    /// </summary>
    private static void WriteAlgorithm(TextWriter output, PfKeyAlgorithmSpace space, SaAlgorithm? algorithm)
    {
        if (algorithm is null)
        {
            return;
        }

        AlgorithmTable.TryGetByPfKeyId(space, algorithm.Id, out AlgorithmInfo? info);
        string kind = (space, info?.Kind) switch
        {
            (PfKeyAlgorithmSpace.Encryption, AlgorithmKind.Aead) => "aead",
            (PfKeyAlgorithmSpace.Encryption, _) => "enc",
            (PfKeyAlgorithmSpace.Authentication, _) => "auth-trunc",
            _ => "comp",
        };
        string name = info is null ? Invariant($"alg#{algorithm.Id}") : info.XfrmName ?? info.Name;
        string key = algorithm.KeyBits == 0 ? string.Empty : Invariant($" <<Keys hidden>> ({algorithm.KeyBits} bits)");
        string icv = kind is "aead" or "auth-trunc" && info is not null ? Invariant($" {info.IcvLength * 8}") : string.Empty;
        output.WriteLine($"\t{kind} {name}{key}{icv}");
    }

    private static string PaddingName(EspPadding padding) => padding switch
    {
        EspPadding.Zero => " zero-pad",
        EspPadding.Random => " random-pad",
        _ => string.Empty,
    };

    internal static string Limits(LifetimeLimits limits) => limits.IsUnlimited
        ? "none"
        : Invariant($"{Count(limits.Bytes)}(bytes) {Count(limits.Packets)}(packets) add {Seconds(limits.AddExpiry)} use {Seconds(limits.UseExpiry)}");

    private static string Count(ulong value) => value == 0 ? "inf" : value.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan value) => value == TimeSpan.Zero ? "inf" : Invariant($"{(long)value.TotalSeconds}s");

    internal static string Lower<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();

    internal static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
