using System.Security.Cryptography;
using Netipsec.PfKey.Channels;
using Netipsec.PfKey.Wire;

namespace Netipsec.PfKey.Setkey;

/// <summary>
/// Runs a compiled setkey input over a PF_KEY channel, statement by statement as setkey(8) does: sends each request
/// with this runner's sequence number and pid, reads its reply (skipping the copies the service sends every socket),
/// prints what <c>get</c>, <c>dump</c> and <c>spddump</c> return in setkey's <c>-D</c>/<c>-DP</c> layout, and reports
/// each refusal with the statement's line and the errno and diagnostic in words. A refused statement does not stop
/// the ones after it.
/// </summary>
/// <remarks>Not thread-safe: one runner per channel at a time.</remarks>
public sealed class SetkeyRunner
{
    private readonly IPfKeyChannel _channel;
    private readonly TextWriter _output;
    private readonly byte[] _reply = new byte[PfKeyChannelLimits.MaxMessageLength];
    private uint _sequence;

    /// <param name="channel">The conversation with the service; the runner does not dispose it.</param>
    /// <param name="output">Receives dump output.</param>
    public SetkeyRunner(IPfKeyChannel channel, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(output);
        _channel = channel;
        _output = output;
    }

    /// <summary>How long to wait for each reply before reporting the statement unanswered.</summary>
    public TimeSpan ReplyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The <c>sadb_msg_pid</c> of the requests; replies are recognised by it.</summary>
    public uint Pid { get; init; } = (uint)Environment.ProcessId;

    /// <summary>The clock of the "current:" and "diff:" lines of a dump.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Sends every statement of <paramref name="compilation"/>, which must have compiled without error.</summary>
    /// <exception cref="ArgumentException">The compilation has errors: nothing of it may be applied.</exception>
    public SetkeyRunResult Run(SetkeyCompilation compilation)
    {
        ArgumentNullException.ThrowIfNull(compilation);
        if (!compilation.Succeeded)
        {
            throw new ArgumentException("A compilation with errors is never applied.", nameof(compilation));
        }

        var refusals = new List<SetkeyRefusal>();
        int applied = 0;
        foreach (SetkeyStatement statement in compilation.Statements)
        {
            ReplyOutcome outcome = statement.Kind == SetkeyStatementKind.DeleteAll ? DeleteAll(statement) : Execute(statement);
            if (outcome.IsSuccess)
            {
                applied++;
            }
            else
            {
                refusals.Add(new SetkeyRefusal(
                    compilation.SourceName, statement.Line, statement.Column, statement.Kind.ToString().ToLowerInvariant(), outcome.Errno, outcome.Diagnostic, outcome.Message!));
            }
        }

        return new SetkeyRunResult(applied, refusals);
    }

    private ReplyOutcome Execute(SetkeyStatement statement)
    {
        ReplyOutcome outcome = Send(statement.Request.Span, out PfKeyHeader sent);
        if (!outcome.IsSuccess)
        {
            return outcome;
        }

        if (!statement.ExpectsMultipleReplies)
        {
            outcome = AwaitReply(sent, out int length);
            if (outcome.IsSuccess && statement.Kind == SetkeyStatementKind.Get)
            {
                SetkeyDumpFormatter.WriteSa(_output, _reply.AsSpan(0, length), Time.GetUtcNow(), Time.LocalTimeZone);
            }

            CryptographicOperations.ZeroMemory(_reply.AsSpan(0, length));
            return outcome;
        }

        bool policies = statement.Kind == SetkeyStatementKind.SpdDump;
        return ReadDump(sent, entry =>
        {
            if (policies)
            {
                SetkeyDumpFormatter.WritePolicy(_output, entry, Time.LocalTimeZone);
            }
            else
            {
                SetkeyDumpFormatter.WriteSa(_output, entry, Time.GetUtcNow(), Time.LocalTimeZone);
            }
        }, empty: policies ? "No SPD entries." : "No SAD entries.");
    }

    /// <summary>KAME's deleteall: every SA of the protocol between the two addresses, found by a dump, deleted one by one.</summary>
    private ReplyOutcome DeleteAll(SetkeyStatement statement)
    {
        ReplyOutcome outcome = Send(statement.Request.Span, out PfKeyHeader sent);
        if (!outcome.IsSuccess)
        {
            return outcome;
        }

        var victims = new List<(SaType Type, uint Spi, AddressExtension Source, AddressExtension Destination)>();
        outcome = ReadDump(sent, entry =>
        {
            if (PfKeyMessage.TryParse(entry, PfKeyOrigin.Service, out PfKeyMessage message, out _)
                && message.TryGetSa(out SaExtension sa)
                && message.TryGetAddress(ExtensionType.AddressSrc, out AddressExtension source)
                && message.TryGetAddress(ExtensionType.AddressDst, out AddressExtension destination)
                && source.Sockaddr.Address == statement.DeleteAllSource
                && destination.Sockaddr.Address == statement.DeleteAllDestination)
            {
                victims.Add((message.Header.SaType, sa.Spi, source, destination));
            }
        }, empty: null);
        if (!outcome.IsSuccess)
        {
            return outcome;
        }

        Span<byte> request = stackalloc byte[256];
        foreach ((SaType type, uint spi, AddressExtension source, AddressExtension destination) in victims)
        {
            // 256 bytes hold a header, an SA and two IPv6 addresses: a failure here is a bug.
            if (!PfKeyMessageWriter.TryCreate(request, new PfKeyHeader(MessageType.Delete, type, 0, 0), out PfKeyMessageWriter writer)
                || !writer.TryAddSa(new SaExtension(spi, 0, SaState.Larval, AuthAlgorithm.None, EncryptAlgorithm.None, SaFlags.None))
                || !writer.TryAddAddress(ExtensionType.AddressSrc, source)
                || !writer.TryAddAddress(ExtensionType.AddressDst, destination))
            {
                throw new InvalidOperationException("A DELETE outgrew its buffer.");
            }

            outcome = Send(writer.Message, out PfKeyHeader deleteSent);
            outcome = outcome.IsSuccess ? AwaitReply(deleteSent, out _) : outcome;
            if (!outcome.IsSuccess && outcome.Errno != PfKeyErrno.NoSuchEntity)
            {
                return outcome; // an SA gone meanwhile is what deleteall wanted; anything else is a refusal
            }
        }

        return ReplyOutcome.Success;
    }

    /// <summary>Sends a copy of <paramref name="request"/> with this runner's next sequence number and its pid.</summary>
    private ReplyOutcome Send(ReadOnlySpan<byte> request, out PfKeyHeader sent)
    {
        byte[] copy = request.ToArray();
        try
        {
            PfKeyHeader original = PfKeyHeader.Read(copy);
            sent = original with { Sequence = ++_sequence, Pid = Pid };
            sent.WriteTo(copy, copy.Length / PfKeyConstants.Alignment);
            PfKeyErrno errno = _channel.Send(copy);
            return errno == PfKeyErrno.None ? ReplyOutcome.Success : ReplyOutcome.Refused(errno, PfKeyDiagnostic.None);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(copy);
        }
    }

    /// <summary>Waits for the one reply to <paramref name="sent"/>; it is left in the reply buffer.</summary>
    private ReplyOutcome AwaitReply(PfKeyHeader sent, out int length)
    {
        while (true)
        {
            length = _channel.Receive(_reply, ReplyTimeout);
            if (length == 0)
            {
                return ReplyOutcome.Unanswered(ReplyTimeout);
            }

            if (IsReplyTo(sent, length, out PfKeyHeader reply) && reply.Sequence == sent.Sequence)
            {
                return reply.Errno == PfKeyErrno.None ? ReplyOutcome.Success : ReplyOutcome.Refused(reply.Errno, reply.Diagnostic);
            }

            CryptographicOperations.ZeroMemory(_reply.AsSpan(0, length)); // someone else's message
        }
    }

    /// <summary>
    /// Reads the entries of a DUMP or SPDDUMP until the one with sequence 0 (RFC 2367 §3.1.10). An empty database
    /// answers ENOENT, which is no refusal: <paramref name="empty"/> is printed instead, when given.
    /// </summary>
    private ReplyOutcome ReadDump(PfKeyHeader sent, ReadOnlySpanAction entryAction, string? empty)
    {
        while (true)
        {
            int length = _channel.Receive(_reply, ReplyTimeout);
            if (length == 0)
            {
                return ReplyOutcome.Unanswered(ReplyTimeout);
            }

            try
            {
                if (!IsReplyTo(sent, length, out PfKeyHeader reply))
                {
                    continue;
                }

                if (reply.Errno == PfKeyErrno.NoEntry && reply.Sequence == sent.Sequence)
                {
                    if (empty is not null)
                    {
                        _output.WriteLine(empty);
                    }

                    return ReplyOutcome.Success;
                }

                if (reply.Errno != PfKeyErrno.None)
                {
                    return ReplyOutcome.Refused(reply.Errno, reply.Diagnostic);
                }

                entryAction(_reply.AsSpan(0, length));
                if (reply.Sequence == 0)
                {
                    return ReplyOutcome.Success;
                }
            }
            finally
            {
                CryptographicOperations.ZeroMemory(_reply.AsSpan(0, length));
            }
        }
    }

    /// <summary>True when the message in the reply buffer answers <paramref name="sent"/>: same type, and our pid.</summary>
    private bool IsReplyTo(PfKeyHeader sent, int length, out PfKeyHeader reply)
    {
        reply = default;
        if (!PfKeyMessage.TryParse(_reply.AsSpan(0, length), PfKeyOrigin.Service, out PfKeyMessage message, out _))
        {
            return false;
        }

        reply = message.Header;
        return reply.Type == sent.Type && reply.Pid == sent.Pid;
    }

    private delegate void ReadOnlySpanAction(ReadOnlySpan<byte> entry);
}
