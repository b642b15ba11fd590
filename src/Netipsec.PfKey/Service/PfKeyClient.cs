using Netipsec.PfKey.Wire;

namespace Netipsec.PfKey.Service;

/// <summary>
/// One PF_KEY endpoint of a <see cref="PfKeyService"/> — what a PF_KEY socket is to a kernel: an id, an outbox, the
/// SA types it registered for and whether it listens promiscuously. The service sends it the replies to its own
/// requests, the copies RFC 2367 §3.1 sends to every socket, the ACQUIREs of the types it registered for (RFC 2367
/// §3.1.6; the seed's extended form for types registered with an extended REGISTER) and, while promiscuous, a copy
/// of every message any client sends and the service sends (SADB_X_PROMISC).
/// </summary>
/// <remarks>Thread-safe: the id and outbox are immutable and the registration and mode change atomically. Attach it with <see cref="PfKeyService.Attach"/> to receive messages sent to all.</remarks>
public sealed class PfKeyClient
{
    private const int ExtendedShift = 32;

    private readonly PfKeyMessageHandler _outbox;

    // Bit n set = registered for SA type n; bit 32 + n set = registered for it with an extended REGISTER. Every SA
    // type Linux numbers (0..9) and the service accepts fits. One word, so both change together.
    private long _registrations;
    private volatile bool _promiscuous;

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
    public bool IsRegistered => (uint)Interlocked.Read(ref _registrations) != 0;

    /// <summary>True while the client listens promiscuously (SADB_X_PROMISC with <c>sadb_msg_satype</c> 1).</summary>
    public bool IsPromiscuous
    {
        get => _promiscuous;
        internal set => _promiscuous = value;
    }

    /// <summary>True once the client sent a successful SADB_REGISTER for <paramref name="type"/>: it receives that type's ACQUIREs.</summary>
    public bool IsRegisteredFor(SaType type) => (byte)type < ExtendedShift && (Interlocked.Read(ref _registrations) & (1L << (byte)type)) != 0;

    /// <summary>True when the registration for <paramref name="type"/> came with the seed's EREG: its ACQUIREs come in the extended form.</summary>
    public bool IsExtendedRegisteredFor(SaType type) =>
        (byte)type < ExtendedShift && (Interlocked.Read(ref _registrations) & (1L << ((byte)type + ExtendedShift))) != 0;

    public override string ToString() => $"pfkey client {Id}";

    /// <summary>Records a registration for every type in <paramref name="types"/> (bit n = SA type n); false, recording none, when any was registered already.</summary>
    internal bool TryRegister(uint types, bool extended)
    {
        long added = types | (extended ? (long)types << ExtendedShift : 0);
        long current = Interlocked.Read(ref _registrations);
        while (((uint)current & types) == 0)
        {
            long seen = Interlocked.CompareExchange(ref _registrations, current | added, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }

    internal void Deliver(ReadOnlySpan<byte> message) => _outbox(message);
}
