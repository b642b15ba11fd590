using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Netipsec.Daemon.Hosting;

namespace Netipsec.Daemon.Config;

/// <summary>
/// Loads the configuration file when the daemon starts — a refused file stops the start, so the daemon exits
/// non-zero with nothing applied — and again on SIGHUP, applying only the difference; a refused reload changes
/// nothing and the daemon runs on with what it had.
/// </summary>
internal sealed class ConfigurationService(DaemonRuntime runtime, DaemonOptions options, ILogger<ConfigurationService> logger) : IHostedService, IDisposable
{
    private readonly ConfigurationLoader _loader = new(runtime.Engine, runtime.PfKey);
    private PosixSignalRegistration? _hangup;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        string path = options.ConfigPath;
        if (!File.Exists(path))
        {
            DaemonLog.ConfigMissing(logger, path);
        }
        else if (Load(path) is { Refused: true } refused)
        {
            throw new DaemonStartException($"configuration {path} refused:{Environment.NewLine}{string.Join(Environment.NewLine, refused.Errors)}");
        }

        _hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true; // SIGHUP reloads; it must not end the process
            DaemonLog.Reloading(logger, path);
            _ = Task.Run(() => Load(path), CancellationToken.None);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _hangup?.Dispose();
        _hangup = null;
    }

    private ConfigurationOutcome Load(string path)
    {
        ConfigurationOutcome outcome = _loader.Apply(path);
        if (outcome.Refused)
        {
            DaemonLog.ConfigRefused(logger, path, string.Join("; ", outcome.Errors));
            return outcome;
        }

        foreach (string error in outcome.Errors)
        {
            DaemonLog.ConfigChangeFailed(logger, error);
        }

        DaemonLog.ConfigApplied(logger, path, outcome.Added, outcome.Removed, outcome.Kept);
        return outcome;
    }
}
