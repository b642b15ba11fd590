using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Netipsec.Daemon.Hosting;

/// <summary>Runs the host and turns a failed start (TUN, sockets, configuration) into a logged reason and exit code 1.</summary>
internal static class DaemonHost
{
    public static async Task<int> RunAsync(IHost host)
    {
        try
        {
            await host.RunAsync().ConfigureAwait(false);
            return 0;
        }
        catch (Exception exception) when (exception is IOException or FormatException or DaemonStartException or System.Net.Sockets.SocketException)
        {
            ILogger logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("netipsecd");
            DaemonLog.StartFailed(logger, exception.Message);
            return 1;
        }
    }
}
