namespace Netipsec.Crypto;

/// <summary>One packet of a cipher burst: the IV and the data to encrypt or decrypt in place.</summary>
/// <param name="Iv">The explicit IV carried by the packet.</param>
/// <param name="Data">The data, transformed in place.</param>
public readonly record struct CipherJob(ReadOnlyMemory<byte> Iv, Memory<byte> Data);
