namespace Netipsec.States;

/// <summary>
/// An SA's place in one hash chain, embedded in the SA like Linux's hlist_node so a chain costs no node objects.
/// <see cref="Next"/> is read lock-free; <see cref="Previous"/> only by the writer, to unlink in O(1).
/// </summary>
internal struct ChainLinks
{
    public SecurityAssociation? Next;
    public SecurityAssociation? Previous;
}
