using Microsoft.Extensions.Hosting;
using Netipsec.Daemon.DataPlane;

namespace Netipsec.Daemon.Hosting;

/// <summary>The outbound loops: one thread per TUN queue, reading, protecting and sending to the wire.</summary>
internal sealed class TunReaderService(DaemonRuntime runtime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Gateway gateway = runtime.Gateway;
        using CancellationTokenRegistration wake = stoppingToken.Register(gateway.Close);
        await LoopThreads.RunAll(gateway.TunLoops.Select(loop => (Action)(() => loop.Run(stoppingToken)))).ConfigureAwait(false);
    }
}
