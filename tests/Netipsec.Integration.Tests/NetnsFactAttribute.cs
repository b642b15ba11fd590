namespace Netipsec.Integration.Tests;

/// <summary>A fact that runs netipsecd in network namespaces; skipped, saying why, without root or the tools.</summary>
internal sealed class NetnsFactAttribute : FactAttribute
{
    public NetnsFactAttribute()
    {
        if (Prerequisites.Reason is { } reason)
        {
            Skip = reason;
        }
    }
}
