using Netipsec.Packets;
using Netipsec.PfKey.Wire;

namespace Netipsec.PfKey.Setkey;

/// <summary>
/// One compiled setkey statement: where it starts and the complete PF_KEY request it sends. The request's
/// <c>sadb_msg_seq</c> is the statement's 1-based ordinal and <c>sadb_msg_pid</c> is 0; a runner may set both in its
/// own copy before sending.
/// </summary>
/// <remarks>The request of an <c>add</c> holds key material: <see cref="SetkeyCompilation.Dispose"/> zeroes it.</remarks>
public sealed class SetkeyStatement
{
    private readonly byte[] _request;

    internal SetkeyStatement(int line, int column, SetkeyStatementKind kind, byte[] request)
    {
        Line = line;
        Column = column;
        Kind = kind;
        _request = request;
    }

    /// <summary>1-based line of the statement's first word.</summary>
    public int Line { get; }

    /// <summary>1-based column of the statement's first word.</summary>
    public int Column { get; }

    public SetkeyStatementKind Kind { get; }

    /// <summary>The PF_KEY request, exactly <c>sadb_msg_len</c> bytes.</summary>
    public ReadOnlyMemory<byte> Request => _request;

    /// <summary>The request's message type (DUMP for <see cref="SetkeyStatementKind.DeleteAll"/>).</summary>
    public MessageType MessageType => (MessageType)_request[1];

    /// <summary>True when the reply is a series of messages ending with sequence 0 (dump, spddump, deleteall).</summary>
    public bool ExpectsMultipleReplies => Kind is SetkeyStatementKind.Dump or SetkeyStatementKind.SpdDump or SetkeyStatementKind.DeleteAll;

    /// <summary>For <see cref="SetkeyStatementKind.DeleteAll"/>: the source address whose SAs are deleted.</summary>
    public IpAddress DeleteAllSource { get; init; }

    /// <summary>For <see cref="SetkeyStatementKind.DeleteAll"/>: the destination address whose SAs are deleted.</summary>
    public IpAddress DeleteAllDestination { get; init; }

    /// <summary>The kind and position, for messages; never the request (it may hold keys).</summary>
    public override string ToString() => $"{Kind} at {Line}:{Column}";

    internal void Wipe() => System.Security.Cryptography.CryptographicOperations.ZeroMemory(_request);
}
