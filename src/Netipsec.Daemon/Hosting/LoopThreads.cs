namespace Netipsec.Daemon.Hosting;

/// <summary>Runs blocking packet loops on dedicated threads: they block in poll(2), which must not hold pool threads.</summary>
internal static class LoopThreads
{
    /// <summary>Starts one long-running thread per loop and completes when all have returned.</summary>
    public static Task RunAll(IEnumerable<Action> loops) =>
        Task.WhenAll(loops.Select(static loop => Task.Factory.StartNew(loop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)));
}
