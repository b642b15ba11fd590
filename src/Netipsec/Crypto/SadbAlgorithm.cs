namespace Netipsec.Crypto;

/// <summary>
/// One sadb_alg entry of a PF_KEY REGISTER reply (RFC 2367 §2.3.5): the values Linux's af_key reports, so key
/// managers written for Linux read what they expect.
/// </summary>
/// <param name="Id">sadb_alg_id: the algorithm's id in its <see cref="PfKeyAlgorithmSpace"/>.</param>
/// <param name="IvLength">sadb_alg_ivlen in bytes, as Linux reports it (8 for AES-CBC too, although its IV is 16 bytes).</param>
/// <param name="MinBits">sadb_alg_minbits: the shortest key in bits, without the salt for AEADs (Linux), with the nonce for AES-CTR (Linux).</param>
/// <param name="MaxBits">sadb_alg_maxbits: the longest key in bits, counted as <paramref name="MinBits"/>.</param>
public readonly record struct SadbAlgorithm(byte Id, byte IvLength, ushort MinBits, ushort MaxBits);
