using Netipsec.Daemon.DataPlane;
using Netipsec.Diagnostics;
using Netipsec.Engine;
using Netipsec.Policies;
using Netipsec.States;
using Netipsec.Transforms.IpComp;

namespace Netipsec.Daemon.Control;

/// <summary>
/// The answers of the control socket's one-shot commands: <c>show state</c>, <c>show policy</c> and <c>stats</c>.
/// (<c>monitor</c> streams and is served by the server itself.)
/// </summary>
internal static class ControlCommands
{
    /// <summary>The commands, as the CLI sends them.</summary>
    public const string ShowState = "show state";
    public const string ShowPolicy = "show policy";
    public const string Stats = "stats";
    public const string Monitor = "monitor";

    /// <summary>Writes the answer to <paramref name="command"/>; false (writing nothing) when it is not one of the one-shot commands.</summary>
    public static bool TryExecute(string command, XfrmEngine engine, Action<TextWriter>? daemonCounters, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(output);
        switch (command)
        {
            case ShowState:
                foreach (SecurityAssociation sa in engine.States.Dump())
                {
                    StateFormatter.Write(output, sa);
                }

                return true;
            case ShowPolicy:
                foreach (SecurityPolicy policy in engine.Policies.Dump())
                {
                    PolicyFormatter.Write(output, policy);
                }

                return true;
            case Stats:
                WriteStatistics(engine, daemonCounters, output);
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// The 28 XFRM MIB counters as /proc/net/xfrm_stat prints them, then per transform (ESP, AH, IPComp) the SAs,
    /// their traffic and their drops, then the daemon's own counters.
    /// </summary>
    internal static void WriteStatistics(XfrmEngine engine, Action<TextWriter>? daemonCounters, TextWriter output)
    {
        engine.Statistics.WriteTo(output);
        IReadOnlyList<SecurityAssociation> states = engine.States.Dump();
        foreach (IpsecProtocol protocol in new[] { IpsecProtocol.Esp, IpsecProtocol.Ah, IpsecProtocol.IpComp })
        {
            string prefix = protocol switch { IpsecProtocol.Esp => "Esp", IpsecProtocol.Ah => "Ah", _ => "IpComp" };
            List<SecurityAssociation> ofProtocol = [.. states.Where(sa => sa.Protocol == protocol)];
            DaemonStatistics.Write(output, prefix + "States", ofProtocol.Count);
            DaemonStatistics.Write(output, prefix + "Bytes", (long)ofProtocol.Aggregate(0UL, static (sum, sa) => sum + sa.Current.Bytes));
            DaemonStatistics.Write(output, prefix + "Packets", (long)ofProtocol.Aggregate(0UL, static (sum, sa) => sum + sa.Current.Packets));
            DaemonStatistics.Write(output, prefix + "ReplayWindow", ofProtocol.Sum(static sa => sa.Statistics[SaCounter.ReplayWindow]));
            DaemonStatistics.Write(output, prefix + "Replay", ofProtocol.Sum(static sa => sa.Statistics[SaCounter.Replay]));
            DaemonStatistics.Write(output, prefix + "IntegrityFailed", ofProtocol.Sum(static sa => sa.Statistics[SaCounter.IntegrityFailures]));
        }

        IpCompStatistics compression = IpCompTransform.Instance.Statistics;
        DaemonStatistics.Write(output, "IpCompCompressed", compression[IpCompCounter.Compressed]);
        DaemonStatistics.Write(output, "IpCompUncompressedSmall", compression[IpCompCounter.UncompressedSmall]);
        DaemonStatistics.Write(output, "IpCompIncompressible", compression[IpCompCounter.UncompressedIncompressible]);
        DaemonStatistics.Write(output, "IpCompSkipped", compression[IpCompCounter.Skipped]);
        DaemonStatistics.Write(output, "IpCompDecompressed", compression[IpCompCounter.Decompressed]);
        DaemonStatistics.Write(output, "IpCompDecompressFailed", compression.DecompressionFailures);
        daemonCounters?.Invoke(output);
    }
}
