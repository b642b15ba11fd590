using Netipsec.States;

namespace Netipsec.Cli.Demo;

/// <summary>What the demo's outbound step decided: the SA and sequence number to send with, or why not.</summary>
internal sealed record SendResult(SecurityAssociation? Sa, ulong Sequence, string Description)
{
    public static SendResult Dropped(string reason) => new(null, 0, reason);
}
