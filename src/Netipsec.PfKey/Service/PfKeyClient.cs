namespace Netipsec.PfKey.Service;

/// <summary>
/// One PF_KEY endpoint of a <see cref="PfKeyService"/> — what a PF_KEY socket is to a kernel: an id and an outbox.
/// The service sends it the replies to its own requests and the copies RFC 2367 §3.1 sends to every socket.
/// </summary>
/// <remarks>Thread-safe: immutable. Attach it with <see cref="PfKeyService.Attach"/> to receive messages sent to all.</remarks>
public sealed class PfKeyClient
{
    private readonly PfKeyMessageHandler _outbox;

    /// <param name="id">Names the client in logs and statistics; the service does not require it to be unique.</param>
    /// <param name="outbox">Receives every message the service sends to this client.</param>
    public PfKeyClient(int id, PfKeyMessageHandler outbox)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        Id = id;
        _outbox = outbox;
    }

    /// <summary>The id given at construction (a socket server uses its connection number).</summary>
    public int Id { get; }

    internal void Deliver(ReadOnlySpan<byte> message) => _outbox(message);

    public override string ToString() => $"pfkey client {Id}";
}
