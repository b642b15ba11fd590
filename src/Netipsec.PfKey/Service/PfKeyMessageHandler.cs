namespace Netipsec.PfKey.Service;

/// <summary>
/// Receives one PF_KEY message the service sends to a client. <paramref name="message"/> is valid only during the
/// call: a handler that keeps it must copy it. Handlers must not throw; a socket server queues the copy (bounded) and
/// returns at once, so one slow reader never holds up the others.
/// </summary>
public delegate void PfKeyMessageHandler(ReadOnlySpan<byte> message);
