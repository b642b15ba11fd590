using Microsoft.Extensions.Logging;

namespace Netipsec.Daemon.Hosting;

/// <summary>The daemon's log messages, with stable event ids. Nothing here ever carries key material.</summary>
internal static partial class DaemonLog
{
    [LoggerMessage(1, LogLevel.Information, "TUN {Name} up: {Queues} queue(s), MTU {Mtu}, addresses [{Addresses}]")]
    public static partial void TunUp(ILogger logger, string name, int queues, int mtu, string addresses);

    [LoggerMessage(2, LogLevel.Information, "wire sockets open: raw ESP/AH/IPComp over IPv4{Ipv6}, UDP port {Port}")]
    public static partial void WireOpen(ILogger logger, string ipv6, int port);

    [LoggerMessage(3, LogLevel.Information, "route {Prefix} into the TUN added")]
    public static partial void RouteAdded(ILogger logger, string prefix);

    [LoggerMessage(4, LogLevel.Information, "route {Prefix} into the TUN removed")]
    public static partial void RouteRemoved(ILogger logger, string prefix);

    [LoggerMessage(5, LogLevel.Warning, "route {Prefix} into the TUN failed: errno {Errno}")]
    public static partial void RouteFailed(ILogger logger, string prefix, int errno);

    [LoggerMessage(6, LogLevel.Warning, "not routing {Prefix} into the TUN: it contains its own tunnel endpoint, so the encrypted packets would loop")]
    public static partial void RouteWouldLoop(ILogger logger, string prefix);

    [LoggerMessage(7, LogLevel.Information, "stopped: TUN {Name} removed with its routes")]
    public static partial void Stopped(ILogger logger, string name);

    [LoggerMessage(8, LogLevel.Information, "control socket listening on {Path}")]
    public static partial void ControlListening(ILogger logger, string path);

    [LoggerMessage(9, LogLevel.Warning, "control connection failed: {Reason}")]
    public static partial void ControlFailed(ILogger logger, string reason);

    [LoggerMessage(10, LogLevel.Information, "configuration {Path}: {Added} added, {Removed} removed, {Kept} unchanged")]
    public static partial void ConfigApplied(ILogger logger, string path, int added, int removed, int kept);

    [LoggerMessage(11, LogLevel.Error, "configuration {Path} refused, nothing applied: {Error}")]
    public static partial void ConfigRefused(ILogger logger, string path, string error);

    [LoggerMessage(12, LogLevel.Information, "configuration {Path} not found: starting with empty databases")]
    public static partial void ConfigMissing(ILogger logger, string path);

    [LoggerMessage(13, LogLevel.Information, "SIGHUP: reloading {Path}")]
    public static partial void Reloading(ILogger logger, string path);

    [LoggerMessage(14, LogLevel.Information, "PF_KEY socket listening on {Path}")]
    public static partial void PfKeyListening(ILogger logger, string path);

    [LoggerMessage(15, LogLevel.Critical, "cannot start: {Reason}")]
    public static partial void StartFailed(ILogger logger, string reason);

    [LoggerMessage(16, LogLevel.Warning, "configuration change failed: {Error}")]
    public static partial void ConfigChangeFailed(ILogger logger, string error);

    [LoggerMessage(17, LogLevel.Information, "rule 'not fwmark {Mark:x} lookup {Table} priority {Priority}' added: transport-mode policies route into the TUN there")]
    public static partial void RuleAdded(ILogger logger, uint mark, int table, int priority);

    [LoggerMessage(18, LogLevel.Warning, "removing the rule to the transport routes' table failed: errno {Errno}")]
    public static partial void RuleRemoveFailed(ILogger logger, int errno);
}
