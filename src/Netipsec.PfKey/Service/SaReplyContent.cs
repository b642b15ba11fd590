namespace Netipsec.PfKey.Service;

/// <summary>How much of an SA a message carries (the seed's reply formats).</summary>
internal enum SaReplyContent
{
    /// <summary>SA(*) and addresses: GETSPI and DELETE replies.</summary>
    Identity,

    /// <summary>SA, SA2, hard and soft lifetimes, addresses, inner selector, NAT-T, pair — no keys: ADD and UPDATE replies to all.</summary>
    Settings,

    /// <summary>Everything, current lifetime and keys included: GET and DUMP, to the sender only.</summary>
    SettingsAndKeys,
}
