using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Netipsec.States;

/// <summary>
/// A hash index whose buckets are chains threaded through the SAs themselves (Linux's hlist with RCU readers):
/// the dictionary maps a key to the newest SA of its chain, each SA links to the next older one.
/// </summary>
/// <remarks>
/// Readers take no lock and allocate nothing: they read the head, then follow <see cref="SecurityAssociation.NextIn"/>.
/// Writers (serialised by the database's write lock) prepend by linking the SA before publishing it as the head,
/// and unlink by redirecting the predecessor; the unlinked SA keeps its own Next, so a reader standing on it still
/// reaches the rest of the chain. A write touches one chain, never copies one.
/// </remarks>
internal sealed class SaChainIndex<TKey>(SaChain chain)
    where TKey : notnull, IEquatable<TKey>
{
    private readonly ConcurrentDictionary<TKey, SecurityAssociation> _heads = new();

    public bool TryGetHead(TKey key, [NotNullWhen(true)] out SecurityAssociation? head) => _heads.TryGetValue(key, out head);

    /// <summary>Puts <paramref name="sa"/> first in its chain, so chains run newest to oldest. Writer only.</summary>
    public void Link(TKey key, SecurityAssociation sa)
    {
        ref ChainLinks links = ref sa.LinksFor(chain);
        links.Previous = null;
        if (_heads.TryGetValue(key, out SecurityAssociation? head))
        {
            links.Next = head;
            head.LinksFor(chain).Previous = sa;
        }
        else
        {
            links.Next = null;
        }

        // Publishing after Next is set: a reader that sees the new head also sees the rest of the chain behind it.
        _heads[key] = sa;
    }

    /// <summary>Takes <paramref name="sa"/> out of its chain. Writer only.</summary>
    public void Unlink(TKey key, SecurityAssociation sa)
    {
        ref ChainLinks links = ref sa.LinksFor(chain);
        SecurityAssociation? next = links.Next;
        SecurityAssociation? previous = links.Previous;
        if (next is not null)
        {
            next.LinksFor(chain).Previous = previous;
        }

        if (previous is not null)
        {
            Volatile.Write(ref previous.LinksFor(chain).Next, next);
        }
        else if (next is null)
        {
            _heads.TryRemove(key, out _);
        }
        else
        {
            _heads[key] = next;
        }

        links.Previous = null;
    }

    public void Clear() => _heads.Clear();
}
