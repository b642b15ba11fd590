using Netipsec.Engine;
using Netipsec.Packets;

namespace Netipsec.Cli.Pcap;

/// <summary>Moving captured bytes into engine packets, and naming what the engine did with them.</summary>
internal static class CaptureBuffers
{
    /// <summary>A packet from <paramref name="pool"/> holding a copy of <paramref name="ip"/>.</summary>
    public static Packet Rent(PacketPool pool, ReadOnlySpan<byte> ip)
    {
        Packet packet = pool.Rent();
        packet.EnsureTailroom(ip.Length);
        ip.CopyTo(packet.Put(ip.Length));
        packet.SetNetworkHeader(0);
        return packet;
    }

    /// <summary>The /proc/net/xfrm_stat name of the counter that grew since <paramref name="before"/> (the engine counts each drop once).</summary>
    public static string DropReasonSince(XfrmStatistics statistics, long[] before)
    {
        for (int i = 1; i < before.Length; i++)
        {
            if (statistics[(DropReason)i] != before[i])
            {
                return XfrmStatistics.NameOf((DropReason)i);
            }
        }

        return "dropped";
    }
}
