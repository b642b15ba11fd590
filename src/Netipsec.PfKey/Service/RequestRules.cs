using Netipsec.PfKey.Wire;
using Netipsec.States;

namespace Netipsec.PfKey.Service;

/// <summary>
/// The checks every request passes before the service touches the SAD or SPD: the extensions its type requires
/// and forbids (RFC 2367 §3.1 and the seed's message formats), its SA type, and the consistency of its address and
/// lifetime pairs. Each failure carries the seed's diagnostic.
/// </summary>
internal static class RequestRules
{
    /// <summary>Checks everything that does not depend on the message's handler; <see cref="PfKeyResult.Success"/> when all holds.</summary>
    public static PfKeyResult Check(scoped in PfKeyMessage message)
    {
        MessageType type = message.Header.Type;
        PfKeyResult result = CheckRequired(message, type);
        if (!result.IsSuccess)
        {
            return result;
        }

        result = CheckForbidden(message, type);
        if (!result.IsSuccess)
        {
            return result;
        }

        result = CheckSaType(message.Header.SaType, type);
        if (!result.IsSuccess)
        {
            return result;
        }

        result = CheckAddressPairs(message);
        return result.IsSuccess ? CheckLifetimes(message) : result;
    }

    /// <summary>The protocol an SA type names; false for UNSPEC and the types Netipsec has no database for.</summary>
    public static bool TryGetProtocol(SaType type, out IpsecProtocol protocol)
    {
        (bool known, protocol) = type switch
        {
            SaType.Esp => (true, IpsecProtocol.Esp),
            SaType.Ah => (true, IpsecProtocol.Ah),
            SaType.IpComp => (true, IpsecProtocol.IpComp),
            _ => (false, default(IpsecProtocol)),
        };
        return known;
    }

    private static bool IsSaMessage(MessageType type) =>
        type is MessageType.GetSpi or MessageType.Update or MessageType.Add or MessageType.Delete or MessageType.Get
            or MessageType.UpdatePair or MessageType.DelPair;

    private static PfKeyResult CheckRequired(scoped in PfKeyMessage message, MessageType type)
    {
        switch (type)
        {
            case MessageType.GetSpi:
                return Require(message, ExtensionType.AddressSrc, PfKeyDiagnostic.MissingSrc)
                    ?? Require(message, ExtensionType.AddressDst, PfKeyDiagnostic.MissingDst)
                    ?? Require(message, ExtensionType.SpiRange, PfKeyDiagnostic.MissingRange)
                    ?? PfKeyResult.Success;
            case MessageType.Update or MessageType.Add or MessageType.Delete or MessageType.Get or MessageType.DelPair:
                return Require(message, ExtensionType.Sa, PfKeyDiagnostic.MissingSa)
                    ?? Require(message, ExtensionType.AddressSrc, PfKeyDiagnostic.MissingSrc)
                    ?? Require(message, ExtensionType.AddressDst, PfKeyDiagnostic.MissingDst)
                    ?? PfKeyResult.Success;
            case MessageType.UpdatePair:
                // The seed: <base, SA, lifetime(HS), address(SD)> — the lifetimes are what it changes.
                return Require(message, ExtensionType.Sa, PfKeyDiagnostic.MissingSa)
                    ?? Require(message, ExtensionType.AddressSrc, PfKeyDiagnostic.MissingSrc)
                    ?? Require(message, ExtensionType.AddressDst, PfKeyDiagnostic.MissingDst)
                    ?? Require(message, ExtensionType.LifetimeHard, PfKeyDiagnostic.NoExt)
                    ?? Require(message, ExtensionType.LifetimeSoft, PfKeyDiagnostic.NoExt)
                    ?? PfKeyResult.Success;
            case MessageType.SpdAdd or MessageType.SpdUpdate or MessageType.SpdDelete:
                return Require(message, ExtensionType.AddressSrc, PfKeyDiagnostic.MissingSrc)
                    ?? Require(message, ExtensionType.AddressDst, PfKeyDiagnostic.MissingDst)
                    ?? Require(message, ExtensionType.Policy, PfKeyDiagnostic.NoExt)
                    ?? PfKeyResult.Success;
            case MessageType.InverseAcquire:
                return Require(message, ExtensionType.AddressSrc, PfKeyDiagnostic.MissingSrc)
                    ?? Require(message, ExtensionType.AddressDst, PfKeyDiagnostic.MissingDst)
                    ?? PfKeyResult.Success;
            case MessageType.SpdDelete2 or MessageType.SpdGet:
                return Require(message, ExtensionType.Policy, PfKeyDiagnostic.NoExt) ?? PfKeyResult.Success;
            default:
                return PfKeyResult.Success;
        }
    }

    private static PfKeyResult CheckForbidden(scoped in PfKeyMessage message, MessageType type)
    {
        // Keys travel only in the messages that install them; proposals and algorithm lists only from the service.
        bool installs = type is MessageType.Add or MessageType.Update;
        if (!installs && message.Contains(ExtensionType.KeyAuth))
        {
            return PfKeyResult.Invalid(PfKeyDiagnostic.AKeyPresent);
        }

        if (!installs && message.Contains(ExtensionType.KeyEncrypt))
        {
            return PfKeyResult.Invalid(PfKeyDiagnostic.EKeyPresent);
        }

        if (message.Contains(ExtensionType.Proposal) || message.Contains(ExtensionType.Eprop))
        {
            return PfKeyResult.Invalid(PfKeyDiagnostic.PropPresent);
        }

        if (message.Contains(ExtensionType.SupportedAuth) || message.Contains(ExtensionType.SupportedEncrypt))
        {
            return PfKeyResult.Invalid(PfKeyDiagnostic.SuppPresent);
        }

        if (!installs && message.Contains(ExtensionType.ReplaySequence))
        {
            return PfKeyResult.Invalid(PfKeyDiagnostic.BadSaState); // counters are set only as an SA is installed
        }

        // The seed: a pair links SAs only as an ADD or UPDATE installs them.
        return !installs && message.Contains(ExtensionType.Pair)
            ? PfKeyResult.Invalid(PfKeyDiagnostic.PairInappropriate)
            : PfKeyResult.Success;
    }

    private static PfKeyResult CheckSaType(SaType saType, MessageType type)
    {
        if (IsSaMessage(type))
        {
            return saType == SaType.Unspecified ? PfKeyResult.Invalid(PfKeyDiagnostic.SaTypeNeeded)
                : TryGetProtocol(saType, out _) ? PfKeyResult.Success
                : PfKeyResult.Invalid(PfKeyDiagnostic.NoSadbs);
        }

        // FLUSH and DUMP take UNSPEC for "every type"; the SPD messages ignore the field, as Linux does.
        return type is MessageType.Flush or MessageType.Dump && saType != SaType.Unspecified && !TryGetProtocol(saType, out _)
            ? PfKeyResult.Invalid(PfKeyDiagnostic.NoSadbs)
            : PfKeyResult.Success;
    }

    private static PfKeyResult CheckAddressPairs(scoped in PfKeyMessage message)
    {
        bool hasOuter = message.TryGetAddress(ExtensionType.AddressSrc, out AddressExtension source)
            & message.TryGetAddress(ExtensionType.AddressDst, out AddressExtension destination);
        if (hasOuter)
        {
            if (source.Sockaddr.Family != destination.Sockaddr.Family)
            {
                return PfKeyResult.Invalid(PfKeyDiagnostic.AfMismatch);
            }

            if (source.Protocol != destination.Protocol)
            {
                return PfKeyResult.Invalid(PfKeyDiagnostic.ProtoMismatch);
            }
        }

        bool hasInnerSource = message.TryGetAddress(ExtensionType.AddressInnerSrc, out AddressExtension innerSource);
        bool hasInnerDestination = message.TryGetAddress(ExtensionType.AddressInnerDst, out AddressExtension innerDestination);
        if (hasInnerSource != hasInnerDestination)
        {
            return PfKeyResult.Invalid(hasInnerSource ? PfKeyDiagnostic.MissingInnerDst : PfKeyDiagnostic.MissingInnerSrc);
        }

        if (!hasInnerSource)
        {
            return PfKeyResult.Success;
        }

        if (innerSource.Sockaddr.Family != innerDestination.Sockaddr.Family)
        {
            return PfKeyResult.Invalid(PfKeyDiagnostic.InnerAfMismatch);
        }

        if (innerSource.Protocol != innerDestination.Protocol)
        {
            return PfKeyResult.Invalid(PfKeyDiagnostic.InnerProtoMismatch);
        }

        // Ports select traffic once: on the inner header of a tunnel, never on both (the seed's DUAL_PORT_SETS).
        bool outerPorts = hasOuter && (source.Sockaddr.Port != 0 || destination.Sockaddr.Port != 0);
        bool innerPorts = innerSource.Sockaddr.Port != 0 || innerDestination.Sockaddr.Port != 0;
        return outerPorts && innerPorts ? PfKeyResult.Invalid(PfKeyDiagnostic.DualPortSets) : PfKeyResult.Success;
    }

    /// <summary>RFC 2367 §2.3.2: a soft limit above its hard limit can never fire first. A hard limit of 0 is none.</summary>
    private static PfKeyResult CheckLifetimes(scoped in PfKeyMessage message)
    {
        if (!message.TryGetLifetime(ExtensionType.LifetimeSoft, out LifetimeExtension soft)
            || !message.TryGetLifetime(ExtensionType.LifetimeHard, out LifetimeExtension hard))
        {
            return PfKeyResult.Success;
        }

        return Exceeds(soft.Allocations, hard.Allocations) ? PfKeyResult.Invalid(PfKeyDiagnostic.AllocHsErr)
            : Exceeds(soft.Bytes, hard.Bytes) ? PfKeyResult.Invalid(PfKeyDiagnostic.BytesHsErr)
            : Exceeds(soft.AddTime, hard.AddTime) ? PfKeyResult.Invalid(PfKeyDiagnostic.AddtimeHsErr)
            : Exceeds(soft.UseTime, hard.UseTime) ? PfKeyResult.Invalid(PfKeyDiagnostic.UsetimeHsErr)
            : PfKeyResult.Success;
    }

    private static bool Exceeds(ulong soft, ulong hard) => hard != 0 && soft > hard;

    private static PfKeyResult? Require(scoped in PfKeyMessage message, ExtensionType type, PfKeyDiagnostic missing) =>
        message.Contains(type) ? null : PfKeyResult.Invalid(missing);
}
