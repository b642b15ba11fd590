using Microsoft.Extensions.Hosting;

namespace Netipsec.Daemon.Hosting;

/// <summary>
/// Opens the TUN interface and the wire sockets when the host starts (a failure stops the start, and the daemon
/// exits non-zero), and removes routes, interface and sockets when it stops. Registered before the loops, so it
/// stops after them.
/// </summary>
internal sealed class DataPlaneService(DaemonRuntime runtime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        runtime.Open();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        runtime.Shutdown();
        return Task.CompletedTask;
    }
}
