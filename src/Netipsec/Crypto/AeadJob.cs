namespace Netipsec.Crypto;

/// <summary>One packet of an AEAD burst: the spans <see cref="IAeadKey.Seal"/> or <see cref="IAeadKey.Open"/> would take, as memory.</summary>
/// <param name="Iv">The explicit IV carried by the packet (the salt is part of the key).</param>
/// <param name="AssociatedData">Data authenticated but not encrypted, e.g. SPI || sequence number (RFC 4106 §5).</param>
/// <param name="Data">Plaintext to encrypt in place, or ciphertext to decrypt in place.</param>
/// <param name="Tag">Where the tag is written (seal) or read from (open).</param>
public readonly record struct AeadJob(ReadOnlyMemory<byte> Iv, ReadOnlyMemory<byte> AssociatedData, Memory<byte> Data, Memory<byte> Tag);
