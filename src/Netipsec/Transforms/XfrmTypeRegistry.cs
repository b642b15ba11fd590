using Netipsec.States;
using Netipsec.Transforms.Ah;
using Netipsec.Transforms.Esp;
using Netipsec.Transforms.IpComp;

namespace Netipsec.Transforms;

/// <summary>
/// Which <see cref="IXfrmType"/> handles each IPsec protocol (Linux's xfrm_get_type). The SAD asks it to prepare an
/// SA when it is installed and to destroy it when it dies; the engine asks it for the transform of each SA.
/// </summary>
/// <remarks>Immutable after construction, so lookups from the data path need no lock.</remarks>
public sealed class XfrmTypeRegistry
{
    private readonly IXfrmType?[] _byProtocol = new IXfrmType?[256];

    public XfrmTypeRegistry(params IEnumerable<IXfrmType> types)
    {
        ArgumentNullException.ThrowIfNull(types);
        foreach (IXfrmType type in types)
        {
            ref IXfrmType? slot = ref _byProtocol[(byte)type.Protocol];
            if (slot is not null)
            {
                throw new ArgumentException($"Two transforms for {type.Protocol}.", nameof(types));
            }

            slot = type;
        }
    }

    /// <summary>Every transform Netipsec ships: ESP, AH and IPComp (DEFLATE), on the portable crypto engine.</summary>
    public static XfrmTypeRegistry CreateDefault() => new(EspTransform.Instance, AhTransform.Instance, IpCompTransform.Instance);

    /// <summary>
    /// Every transform Netipsec ships, ESP and AH preparing each SA's keys with the first of <paramref name="engines"/>
    /// that takes them (e.g. a native engine, then <see cref="Crypto.PortableCryptoEngine.Instance"/> as the fallback).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="engines"/> is empty or holds null.</exception>
    public static XfrmTypeRegistry Create(IReadOnlyList<Crypto.ICryptoEngine> engines) =>
        new(new EspTransform(engines), new AhTransform(engines), IpCompTransform.Instance);

    /// <summary>The transform of <paramref name="protocol"/>, or null when none is registered.</summary>
    public IXfrmType? Get(IpsecProtocol protocol) => _byProtocol[(byte)protocol];

    /// <summary>Prepares <paramref name="sa"/> with its protocol's transform; <see cref="TransformStatus.Unsupported"/> when there is none.</summary>
    internal TransformStatus Init(SecurityAssociation sa) =>
        Get(sa.Protocol) is { } type ? type.Init(sa) : TransformStatus.Unsupported;

    internal void Destroy(SecurityAssociation sa) => Get(sa.Protocol)?.Destroy(sa);
}
