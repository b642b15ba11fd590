namespace Netipsec.Packets;

/// <summary>
/// The tag a packet filter leaves on a packet it diverts to a socket (FreeBSD's ipfw divert tag): which rule sent it
/// and to which divert port, so a re-injected packet can resume after that rule.
/// </summary>
/// <remarks>A <c>default</c> tag is absent (<see cref="IsPresent"/> false); every constructed tag is present.</remarks>
/// <param name="RuleNumber">The number of the filter rule that diverted the packet.</param>
/// <param name="Cookie">The rule's identity at the time (its cookie), so a changed rule set can be detected.</param>
/// <param name="Port">The divert port the packet was sent to.</param>
public readonly record struct DivertTag(uint RuleNumber, uint Cookie, ushort Port)
{
    /// <summary>True when the packet carries a divert tag; false for <c>default</c>.</summary>
    public bool IsPresent { get; } = true;
}
