using System.Buffers.Binary;
using Netipsec.Packets;
using Netipsec.States;
using Netipsec.Transforms;
using Netipsec.Transforms.Esp;
using Netipsec.Transforms.Modes;

namespace Netipsec.Engine;

/// <summary>
/// The Tx path's common case in one pass: an ESP tunnel SA between IPv4 addresses, without NAT-T or TFC padding.
/// It does what <see cref="TunnelMode"/>, <see cref="EspTransform.Output"/> and the mode's finish do one after
/// another, but reads the inner header once, computes the lengths once and writes the outer header with its final
/// length and checksum, so each byte in front of the payload is written once.
/// </summary>
internal static class EspTunnelOutput
{
    /// <summary>
    /// True when <paramref name="sa"/> is prepared ESP that <see cref="Output"/> handles: what the Rx path's common case
    /// takes (<see cref="EspTunnelInput.Handles"/>), from an IPv4 source and without TFC padding.
    /// </summary>
    internal static bool Handles(SecurityAssociation sa) =>
        EspTunnelInput.Handles(sa) && sa.TfcPadding == 0 && sa.Source.Version == IpVersion.V4;

    /// <summary>
    /// Encapsulates the inner packet (IPv4 or IPv6) into [outer IPv4][ESP header, IV][inner][trailer][ICV], with the
    /// same state checks, sequence number, lifetime accounting and drop reasons as the general path.
    /// </summary>
    internal static DropReason Output(XfrmEngine engine, SecurityAssociation sa, Packet packet)
    {
        DropReason stateProblem = XfrmOutput.StateProblem(sa);
        if (stateProblem != DropReason.None)
        {
            return stateProblem;
        }

        if (sa.TypeState is not EspState state)
        {
            return DropReason.OutStateExpired;
        }

        ReadOnlySpan<byte> inner = packet.Data;
        int innerLength;
        byte innerTrafficClass;
        bool dontFragment;
        IpProtocol innerProtocol;
        switch (inner.IsEmpty ? 0 : inner[0] >> 4)
        {
            case 4:
                if (Ipv4Header.Validate(inner, out _, out innerLength) != PacketError.None)
                {
                    return DropReason.OutStateModeError;
                }

                innerTrafficClass = inner[Ipv4Header.TypeOfServiceOffset];
                dontFragment = (inner[Ipv4Header.FlagsAndFragmentOffset] & 0x40) != 0;
                innerProtocol = IpProtocol.IpInIp;
                break;
            case 6:
                if (Ipv6Header.Validate(inner, out innerLength) != PacketError.None)
                {
                    return DropReason.OutStateModeError;
                }

                innerTrafficClass = new Ipv6Header(packet.Data).TrafficClass;
                dontFragment = true;
                innerProtocol = IpProtocol.Ipv6;
                break;
            default:
                return DropReason.OutStateModeError;
        }

        int headerLength = Ipv4Header.MinLength + EspHeader.FixedLength + state.IvLength;
        int encryptedLength = innerLength + EspTrailer.PaddingLength(innerLength, state.Alignment) + EspTrailer.FixedLength;
        int trailerLength = encryptedLength - innerLength + state.IcvLength;
        int totalLength = headerLength + encryptedLength + state.IcvLength;
        if (totalLength > ushort.MaxValue || !packet.TryTrim(innerLength) || !packet.TryEnsureRoom(headerLength, trailerLength))
        {
            return DropReason.OutStateModeError;
        }

        ulong sequence = 0;
        if (sa.SequenceCounter is not null && !engine.States.TryAssignSequence(sa, out sequence))
        {
            return DropReason.OutStateSeqError;
        }

        Span<byte> front = packet.Push(headerLength);
        Span<byte> esp = front[Ipv4Header.MinLength..];
        if (!state.TryWriteIv(esp.Slice(EspHeader.IvOffset, state.IvLength)))
        {
            return DropReason.OutStateSeqError;
        }

        TunnelMode.WriteOuterIpv4(front, sa, TunnelMode.OuterTrafficClass(innerTrafficClass), dontFragment, (ushort)totalLength);
        BinaryPrimitives.WriteUInt32BigEndian(esp[EspHeader.SpiOffset..], sa.Spi);
        BinaryPrimitives.WriteUInt32BigEndian(esp[EspHeader.SequenceNumberOffset..], (uint)sequence);
        Span<byte> trailer = packet.Put(trailerLength);
        EspTrailer.Write(trailer[..(trailerLength - state.IcvLength)], innerProtocol, sa.Padding);
        Span<byte> data = packet.Data;
        int espLength = headerLength - Ipv4Header.MinLength + encryptedLength;
        TransformStatus status = state.Seal(data.Slice(Ipv4Header.MinLength, espLength), sequence, data.Slice(Ipv4Header.MinLength + espLength, state.IcvLength));
        packet.SetNetworkHeader(0);
        packet.SetTransportHeader(Ipv4Header.MinLength);
        packet.InnerProtocol = innerProtocol;
        packet.NextHeaderFieldOffset = Ipv4Header.ProtocolOffset;
        switch (status)
        {
            case TransformStatus.Ok:
                engine.States.Account(sa, headerLength + innerLength);
                return DropReason.None;
            case TransformStatus.Unsupported:
                return DropReason.OutStateExpired; // destroyed while the packet was in crypto
            default:
                return DropReason.OutStateProtoError;
        }
    }
}
