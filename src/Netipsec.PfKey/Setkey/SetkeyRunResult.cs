using System.Collections.ObjectModel;

namespace Netipsec.PfKey.Setkey;

/// <summary>What running a compilation did: how many statements the service carried out and which it refused.</summary>
public sealed class SetkeyRunResult
{
    internal SetkeyRunResult(int applied, IList<SetkeyRefusal> refusals)
    {
        Applied = applied;
        Refusals = new ReadOnlyCollection<SetkeyRefusal>(refusals);
    }

    /// <summary>Statements the service carried out.</summary>
    public int Applied { get; }

    /// <summary>Statements refused or unanswered, in input order.</summary>
    public IReadOnlyList<SetkeyRefusal> Refusals { get; }

    public bool Succeeded => Refusals.Count == 0;
}
