namespace Netipsec.Engine;

/// <summary>The outcome of resolving an outbound policy's templates to SAs.</summary>
public enum BundleStatus : byte
{
    /// <summary>Nothing was resolved: no policy matched, it is not an IPsec policy, or the direction is not output.</summary>
    None = 0,

    /// <summary>Every required template has an SA; <see cref="BundleResolution.Bundle"/> is set.</summary>
    Ok,

    /// <summary>
    /// A required template has no usable SA yet; an ACQUIRE was raised or one is pending. The packet waits in the
    /// hold queue or is dropped (<see cref="DropReason.OutNoStates"/>).
    /// </summary>
    Missing,

    /// <summary>The bundle cannot be built; <see cref="BundleResolution.DropReason"/> says which counter to increment.</summary>
    Error,
}
