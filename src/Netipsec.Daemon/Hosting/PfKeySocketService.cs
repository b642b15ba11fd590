using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Netipsec.PfKey.Sockets;

namespace Netipsec.Daemon.Hosting;

/// <summary>Serves PF_KEY v2 to key managers on a Unix socket (mode 0600, root only) while the daemon runs.</summary>
internal sealed class PfKeySocketService(DaemonRuntime runtime, DaemonOptions options, ILogger<PfKeySocketService> logger) : IHostedService, IDisposable
{
    private PfKeySocketServer? _server;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _server = new PfKeySocketServer(runtime.PfKey, options.PfKeySocketPath);
        DaemonLog.PfKeyListening(logger, _server.Path);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _server?.Dispose();
        _server = null;
    }
}
