namespace Netipsec.Crypto;

/// <summary>One packet of an integrity burst: the bytes covered by the ICV and where the ICV goes or comes from.</summary>
/// <param name="Data">The covered bytes in the packet (ESP: SPI through next header).</param>
/// <param name="Appended">Bytes covered after <paramref name="Data"/> but not sent, e.g. the high 32 bits of an extended sequence number (RFC 4303 §3.3.2.1); may be empty.</param>
/// <param name="Icv">The truncated ICV: written by compute, read by verify.</param>
public readonly record struct IntegrityJob(ReadOnlyMemory<byte> Data, ReadOnlyMemory<byte> Appended, Memory<byte> Icv);
