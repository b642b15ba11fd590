using System.Runtime.CompilerServices;
using Netipsec.States;

namespace Netipsec.Packets;

/// <summary>Fixed storage for the SAs of a <see cref="SecPath"/>, inline so a packet carries them without an array.</summary>
[InlineArray(SecPath.MaxDepth)]
internal struct SecPathEntries
{
    private SecurityAssociation? _element0;
}
