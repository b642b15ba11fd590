namespace Netipsec.Daemon.Hosting;

/// <summary>The daemon cannot start as configured (a refused configuration file, a socket path in use); the message says why.</summary>
internal sealed class DaemonStartException : Exception
{
    public DaemonStartException()
    {
    }

    public DaemonStartException(string message)
        : base(message)
    {
    }

    public DaemonStartException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
