using Netipsec.Packets;
using Netipsec.Policies;

namespace Netipsec.Tests.Policies;

/// <summary>
/// A deliberately naive SPD to check the real one against: one list per direction kept in Linux's order
/// (xfrm_policy_insert_list: a new policy goes behind every policy of equal or lower priority value; an update of
/// the same priority takes the old one's place), and a lookup that scans the list for the first match.
/// </summary>
internal sealed class LinearPolicyModel
{
    private readonly Dictionary<PolicyDirection, List<SecurityPolicy>> _lists = new()
    {
        [PolicyDirection.In] = [],
        [PolicyDirection.Out] = [],
        [PolicyDirection.Fwd] = [],
    };

    public SpdStatus Add(SecurityPolicy policy)
    {
        List<SecurityPolicy> list = _lists[policy.Direction];
        if (list.FindIndex(p => p.Selector == policy.Selector) >= 0)
        {
            return SpdStatus.Exists;
        }

        InsertBehindPeers(list, policy);
        return SpdStatus.Ok;
    }

    public void Update(SecurityPolicy policy)
    {
        List<SecurityPolicy> list = _lists[policy.Direction];
        int old = list.FindIndex(p => p.Selector == policy.Selector);
        if (old >= 0 && list[old].Priority == policy.Priority)
        {
            list[old] = policy;
            return;
        }

        if (old >= 0)
        {
            list.RemoveAt(old);
        }

        InsertBehindPeers(list, policy);
    }

    public SpdStatus Delete(PolicyDirection direction, Selector selector) =>
        _lists[direction].RemoveAll(p => p.Selector == selector) == 1 ? SpdStatus.Ok : SpdStatus.NotFound;

    public SecurityPolicy? Lookup(PolicyDirection direction, Flow flow) =>
        _lists[direction].Find(p => p.Selector.Matches(flow));

    public IEnumerable<SecurityPolicy> All => _lists[PolicyDirection.In].Concat(_lists[PolicyDirection.Out]).Concat(_lists[PolicyDirection.Fwd]);

    private static void InsertBehindPeers(List<SecurityPolicy> list, SecurityPolicy policy)
    {
        int position = 0;
        while (position < list.Count && list[position].Priority <= policy.Priority)
        {
            position++;
        }

        list.Insert(position, policy);
    }
}
