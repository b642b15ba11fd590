using Netipsec.PfKey.Wire;

namespace Netipsec.PfKey.Service;

/// <summary>
/// One PF_KEY endpoint of a <see cref="PfKeyService"/> — what a PF_KEY socket is to a kernel: an id, an outbox and
/// the SA types it registered for. The service sends it the replies to its own requests, the copies RFC 2367 §3.1
/// sends to every socket, and the ACQUIREs of the types it registered for (RFC 2367 §3.1.6).
/// </summary>
/// <remarks>Thread-safe: the id and outbox are immutable and registration is atomic. Attach it with <see cref="PfKeyService.Attach"/> to receive messages sent to all.</remarks>
public sealed class PfKeyClient
{
    private readonly PfKeyMessageHandler _outbox;

    // Bit n set = registered for SA type n. Every SA type Linux numbers (0..9) and the service accepts fits.
    private int _registeredTypes;

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

    /// <summary>True once the client sent a successful SADB_REGISTER for some SA type (RFC 2367 §3.1.7).</summary>
    public bool IsRegistered => Volatile.Read(ref _registeredTypes) != 0;

    /// <summary>True once the client sent a successful SADB_REGISTER for <paramref name="type"/>: it receives that type's ACQUIREs.</summary>
    public bool IsRegisteredFor(SaType type) => (byte)type < 32 && (Volatile.Read(ref _registeredTypes) & (1 << (byte)type)) != 0;

    /// <summary>Records a registration for <paramref name="type"/>; false when it was registered already.</summary>
    internal bool TryRegister(SaType type)
    {
        int bit = 1 << (byte)type;
        return (Interlocked.Or(ref _registeredTypes, bit) & bit) == 0;
    }

    internal void Deliver(ReadOnlySpan<byte> message) => _outbox(message);

    public override string ToString() => $"pfkey client {Id}";
}
