using Microsoft.Extensions.Hosting;

namespace Netipsec.Daemon.Hosting;

/// <summary>
/// The once-a-second work: SA and policy lifetimes (EXPIRE), hold queues and reassembly timeouts, NAT keepalives, the host's
/// address list, and the routes into the TUN whenever the SPD changed.
/// </summary>
internal sealed class TimerService(DaemonRuntime runtime) : BackgroundService
{
    private const int AddressRefreshTicks = 5;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        long routedGeneration = -1;
        int tick = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        do
        {
            runtime.Engine.RunExpiry();
            runtime.Gateway.RunTimers();
            runtime.Gateway.SendKeepalives();
            if (++tick % AddressRefreshTicks == 0)
            {
                runtime.LocalAddresses.Refresh();
            }

            long generation = runtime.Engine.Policies.Generation;
            if (generation != routedGeneration)
            {
                routedGeneration = generation;
                runtime.SynchronizeRoutes(runtime.Engine.Policies.Dump());
            }
        }
        while (await WaitAsync(timer, stoppingToken).ConfigureAwait(false));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
