namespace Netipsec.Policies;

/// <summary>How strictly a policy template must be met (setkey's require / use / unique).</summary>
public enum TemplateLevel
{
    /// <summary>An SA is required; the SA may be shared between flows of the policy.</summary>
    Require,

    /// <summary>Use an SA if there is one; inbound, the template is optional.</summary>
    Use,

    /// <summary>An SA is required and is bound to this policy alone (setkey's unique, with an optional id).</summary>
    Unique,
}
