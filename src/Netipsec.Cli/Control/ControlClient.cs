using System.Net.Sockets;
using System.Text;

namespace Netipsec.Cli.Control;

/// <summary>
/// Speaks to netipsecd's control socket: sends one command line and copies the answer to the output until the
/// daemon closes the connection (or, for <c>monitor</c>, until the caller cancels).
/// </summary>
internal static class ControlClient
{
    /// <summary>The daemon's default control socket.</summary>
    public const string DefaultPath = "/run/netipsec/control.sock";

    /// <summary>Runs <paramref name="command"/>; returns the exit code: 0, or 1 when the daemon is unreachable or refused the command.</summary>
    public static async Task<int> RunAsync(string path, string command, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException exception)
        {
            await error.WriteLineAsync($"netipsec: cannot reach netipsecd at {path}: {exception.Message}").ConfigureAwait(false);
            return 1;
        }

        using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(command + "\n"), cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        bool refused = false;
        bool first = true;
        try
        {
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                refused |= first && line.StartsWith("error:", StringComparison.Ordinal);
                first = false;
                await (refused ? error : output).WriteLineAsync(line).ConfigureAwait(false);
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C ends a monitor session
        }

        return refused ? 1 : 0;
    }
}
