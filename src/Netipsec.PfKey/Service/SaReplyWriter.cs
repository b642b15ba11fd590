using System.Security.Cryptography;
using Netipsec.Packets;
using Netipsec.PfKey.Wire;
using Netipsec.States;
using WireSaFlags = Netipsec.PfKey.Wire.SaFlags;
using WireSaState = Netipsec.PfKey.Wire.SaState;

namespace Netipsec.PfKey.Service;

/// <summary>Writes an SA as a PF_KEY message. The destination must hold <see cref="PfKeyService.MaxReplyLength"/> bytes.</summary>
internal static class SaReplyWriter
{
    /// <returns>The message length.</returns>
    /// <remarks>With <see cref="SaReplyContent.SettingsAndKeys"/> the destination holds key material: the caller wipes it after delivery.</remarks>
    public static int Write(Span<byte> destination, PfKeyHeader header, SecurityAssociation sa, SaReplyContent content)
    {
        Fits(PfKeyMessageWriter.TryCreate(destination, header, out PfKeyMessageWriter writer));
        Fits(writer.TryAddSa(ToSaExtension(sa, content)));
        if (content != SaReplyContent.Identity)
        {
            Fits(writer.TryAddSa2(new Sa2Extension(ModeMapping.ToWire(sa.Mode), 0, sa.ReqId)));
            Fits(writer.TryAddLifetime(ExtensionType.LifetimeHard, LifetimeConversion.ToExtension(sa.HardLimits)));
            Fits(writer.TryAddLifetime(ExtensionType.LifetimeSoft, LifetimeConversion.ToExtension(sa.SoftLimits)));
        }

        if (content == SaReplyContent.SettingsAndKeys)
        {
            Fits(writer.TryAddLifetime(ExtensionType.LifetimeCurrent, LifetimeConversion.ToExtension(sa.Current)));
            if (LastSequence(sa) is var last and > 0)
            {
                // What an ADD elsewhere needs to continue this SA (high availability): the same extension it takes.
                Fits(writer.TryAddReplaySequence(new ReplaySequenceExtension(last)));
            }
        }

        // The SA's own addresses: whole hosts, any protocol, no ports (af_key.c writes them so too).
        Fits(writer.TryAddAddress(ExtensionType.AddressSrc, HostAddress(sa.Source)));
        Fits(writer.TryAddAddress(ExtensionType.AddressDst, HostAddress(sa.Destination)));
        if (content == SaReplyContent.Identity)
        {
            return writer.Length;
        }

        if (content == SaReplyContent.SettingsAndKeys)
        {
            AddKey(ref writer, ExtensionType.KeyAuth, sa.Authentication);
            AddKey(ref writer, ExtensionType.KeyEncrypt, sa.Encryption);
        }

        if (sa.InnerSelector is { } inner)
        {
            Fits(writer.TryAddAddress(ExtensionType.AddressInnerSrc, SelectorConversion.SourceOf(inner)));
            Fits(writer.TryAddAddress(ExtensionType.AddressInnerDst, SelectorConversion.DestinationOf(inner)));
        }

        if (sa.NatTraversal is { } natTraversal)
        {
            Fits(writer.TryAddNatTType(new NatTTypeExtension((byte)natTraversal.Type)));
            Fits(writer.TryAddNatTPort(ExtensionType.NatTSport, new NatTPortExtension(natTraversal.SourcePort)));
            Fits(writer.TryAddNatTPort(ExtensionType.NatTDport, new NatTPortExtension(natTraversal.DestinationPort)));
            if (natTraversal.OriginalAddress.Version != IpVersion.None)
            {
                Fits(writer.TryAddAddress(ExtensionType.NatTOa, HostAddress(natTraversal.OriginalAddress)));
            }
        }

        if (sa.PairSpi != 0)
        {
            Fits(writer.TryAddPair(new PairExtension(sa.PairSpi)));
        }

        return writer.Length;
    }

    /// <summary>
    /// SADB_EXPIRE (RFC 2367 §3.1.8): SA, LIFETIME_CURRENT, the soft or hard lifetime that ran out, and the
    /// addresses. Never keys: it goes to every socket.
    /// </summary>
    /// <returns>The message length.</returns>
    public static int WriteExpire(Span<byte> destination, SecurityAssociation sa, ExpiryKind kind)
    {
        var header = new PfKeyHeader(MessageType.Expire, SaTypeOf(sa.Protocol), 0, 0);
        Fits(PfKeyMessageWriter.TryCreate(destination, header, out PfKeyMessageWriter writer));
        Fits(writer.TryAddSa(ToSaExtension(sa, SaReplyContent.Settings)));
        Fits(writer.TryAddLifetime(ExtensionType.LifetimeCurrent, LifetimeConversion.ToExtension(sa.Current)));
        Fits(kind == ExpiryKind.Soft
            ? writer.TryAddLifetime(ExtensionType.LifetimeSoft, LifetimeConversion.ToExtension(sa.SoftLimits))
            : writer.TryAddLifetime(ExtensionType.LifetimeHard, LifetimeConversion.ToExtension(sa.HardLimits)));
        Fits(writer.TryAddAddress(ExtensionType.AddressSrc, HostAddress(sa.Source)));
        Fits(writer.TryAddAddress(ExtensionType.AddressDst, HostAddress(sa.Destination)));
        return writer.Length;
    }

    /// <summary>The SA type of a protocol, for replies about SAs of every type (DUMP of UNSPEC).</summary>
    public static SaType SaTypeOf(IpsecProtocol protocol) => protocol switch
    {
        IpsecProtocol.Ah => SaType.Ah,
        IpsecProtocol.IpComp => SaType.IpComp,
        _ => SaType.Esp,
    };

    /// <summary>A reply buffer was sized too small: a bug, not bad input.</summary>
    internal static void Fits(bool added)
    {
        if (!added)
        {
            throw new InvalidOperationException("A PF_KEY reply outgrew the reply buffer.");
        }
    }

    internal static AddressExtension HostAddress(IpAddress address) => new(0, (byte)address.BitLength, new Sockaddr(address));

    private static SaExtension ToSaExtension(SecurityAssociation sa, SaReplyContent content)
    {
        if (content == SaReplyContent.Identity)
        {
            return new SaExtension(sa.Spi, 0, (WireSaState)sa.State, AuthAlgorithm.None, EncryptAlgorithm.None, WireSaFlags.None);
        }

        SaAlgorithm? encrypt = sa.Protocol == IpsecProtocol.IpComp ? sa.Compression : sa.Encryption;
        return new SaExtension(
            sa.Spi,
            (byte)Math.Min(sa.ReplayWindowSize, byte.MaxValue), // Linux reports larger (ESN) windows as 255 too.
            (WireSaState)sa.State,
            (AuthAlgorithm)(sa.Authentication?.Id ?? 0),
            (EncryptAlgorithm)(encrypt?.Id ?? 0),
            (WireSaFlags)(uint)sa.Flags | (sa.ExtendedSequenceNumbers ? WireSaFlags.Esn : WireSaFlags.None) | PaddingConversion.ToFlags(sa.Padding));
    }

    // An SA carries traffic one way on a host: its sender's counter or its receiver's window has moved, not both.
    private static ulong LastSequence(SecurityAssociation sa) =>
        Math.Max(sa.SequenceCounter?.Current ?? 0, sa.ReplayWindow?.Highest ?? 0);

    private static void AddKey(ref PfKeyMessageWriter writer, ExtensionType type, SaAlgorithm? algorithm)
    {
        if (algorithm is null || algorithm.KeyBits == 0)
        {
            return;
        }

        Fits(writer.TryAddKey(type, new KeyExtension((ushort)algorithm.KeyBits, algorithm.Key)));
    }

    /// <summary>Zeroes a reply that carried keys, once delivered.</summary>
    public static void Wipe(Span<byte> reply) => CryptographicOperations.ZeroMemory(reply);
}
