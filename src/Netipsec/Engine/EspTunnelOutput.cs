using System.Runtime.CompilerServices;
using Netipsec.Packets;
using Netipsec.States;
using Netipsec.Transforms.Esp;
using Netipsec.Transforms.Modes;
using Netipsec.Transforms;

namespace Netipsec.Engine;

/// <summary>
/// The Tx path's common case in one pass: an ESP tunnel SA without NAT-T or TFC padding.
/// It does what <see cref="TunnelMode"/>, <see cref="EspTransform.Output"/> and the mode's finish do one after
/// another, but reads the inner header once, computes the lengths once and writes the outer header with its final
/// length and checksum, so each byte in front of the payload is written once.
/// </summary>
[SkipLocalsInit] // per packet, the frame of inlined struct locals is not cleared first: nothing here reads memory before writing it
internal static class EspTunnelOutput
{
    /// <summary>
    /// True when <paramref name="sa"/> is prepared ESP that <see cref="Output"/> handles: what the Rx path's common case
    /// takes (<see cref="EspTunnelInput.Handles"/>), with a source of the destination's version and without TFC padding.
    /// </summary>
    internal static bool Handles(SecurityAssociation sa) =>
        EspTunnelInput.Handles(sa) && sa.TfcPadding == 0 && sa.Source.Version == sa.Destination.Version;

    /// <summary>
    /// Encapsulates the inner packet (IPv4 or IPv6) into [outer header][ESP header, IV][inner][trailer][ICV], with the
    /// same state checks, sequence number, lifetime accounting and drop reasons as the general path.
    /// </summary>
    internal static DropReason Output(XfrmEngine engine, SecurityAssociation sa, Packet packet)
    {
        DropReason stateProblem = XfrmOutput.StateProblem(sa);
        if (stateProblem != DropReason.None)
        {
            return stateProblem;
        }

        if (engine.Types.Get(sa.Protocol) is null)
        {
            return DropReason.OutStateProtoError; // as the general path: no ESP in this engine's registry
        }

        if (sa.TypeState is not EspState state)
        {
            return DropReason.OutStateExpired;
        }

        if (!ModePacket.TryStartOutput(packet, out IpVersion innerVersion, out _))
        {
            return DropReason.OutStateModeError;
        }

        IpVersion outerVersion = sa.Destination.Version;
        int innerLength = packet.Length;
        int outerLength = TunnelMode.OuterLength(outerVersion);
        int headerLength = outerLength + EspHeader.FixedLength + state.IvLength;
        int trailerLength = state.TrailerLength(innerLength);
        int totalLength = headerLength + innerLength + trailerLength;
        if (!ModePacket.FitsLengthField(outerVersion, totalLength) || !packet.TryEnsureRoom(headerLength, trailerLength))
        {
            return DropReason.OutStateModeError;
        }

        ulong sequence = 0;
        if (sa.SequenceCounter is not null && !engine.States.TryAssignSequence(sa, out sequence))
        {
            return DropReason.OutStateSeqError;
        }

        TunnelMode.ReadInner(packet.Data, innerVersion, out byte innerTrafficClass, out bool dontFragment);
        TunnelMode.WriteOuter(packet.Push(headerLength), sa, innerTrafficClass, dontFragment, totalLength);
        TunnelMode.MarkOutput(packet, outerVersion, innerVersion);
        TransformStatus status = EspTransform.Protect(sa, state, packet, outerLength, tfcLength: 0, sequence);
        if (status == TransformStatus.Ok)
        {
            engine.States.Account(sa, headerLength + innerLength);
        }

        return XfrmOutput.ToDropReason(status);
    }
}
