namespace Netipsec.PfKey.Channels;

/// <summary>Sizes every PF_KEY channel shares.</summary>
public static class PfKeyChannelLimits
{
    /// <summary>
    /// The receive buffer a caller provides: the service's replies are far smaller, and Linux's largest PF_KEY
    /// datagram is below this too.
    /// </summary>
    public const int MaxMessageLength = 65536;

    /// <summary>
    /// Messages kept for a reader that has not taken them yet; more are dropped and counted, as a full socket
    /// receive buffer drops them, so one slow reader never holds up the service.
    /// </summary>
    public const int DefaultQueueCapacity = 1024;
}
