namespace Netipsec.States;

/// <summary>The outcome of a <see cref="SecurityAssociationDatabase"/> operation. Nothing is changed unless it is <see cref="Ok"/>.</summary>
public enum SadStatus
{
    /// <summary>Done.</summary>
    Ok,

    /// <summary>An SA with the same (destination, SPI, protocol) is already installed (PF_KEY EEXIST).</summary>
    Exists,

    /// <summary>No SA with that (destination, SPI, protocol) is installed (PF_KEY ESRCH).</summary>
    NotFound,

    /// <summary>
    /// The request breaks a rule: an inconsistent SA (see <see cref="SecurityAssociationDatabase.Add"/>), an update
    /// that would change the keys of a mature SA, a bad SPI range, soft limits above hard ones (PF_KEY EINVAL).
    /// </summary>
    Invalid,

    /// <summary>The SA is consistent, but its transform does not support its algorithms or key sizes (PF_KEY EINVAL, bad algorithm).</summary>
    Unsupported,

    /// <summary>GETSPI found no free SPI in the requested range.</summary>
    SpiRangeExhausted,

    /// <summary>A pair operation on an SA that has no pair (<see cref="SecurityAssociation.PairSpi"/> is 0).</summary>
    NotPaired,

    /// <summary>A pair operation whose SA exists but whose pair does not; neither was changed.</summary>
    PairNotFound,
}
