namespace Netipsec.PfKey.Wire;

/// <summary>The fixed fields of <c>struct sadb_x_policy</c>: what the policy does, its direction, id and priority.</summary>
/// <param name="Type">Discard, none, IPsec ...</param>
/// <param name="Direction">In, out or forward.</param>
/// <param name="Id">The policy's index (the kernel assigns it; SPDDELETE2 and SPDGET select by it).</param>
/// <param name="Priority">Lower values are looked up first.</param>
public readonly record struct PolicyHeader(IpsecPolicyType Type, IpsecDirection Direction, uint Id, uint Priority);
