using Netipsec.Crypto;
using Netipsec.Packets;
using Netipsec.PfKey.Wire;
using Netipsec.Policies;
using Netipsec.States;
using CoreSaFlags = Netipsec.States.SaFlags;
using WireSaFlags = Netipsec.PfKey.Wire.SaFlags;
using WireSaState = Netipsec.PfKey.Wire.SaState;

namespace Netipsec.PfKey.Service;

/// <summary>
/// Turns the SA of an ADD or UPDATE (SA, SA2, addresses, keys, lifetimes, inner selector, NAT-T, pair) into a
/// <see cref="SecurityAssociation"/>, checking algorithms against <see cref="AlgorithmTable"/> first. Runs after
/// <see cref="RequestRules.Check"/>, so the SA and both addresses are present and of one family.
/// </summary>
internal static class SaRequestReader
{
    /// <summary>
    /// The flags a request may set: the core's, minus USED (the SA's own record of traffic) and minus the reserved
    /// KRES bits and the Linux-only NOPMTUDISC, DECAP_DSCP and NOECN, which nothing in Netipsec implements.
    /// </summary>
    private const WireSaFlags SettableFlags =
        WireSaFlags.Pfs | WireSaFlags.NoReplay | WireSaFlags.Inbound | WireSaFlags.Outbound | WireSaFlags.Paired
        | WireSaFlags.Tunnel | WireSaFlags.NattRem | WireSaFlags.NattLoc | WireSaFlags.Km1 | WireSaFlags.Km2
        | WireSaFlags.Km3 | WireSaFlags.Km4 | WireSaFlags.Ealg1 | WireSaFlags.Ealg2 | WireSaFlags.Aalg1
        | WireSaFlags.Aalg2 | WireSaFlags.Unique | WireSaFlags.Esn | PaddingConversion.Mask;

    /// <summary>UDP_ENCAP_ESPINUDP (RFC 3948), the only encapsulation <see cref="NatTraversalEncapsulation"/> has.</summary>
    private const byte EspInUdp = 2;

    public static PfKeyResult TryRead(scoped in PfKeyMessage message, IpsecProtocol protocol, out SecurityAssociation? sa)
    {
        sa = null;
        message.TryGetSa(out SaExtension header);
        message.TryGetAddress(ExtensionType.AddressSrc, out AddressExtension source);
        message.TryGetAddress(ExtensionType.AddressDst, out AddressExtension destination);

        PfKeyResult result = CheckStateAndFlags(header, protocol);
        if (!result.IsSuccess)
        {
            return result;
        }

        result = ReadAlgorithms(message, protocol, header, out SaAlgorithm? authentication, out SaAlgorithm? encryption, out SaAlgorithm? compression);
        if (!result.IsSuccess)
        {
            return result;
        }

        result = ReadModeAndReqId(message, out XfrmMode mode, out uint reqId);
        if (!result.IsSuccess)
        {
            return result;
        }

        result = ReadNatTraversal(message, header, out NatTraversalEncapsulation? natTraversal);
        if (!result.IsSuccess)
        {
            return result;
        }

        message.TryGetReplaySequence(out ReplaySequenceExtension replaySequence);
        sa = new SecurityAssociation(new SaId(destination.Sockaddr.Address, header.Spi, protocol), source.Sockaddr.Address, mode)
        {
            ReqId = reqId,
            Authentication = authentication,
            Encryption = encryption,
            Compression = compression,
            // ESN and padding are properties of the SA in the core, not flags it stores as PF_KEY carries them.
            Flags = (CoreSaFlags)(uint)(header.Flags & ~(WireSaFlags.Esn | PaddingConversion.Mask)),
            ExtendedSequenceNumbers = (header.Flags & WireSaFlags.Esn) != 0,
            Padding = PaddingConversion.ToCore(header.Flags),
            // RFC 3173: IPComp has no sequence numbers, so its replay field means nothing (Linux ignores it too).
            ReplayWindowSize = protocol == IpsecProtocol.IpComp ? 0 : header.ReplayWindow,
            InnerSelector = ReadInnerSelector(message),
            NatTraversal = natTraversal,
            PairSpi = message.TryGetPair(out PairExtension pair) ? pair.Spi : 0,
            // One number serves both ends (the SA continues from it): the sender's counter and the receiver's window.
            InitialOutboundSequence = replaySequence.Sequence,
            InitialInboundSequence = replaySequence.Sequence,
            AcquireSequence = message.Header.Sequence,
            SoftLimits = LifetimeConversion.ToLimits(message, ExtensionType.LifetimeSoft),
            HardLimits = LifetimeConversion.ToLimits(message, ExtensionType.LifetimeHard),
        };
        return PfKeyResult.Success;
    }

    /// <summary>The mode and reqid of SA2 (KAME); transport and 0 without it. Mode ANY means transport, as in Linux.</summary>
    public static PfKeyResult ReadModeAndReqId(scoped in PfKeyMessage message, out XfrmMode mode, out uint reqId)
    {
        mode = XfrmMode.Transport;
        reqId = 0;
        if (!message.TryGetSa2(out Sa2Extension sa2))
        {
            return PfKeyResult.Success;
        }

        reqId = sa2.ReqId;
        return ModeMapping.TryToCore(sa2.Mode, allowAny: true, out mode) ? PfKeyResult.Success : PfKeyResult.Invalid();
    }

    private static PfKeyResult CheckStateAndFlags(SaExtension header, IpsecProtocol protocol)
    {
        // A request describes an SA to install: it can only be larval (the RFC's "leave it 0") or mature.
        if (header.State is not (WireSaState.Larval or WireSaState.Mature))
        {
            return PfKeyResult.Invalid(PfKeyDiagnostic.BadSaState);
        }

        if ((header.Flags & ~SettableFlags) != 0)
        {
            return PfKeyResult.Invalid(PfKeyDiagnostic.BadSaFlags);
        }

        // Random and zero padding exclude each other; AH and IPComp have no padding to choose (RFC 4302, RFC 3173), and
        // accepting the flag there would promise something the SA never does.
        WireSaFlags padding = header.Flags & PaddingConversion.Mask;
        if (padding == PaddingConversion.Mask || (padding != 0 && protocol != IpsecProtocol.Esp))
        {
            return PfKeyResult.Invalid(PfKeyDiagnostic.BadSaFlags);
        }

        return (header.Flags & (WireSaFlags.Inbound | WireSaFlags.Outbound)) == (WireSaFlags.Inbound | WireSaFlags.Outbound)
            ? PfKeyResult.Invalid(PfKeyDiagnostic.BadSaDirection)
            : PfKeyResult.Success;
    }

    private static PfKeyResult ReadAlgorithms(
        scoped in PfKeyMessage message,
        IpsecProtocol protocol,
        SaExtension header,
        out SaAlgorithm? authentication,
        out SaAlgorithm? encryption,
        out SaAlgorithm? compression)
    {
        authentication = null;
        encryption = null;
        compression = null;
        if (protocol == IpsecProtocol.IpComp)
        {
            // RFC 3173: IPComp has no keys; sadb_sa_encrypt carries the compression algorithm.
            if (header.Auth != AuthAlgorithm.None)
            {
                return PfKeyResult.Invalid(PfKeyDiagnostic.BadAalg);
            }

            if (!AlgorithmTable.TryGetByPfKeyId(PfKeyAlgorithmSpace.Compression, (byte)header.Encrypt, out _))
            {
                return PfKeyResult.Invalid(PfKeyDiagnostic.BadEalg);
            }

            compression = SaAlgorithm.WithoutKey((byte)header.Encrypt);
            return CheckNoKey(message, ExtensionType.KeyAuth) ?? CheckNoKey(message, ExtensionType.KeyEncrypt) ?? PfKeyResult.Success;
        }

        // RFC 4302: AH authenticates only. RFC 4303 §3.2: ESP needs encryption or authentication.
        if (protocol == IpsecProtocol.Ah && header.Encrypt != EncryptAlgorithm.None)
        {
            return PfKeyResult.Invalid(PfKeyDiagnostic.BadEalg);
        }

        if (header.Auth == AuthAlgorithm.None && (protocol == IpsecProtocol.Ah || header.Encrypt == EncryptAlgorithm.None))
        {
            return PfKeyResult.Invalid(protocol == IpsecProtocol.Ah ? PfKeyDiagnostic.BadAalg : PfKeyDiagnostic.BadEalg);
        }

        PfKeyResult result = ReadAlgorithm(message, PfKeyAlgorithmSpace.Encryption, (byte)header.Encrypt, out encryption, out AlgorithmInfo? cipher);
        if (!result.IsSuccess)
        {
            return result;
        }

        // RFC 4106 §8: a combined-mode algorithm authenticates itself; a second integrity algorithm is an error.
        if (cipher?.Kind == Crypto.AlgorithmKind.Aead && header.Auth != AuthAlgorithm.None)
        {
            return PfKeyResult.Invalid(PfKeyDiagnostic.BadAalg);
        }

        return ReadAlgorithm(message, PfKeyAlgorithmSpace.Authentication, (byte)header.Auth, out authentication, out _);
    }

    /// <summary>One algorithm and its key: the id must be in the table and the key exactly what the algorithm takes.</summary>
    private static PfKeyResult ReadAlgorithm(scoped in PfKeyMessage message, PfKeyAlgorithmSpace space, byte id, out SaAlgorithm? algorithm, out AlgorithmInfo? info)
    {
        bool isAuth = space == PfKeyAlgorithmSpace.Authentication;
        ExtensionType keyType = isAuth ? ExtensionType.KeyAuth : ExtensionType.KeyEncrypt;
        algorithm = null;
        info = null;
        if (id == 0)
        {
            return CheckNoKey(message, keyType) ?? PfKeyResult.Success;
        }

        if (!AlgorithmTable.TryGetByPfKeyId(space, id, out info))
        {
            return PfKeyResult.Invalid(isAuth ? PfKeyDiagnostic.BadAalg : PfKeyDiagnostic.BadEalg);
        }

        if (info.MaxKeyBits == 0)
        {
            algorithm = SaAlgorithm.WithoutKey(id);
            return CheckNoKey(message, keyType) ?? PfKeyResult.Success;
        }

        if (!message.TryGetKey(keyType, out KeyExtension key))
        {
            return PfKeyResult.Invalid(isAuth ? PfKeyDiagnostic.MissingAKey : PfKeyDiagnostic.MissingEKey);
        }

        if (!info.IsValidKeyBits(key.Bits))
        {
            return PfKeyResult.Invalid(isAuth ? PfKeyDiagnostic.BadAKeyBits : PfKeyDiagnostic.BadEKeyBits);
        }

        algorithm = new SaAlgorithm(id, key.Key, key.Bits);
        return PfKeyResult.Success;
    }

    private static PfKeyResult? CheckNoKey(scoped in PfKeyMessage message, ExtensionType keyType) =>
        !message.Contains(keyType) ? null
        : PfKeyResult.Invalid(keyType == ExtensionType.KeyAuth ? PfKeyDiagnostic.AKeyPresent : PfKeyDiagnostic.EKeyPresent);

    /// <summary>
    /// The SA's UDP encapsulation, in either of two forms (never both: DUPLICATE_NATT_PORTS): Linux's NAT_T_TYPE with
    /// both ports and the original address NAT_T_OA when given, or the seed's NATT_LOC and NATT_REM, whose ports are
    /// this end's and the peer's.
    /// </summary>
    private static PfKeyResult ReadNatTraversal(scoped in PfKeyMessage message, SaExtension header, out NatTraversalEncapsulation? natTraversal)
    {
        natTraversal = null;
        bool hasType = message.TryGetNatTType(out NatTTypeExtension type);
        bool hasSourcePort = message.TryGetNatTPort(ExtensionType.NatTSport, out NatTPortExtension sourcePort);
        bool hasDestinationPort = message.TryGetNatTPort(ExtensionType.NatTDport, out NatTPortExtension destinationPort);
        bool linuxForm = hasType || hasSourcePort || hasDestinationPort;
        if (message.Contains(ExtensionType.AddressNattLoc) || message.Contains(ExtensionType.AddressNattRem))
        {
            return linuxForm
                ? PfKeyResult.Invalid(PfKeyDiagnostic.DuplicateNattPorts)
                : ReadSeedNatTraversal(message, header, out natTraversal);
        }

        if (!linuxForm)
        {
            return PfKeyResult.Success;
        }

        if (!hasType || !hasSourcePort || !hasDestinationPort)
        {
            return PfKeyResult.Invalid(PfKeyDiagnostic.NoExt);
        }

        if (type.Type != EspInUdp || sourcePort.Port == 0 || destinationPort.Port == 0)
        {
            return PfKeyResult.Invalid();
        }

        IpAddress original = message.TryGetAddress(ExtensionType.NatTOa, out AddressExtension oa) ? oa.Sockaddr.Address : default;
        natTraversal = new NatTraversalEncapsulation(NatTraversalType.EspInUdp, sourcePort.Port, destinationPort.Port, original);
        return PfKeyResult.Success;
    }

    /// <summary>
    /// The seed's NAT-T addresses: NATT_LOC carries this end's port (and its public address when a NAT stands in
    /// front of it), NATT_REM the peer's port (and its address behind its NAT). Which port is the encapsulation's
    /// source depends on the SA's direction, so the SA must say it (SADB_X_SAFLAGS_INBOUND or OUTBOUND). A non-zero
    /// NATT_REM address other than the peer's becomes the original address (RFC 3947 NAT-OA) that transport mode
    /// fixes checksums with; a NATT_LOC address other than this end's has no place in the SA (Linux keeps the
    /// peer's alone) and is EOPNOTSUPP.
    /// </summary>
    private static PfKeyResult ReadSeedNatTraversal(scoped in PfKeyMessage message, SaExtension header, out NatTraversalEncapsulation? natTraversal)
    {
        natTraversal = null;
        if (!message.TryGetAddress(ExtensionType.AddressNattLoc, out AddressExtension local))
        {
            return PfKeyResult.Invalid(PfKeyDiagnostic.MissingNattLoc);
        }

        if (!message.TryGetAddress(ExtensionType.AddressNattRem, out AddressExtension remote))
        {
            return PfKeyResult.Invalid(PfKeyDiagnostic.MissingNattRem);
        }

        message.TryGetAddress(ExtensionType.AddressSrc, out AddressExtension source);
        if (local.Sockaddr.Family != source.Sockaddr.Family)
        {
            return PfKeyResult.Invalid(PfKeyDiagnostic.BadNattLocAf);
        }

        if (remote.Sockaddr.Family != source.Sockaddr.Family)
        {
            return PfKeyResult.Invalid(PfKeyDiagnostic.BadNattRemAf);
        }

        if (local.Sockaddr.Port == 0)
        {
            return PfKeyResult.Invalid(PfKeyDiagnostic.MalformedNattLoc);
        }

        if (remote.Sockaddr.Port == 0)
        {
            return PfKeyResult.Invalid(PfKeyDiagnostic.MalformedNattRem);
        }

        bool outbound = (header.Flags & WireSaFlags.Outbound) != 0;
        if (!outbound && (header.Flags & WireSaFlags.Inbound) == 0)
        {
            return PfKeyResult.Invalid(PfKeyDiagnostic.BadSaDirection);
        }

        message.TryGetAddress(ExtensionType.AddressDst, out AddressExtension destination);
        IpAddress localAddress = outbound ? source.Sockaddr.Address : destination.Sockaddr.Address;
        IpAddress remoteAddress = outbound ? destination.Sockaddr.Address : source.Sockaddr.Address;
        if (!local.Sockaddr.Address.IsUnspecified && local.Sockaddr.Address != localAddress)
        {
            return new PfKeyResult(PfKeyErrno.OperationNotSupported, PfKeyDiagnostic.None);
        }

        IpAddress original = remote.Sockaddr.Address.IsUnspecified || remote.Sockaddr.Address == remoteAddress ? default : remote.Sockaddr.Address;
        (ushort sendFrom, ushort sendTo) = outbound ? (local.Sockaddr.Port, remote.Sockaddr.Port) : (remote.Sockaddr.Port, local.Sockaddr.Port);
        natTraversal = new NatTraversalEncapsulation(NatTraversalType.EspInUdp, sendFrom, sendTo, original);
        return PfKeyResult.Success;
    }

    /// <summary>INNER_SRC/INNER_DST: the tunnel's inner traffic selector (RequestRules checked them as a pair).</summary>
    private static Selector? ReadInnerSelector(scoped in PfKeyMessage message) =>
        message.TryGetAddress(ExtensionType.AddressInnerSrc, out AddressExtension source)
        && message.TryGetAddress(ExtensionType.AddressInnerDst, out AddressExtension destination)
            ? SelectorConversion.ToSelector(source, destination)
            : null;
}
