using Netipsec.Policies;
using Netipsec.States;
using static Netipsec.Diagnostics.StateFormatter;

namespace Netipsec.Diagnostics;

/// <summary>Writes policies the way <c>ip -s xfrm policy</c> lays them out, for the CLI's demo and the daemon's <c>show policy</c>.</summary>
public static class PolicyFormatter
{
    /// <summary>Writes one policy as an <c>ip -s xfrm policy</c> entry.</summary>
    public static void Write(TextWriter output, SecurityPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(policy);
        output.WriteLine($"{policy.Selector}");
        output.WriteLine(Invariant($"\tdir {Lower(policy.Direction)} action {Lower(policy.Action)} index {policy.Index} priority {policy.Priority}"));
        if (!policy.SoftLimits.IsUnlimited || !policy.HardLimits.IsUnlimited)
        {
            output.WriteLine($"\tlifetime config: soft {Limits(policy.SoftLimits)}, hard {Limits(policy.HardLimits)}");
        }

        LifetimeCurrent current = policy.Current;
        output.WriteLine(Invariant($"\tlifetime current: {current.Bytes}(bytes), {current.Packets}(packets)"));
        foreach (PolicyTemplate template in policy.Templates)
        {
            string endpoints = template.Mode == XfrmMode.Transport ? "" : $" src {template.TunnelSource} dst {template.TunnelDestination}";
            output.WriteLine(Invariant($"\ttmpl{endpoints} proto {Lower(template.Protocol)} reqid {template.ReqId} mode {Lower(template.Mode)} level {Lower(template.Level)}"));
        }
    }
}
