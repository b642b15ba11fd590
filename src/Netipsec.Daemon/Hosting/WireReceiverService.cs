using Microsoft.Extensions.Hosting;
using Netipsec.Daemon.DataPlane;

namespace Netipsec.Daemon.Hosting;

/// <summary>The inbound loop: receiving from the wire sockets, decapsulating and writing to the TUN.</summary>
internal sealed class WireReceiverService(DaemonRuntime runtime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Gateway gateway = runtime.Gateway;
        using CancellationTokenRegistration wake = stoppingToken.Register(gateway.Close);
        await LoopThreads.RunAll([() => gateway.WireLoop.Run(stoppingToken)]).ConfigureAwait(false);
    }
}
