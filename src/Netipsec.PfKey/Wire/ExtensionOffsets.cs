using System.Runtime.CompilerServices;

namespace Netipsec.PfKey.Wire;

/// <summary>
/// Where each extension type starts in a parsed message, in 8-byte units (0: absent — the base header sits there).
/// A message is at most 65535 units long, so a unit offset fits 16 bits and the table costs 80 bytes, no allocation.
/// </summary>
[InlineArray(ExtensionLayout.TypeLimit)]
internal struct ExtensionOffsets
{
    private ushort _element;
}
