using System.Buffers.Binary;
using Netipsec.Packets;
using Netipsec.PfKey.Channels;
using Netipsec.PfKey.Wire;
using Netipsec.Policies;
using Netipsec.States;
using WireSaFlags = Netipsec.PfKey.Wire.SaFlags;
using WireSaState = Netipsec.PfKey.Wire.SaState;

namespace Netipsec.Daemon.Config;

/// <summary>
/// The configuration's side of a PF_KEY conversation: sends one request over an <see cref="IPfKeyChannel"/> and
/// waits for the reply with its type and sequence, and builds the DELETE and SPDDELETE2 requests a reload needs.
/// </summary>
internal static class PfKeyRequests
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Sends <paramref name="request"/> and returns the errno and diagnostic of its reply (none on success).</summary>
    public static (PfKeyErrno Errno, PfKeyDiagnostic Diagnostic) Send(IPfKeyChannel channel, ReadOnlySpan<byte> request)
    {
        var type = (MessageType)request[1];
        uint sequence = BinaryPrimitives.ReadUInt32LittleEndian(request[8..]);
        PfKeyErrno sent = channel.Send(request);
        if (sent != PfKeyErrno.None)
        {
            return (sent, PfKeyDiagnostic.None);
        }

        byte[] reply = new byte[PfKeyChannelLimits.MaxMessageLength];
        while (true)
        {
            int length = channel.Receive(reply, ReplyTimeout);
            if (length == 0)
            {
                return (PfKeyErrno.Busy, PfKeyDiagnostic.None); // no answer in time
            }

            if (PfKeyMessage.TryParse(reply.AsSpan(0, length), PfKeyOrigin.Service, out PfKeyMessage message, out _)
                && message.Header.Type == type && message.Header.Sequence == sequence)
            {
                return (message.Header.Errno, message.Header.Diagnostic);
            }
        }
    }

    /// <summary>An SADB_DELETE for <paramref name="sa"/>.</summary>
    public static byte[] Delete(SecurityAssociation sa, uint sequence)
    {
        Span<byte> buffer = stackalloc byte[256];
        PfKeyMessageWriter.TryCreate(buffer, new PfKeyHeader(MessageType.Delete, ToSaType(sa.Protocol), sequence, (uint)Environment.ProcessId), out PfKeyMessageWriter writer);
        writer.TryAddSa(new SaExtension(sa.Spi, 0, WireSaState.Mature, AuthAlgorithm.None, EncryptAlgorithm.None, WireSaFlags.None));
        writer.TryAddAddress(ExtensionType.AddressSrc, new AddressExtension(IpsecConstants.UlProtoAny, (byte)sa.Source.BitLength, new Sockaddr(sa.Source)));
        writer.TryAddAddress(ExtensionType.AddressDst, new AddressExtension(IpsecConstants.UlProtoAny, (byte)sa.Destination.BitLength, new Sockaddr(sa.Destination)));
        return writer.Message.ToArray();
    }

    /// <summary>An SADB_X_SPDDELETE2 for <paramref name="policy"/> (by its index).</summary>
    public static byte[] DeletePolicy(SecurityPolicy policy, uint sequence)
    {
        Span<byte> buffer = stackalloc byte[64];
        PfKeyMessageWriter.TryCreate(buffer, new PfKeyHeader(MessageType.SpdDelete2, SaType.Unspecified, sequence, (uint)Environment.ProcessId), out PfKeyMessageWriter writer);
        IpsecDirection direction = policy.Direction switch
        {
            PolicyDirection.In => IpsecDirection.Inbound,
            PolicyDirection.Out => IpsecDirection.Outbound,
            _ => IpsecDirection.Fwd,
        };
        writer.TryAddPolicy(new PolicyHeader(IpsecPolicyType.Ipsec, direction, policy.Index, policy.Priority), []);
        return writer.Message.ToArray();
    }

    private static SaType ToSaType(IpsecProtocol protocol) => protocol switch
    {
        IpsecProtocol.Ah => SaType.Ah,
        IpsecProtocol.IpComp => SaType.IpComp,
        _ => SaType.Esp,
    };
}
