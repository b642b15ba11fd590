namespace Netipsec.Policies;

/// <summary>The outcome of a <see cref="SecurityPolicyDatabase"/> configuration call; the SPD is unchanged unless it is <see cref="Ok"/>.</summary>
public enum SpdStatus
{
    /// <summary>Done.</summary>
    Ok,

    /// <summary>Add: a policy with the same direction and selector is already installed (PF_KEY's EEXIST).</summary>
    Exists,

    /// <summary>Delete: no installed policy has that direction and selector, or that index (ENOENT).</summary>
    NotFound,

    /// <summary>
    /// The policy breaks a rule: an unknown direction, action, protocol, mode or level; a selector whose source and
    /// destination differ in IP version; soft lifetime limits above the hard ones; a template whose tunnel
    /// endpoints differ in IP version from each other; a transport-mode template of another family than the traffic
    /// it carries; or an optional (level use) tunnel or BEET template in an outbound policy (EINVAL).
    /// </summary>
    Invalid,

    /// <summary>
    /// The policy object was installed before (in this or another SPD). The SPD stamps index and lifetime onto the
    /// object it installs, so every add or update needs a new <see cref="SecurityPolicy"/>.
    /// </summary>
    AlreadyInstalled,

    /// <summary>All 2^29 indexes of the SPD were handed out; indexes are never reused while the SPD lives.</summary>
    IndexesExhausted,
}
