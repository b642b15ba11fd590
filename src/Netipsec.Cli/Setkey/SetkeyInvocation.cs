using System.Globalization;
using Netipsec.PfKey.Channels;
using Netipsec.PfKey.Setkey;
using Netipsec.PfKey.Wire;

namespace Netipsec.Cli.Setkey;

/// <summary>One run of a setkey mode: where its output goes and how it reaches the daemon.</summary>
internal sealed class SetkeyInvocation(TextWriter output, TextWriter error, PfKeyConnector connect, string socketPath)
{
    /// <summary>How often the monitor looks for cancellation while no message arrives.</summary>
    private static readonly TimeSpan MonitorPoll = TimeSpan.FromMilliseconds(200);

    /// <summary>How long the monitor waits for the answer to its SADB_X_PROMISC.</summary>
    private static readonly TimeSpan PromiscReplyTimeout = TimeSpan.FromSeconds(5);

    public int Usage(string message)
    {
        error.WriteLine($"netipsec: {message}");
        return ExitCodes.Usage;
    }

    public int RunFile(FileInfo file, bool checkOnly)
    {
        string text;
        try
        {
            text = File.ReadAllText(file.FullName);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return Usage($"cannot read {file}: {exception.Message}");
        }

        return RunInput(text, file.ToString(), checkOnly);
    }

    /// <summary>
    /// Compiles all of <paramref name="text"/> first: any error is reported, with every other error, and nothing is
    /// sent. With <paramref name="checkOnly"/> that is all (the daemon is not even contacted).
    /// </summary>
    public int RunInput(string text, string? sourceName, bool checkOnly)
    {
        using SetkeyCompilation compilation = SetkeyCompiler.Compile(text, sourceName);
        foreach (SetkeyError compileError in compilation.Errors)
        {
            error.WriteLine(compileError);
        }

        if (!compilation.Succeeded)
        {
            error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"netipsec: {compilation.Errors.Count} error(s); nothing was applied"));
            return ExitCodes.Refused;
        }

        if (checkOnly)
        {
            return ExitCodes.Success;
        }

        using IPfKeyChannel? channel = SetkeyCommand.TryConnect(connect, socketPath, error);
        if (channel is null)
        {
            return ExitCodes.Usage;
        }

        SetkeyRunResult result = new SetkeyRunner(channel, output).Run(compilation);
        foreach (SetkeyRefusal refusal in result.Refusals)
        {
            error.WriteLine(refusal);
        }

        return result.Succeeded ? ExitCodes.Success : ExitCodes.Refused;
    }

    /// <summary>
    /// setkey -x: turns on promiscuous mode (SADB_X_PROMISC with satype 1, as Linux toggles it) and prints every
    /// message until <paramref name="cancellation"/> fires, each after its local arrival time.
    /// </summary>
    public async Task<int> MonitorAsync(CancellationToken cancellation)
    {
        using IPfKeyChannel? channel = SetkeyCommand.TryConnect(connect, socketPath, error);
        if (channel is null)
        {
            return ExitCodes.Usage;
        }

        uint pid = (uint)Environment.ProcessId;
        var request = new byte[PfKeyConstants.HeaderLength];
        PfKeyMessageWriter.TryCreate(request, new PfKeyHeader(MessageType.Promisc, (SaType)1, 1, pid), out _);
        PfKeyErrno sendError = channel.Send(request);
        if (sendError != PfKeyErrno.None)
        {
            error.WriteLine($"netipsec: netipsecd refused SADB_X_PROMISC: {PfKeyErrorText.Describe(sendError)}");
            return ExitCodes.Refused;
        }

        var buffer = new byte[PfKeyChannelLimits.MaxMessageLength];
        bool confirmed = false;
        DateTime promiscDeadline = DateTime.UtcNow + PromiscReplyTimeout;
        while (!cancellation.IsCancellationRequested)
        {
            int length = await Task.Run(() => channel.Receive(buffer, MonitorPoll), CancellationToken.None).ConfigureAwait(false);
            if (length == 0)
            {
                if (!confirmed && DateTime.UtcNow > promiscDeadline)
                {
                    error.WriteLine("netipsec: no answer to SADB_X_PROMISC from netipsecd");
                    return ExitCodes.Refused;
                }

                continue;
            }

            ReadOnlySpan<byte> message = buffer.AsSpan(0, length);
            if (!confirmed && IsPromiscReply(message, pid, out PfKeyHeader reply))
            {
                if (reply.Errno != PfKeyErrno.None)
                {
                    error.WriteLine($"netipsec: netipsecd refused SADB_X_PROMISC: {PfKeyErrorText.Describe(reply.Errno, reply.Diagnostic)}");
                    return ExitCodes.Refused;
                }

                confirmed = true;
                continue;
            }

            DateTimeOffset now = TimeProvider.System.GetLocalNow();
            output.Write(string.Create(CultureInfo.InvariantCulture, $"{now:MMM dd HH:mm:ss.ffffff} "));
            output.Write(PfKeyMessagePrinter.Describe(message));
            output.Flush();
        }

        return ExitCodes.Success;
    }

    /// <summary>
    /// The answer to our SADB_X_PROMISC: its echoed base header. Read by offset, not with the strict parser, because
    /// Linux echoes satype 1 ("on"), which is no SA type the parser knows.
    /// </summary>
    private static bool IsPromiscReply(ReadOnlySpan<byte> message, uint pid, out PfKeyHeader header)
    {
        header = default;
        if (message.Length != PfKeyConstants.HeaderLength || message[1] != (byte)MessageType.Promisc
            || BitConverter.ToUInt32(message[8..]) != 1 || BitConverter.ToUInt32(message[12..]) != pid)
        {
            return false;
        }

        header = new PfKeyHeader(MessageType.Promisc, (SaType)message[3], 1, pid)
        {
            Errno = (PfKeyErrno)message[2],
            Diagnostic = (PfKeyDiagnostic)BitConverter.ToUInt16(message[6..]),
        };
        return true;
    }
}
