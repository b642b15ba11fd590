using Netipsec.Packets;
using Netipsec.States;
using Netipsec.Transforms;
using Netipsec.Transforms.Esp;
using Netipsec.Transforms.Modes;

namespace Netipsec.Engine;

/// <summary>
/// The Rx path's common case: ESP from a tunnel SA without NAT-T. The general path removes the ESP header by
/// moving the outer header over it and then the tunnel mode removes the outer header; here the packet is opened in
/// place (<see cref="EspTransform.Open"/>) and both headers go in one step, so nothing is moved.
/// </summary>
internal static class EspTunnelInput
{
    /// <summary>True when <paramref name="sa"/> is prepared ESP that <see cref="EspTransform.Open"/> and <see cref="Decapsulate"/> handle.</summary>
    internal static bool Handles(SecurityAssociation sa) =>
        sa.Mode == XfrmMode.Tunnel
        && sa.NatTraversal is null
        && sa.Destination.Version != IpVersion.None
        && sa.TypeState is EspState;

    /// <summary>
    /// Leaves only the inner packet (as <see cref="TunnelMode.Input"/> does: its header checked, its length trusted over
    /// the padding behind it, the outer ECN combined into it) with the marks on its network and transport headers.
    /// </summary>
    internal static ModeStatus Decapsulate(Packet packet, in EspPlaintext plaintext)
    {
        Span<byte> data = packet.Data;
        IpVersion outerVersion = data[0] >> 4 == 4 ? IpVersion.V4 : IpVersion.V6; // the parse accepted nothing else
        ModeStatus status = TunnelMode.CheckInner(
            data, outerVersion, data.Slice(plaintext.Offset, plaintext.Length), plaintext.NextHeader, out int innerHeaderLength, out int innerLength);
        if (status != ModeStatus.Ok)
        {
            return status;
        }

        packet.Trim(plaintext.Offset + innerLength);
        packet.Pull(plaintext.Offset);
        packet.InnerProtocol = plaintext.NextHeader;
        packet.SetNetworkHeader(0);
        packet.SetTransportHeader(innerHeaderLength);
        return ModeStatus.Ok;
    }
}
