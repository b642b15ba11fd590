using Netipsec.Policies;

namespace Netipsec.Engine;

/// <summary>What <see cref="BundleResolver.Resolve"/> found: a bundle, the template still missing an SA, or an error.</summary>
/// <remarks>An immutable value; <c>default</c> is <see cref="BundleStatus.None"/> (nothing resolved).</remarks>
public readonly struct BundleResolution
{
    private BundleResolution(BundleStatus status, Bundle? bundle, PolicyTemplate? missingTemplate, DropReason dropReason)
    {
        Status = status;
        Bundle = bundle;
        MissingTemplate = missingTemplate;
        DropReason = dropReason;
    }

    /// <summary>Whether a bundle was built, an SA is missing, or the bundle cannot be built.</summary>
    public BundleStatus Status { get; }

    /// <summary>The bundle when <see cref="Status"/> is <see cref="BundleStatus.Ok"/>, else null.</summary>
    public Bundle? Bundle { get; }

    /// <summary>The first required template without a usable SA when <see cref="Status"/> is <see cref="BundleStatus.Missing"/>.</summary>
    public PolicyTemplate? MissingTemplate { get; }

    /// <summary>
    /// The counter a packet that cannot be sent increments: <see cref="DropReason.OutNoStates"/> for
    /// <see cref="BundleStatus.Missing"/> (when it is not held), <see cref="DropReason.OutPolDead"/> or
    /// <see cref="DropReason.OutBundleGenError"/> for <see cref="BundleStatus.Error"/>; <see cref="DropReason.None"/> otherwise.
    /// </summary>
    public DropReason DropReason { get; }

    internal static BundleResolution Resolved(Bundle bundle) => new(BundleStatus.Ok, bundle, null, DropReason.None);

    internal static BundleResolution Missing(PolicyTemplate template) => new(BundleStatus.Missing, null, template, DropReason.OutNoStates);

    internal static BundleResolution Failed(DropReason reason) => new(BundleStatus.Error, null, null, reason);
}
