namespace Netipsec.Daemon.Netlink;

/// <summary>
/// The policy-routing rule "packets without firewall mark <see cref="Mark"/> look up <see cref="Table"/>"
/// (ip rule add not fwmark MARK table TABLE priority PRIORITY): the routes into the TUN in that table then catch
/// the host's own traffic while the daemon's packets, which carry the mark, route as if the table were not there.
/// </summary>
/// <param name="Mark">The mark on the daemon's sockets (SO_MARK).</param>
/// <param name="Table">The routing table the transport routes go in.</param>
/// <param name="Priority">The rule's place in the rule list; before main's (32766) so it is consulted first.</param>
internal readonly record struct UnmarkedRule(uint Mark, int Table, int Priority)
{
    /// <summary>The whole mark is compared.</summary>
    public const uint Mask = uint.MaxValue;
}
