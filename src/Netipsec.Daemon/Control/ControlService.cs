using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Netipsec.Daemon.Hosting;

namespace Netipsec.Daemon.Control;

/// <summary>
/// The control socket the netipsec CLI talks to: a Unix stream socket (0600). A client sends one command line
/// (<c>show state</c>, <c>show policy</c>, <c>stats</c>, <c>monitor</c>) and reads text until the daemon closes the
/// connection — at once for the tables and counters, when the client leaves or the daemon stops for <c>monitor</c>.
/// An unknown command is answered "error: ..." on one line.
/// </summary>
internal sealed class ControlService(DaemonRuntime runtime, EventMonitor monitor, DaemonOptions options, ILogger<ControlService> logger) : BackgroundService
{
    private const int MaxCommandLength = 256;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string path = options.ControlSocketPath;
        UnixSocketPath.Prepare(path);
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        UnixSocketPath.RestrictToOwner(path);
        listener.Listen(16);
        DaemonLog.ControlListening(logger, path);
        List<Task> connections = [];
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                Socket client = await listener.AcceptAsync(stoppingToken).ConfigureAwait(false);
                connections.RemoveAll(static task => task.IsCompleted);
                connections.Add(ServeAsync(client, stoppingToken));
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
        finally
        {
            await Task.WhenAll(connections).ConfigureAwait(false);
            File.Delete(path);
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken stoppingToken)
    {
        try
        {
            using var stream = new NetworkStream(client, ownsSocket: true);
            using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\n" };
            string? command = await ReadCommandAsync(stream, stoppingToken).ConfigureAwait(false);
            if (command == ControlCommands.Monitor)
            {
                await StreamEventsAsync(stream, writer, stoppingToken).ConfigureAwait(false);
            }
            else if (command is null || !ControlCommands.TryExecute(command, runtime.Engine, runtime.WriteCounters, writer))
            {
                await writer.WriteLineAsync($"error: unknown command '{command}' (show state, show policy, stats, monitor)").ConfigureAwait(false);
            }

            await writer.FlushAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException)
        {
            DaemonLog.ControlFailed(logger, exception.Message);
        }
    }

    /// <summary>Streams event lines until the client closes its end (a read returns 0) or the daemon stops.</summary>
    private async Task StreamEventsAsync(NetworkStream stream, StreamWriter writer, CancellationToken stoppingToken)
    {
        using EventMonitor.Subscription subscription = monitor.Subscribe();
        using var session = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        Task clientGone = WaitForCloseAsync(stream, session);
        await writer.WriteLineAsync("monitoring SA, policy, ACQUIRE and EXPIRE events").ConfigureAwait(false);
        await writer.FlushAsync(session.Token).ConfigureAwait(false);
        try
        {
            await foreach (string line in subscription.Lines.ReadAllAsync(session.Token).ConfigureAwait(false))
            {
                await writer.WriteLineAsync(line).ConfigureAwait(false);
                await writer.FlushAsync(session.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // client gone or daemon stopping
        }

        await session.CancelAsync().ConfigureAwait(false);
        await clientGone.ConfigureAwait(false);
    }

    private static async Task WaitForCloseAsync(NetworkStream stream, CancellationTokenSource session)
    {
        byte[] scratch = new byte[64];
        try
        {
            while (await stream.ReadAsync(scratch, session.Token).ConfigureAwait(false) > 0)
            {
                // a monitor client has nothing more to say; anything it sends is ignored
            }
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException)
        {
            // the connection ended
        }

        await session.CancelAsync().ConfigureAwait(false);
    }

    /// <summary>Reads the command line (up to a newline or the end of the client's writes), at most <see cref="MaxCommandLength"/> bytes.</summary>
    private static async Task<string?> ReadCommandAsync(NetworkStream stream, CancellationToken stoppingToken)
    {
        byte[] buffer = new byte[MaxCommandLength];
        int length = 0;
        while (length < buffer.Length)
        {
            int read = await stream.ReadAsync(buffer.AsMemory(length), stoppingToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            int newline = Array.IndexOf(buffer, (byte)'\n', length, read);
            length += read;
            if (newline >= 0)
            {
                length = newline;
                break;
            }
        }

        return length == 0 ? null : Encoding.UTF8.GetString(buffer, 0, length).Trim();
    }
}
