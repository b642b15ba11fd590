namespace Netipsec.Integration.Tests;

/// <summary>A namespace fact whose peer is scapy's own ESP; skipped, saying why, without root, the tools or scapy.</summary>
internal sealed class ScapyFactAttribute : FactAttribute
{
    private static readonly Lazy<bool> HasScapy = new(static () =>
        File.Exists(Prerequisites.Python) && Shell.Run(Prerequisites.Python, "-c", "import scapy.layers.ipsec").ExitCode == 0);

    public ScapyFactAttribute()
    {
        if (Prerequisites.Reason is { } reason)
        {
            Skip = reason;
        }
        else if (!HasScapy.Value)
        {
            Skip = $"scapy is not installed for {Prerequisites.Python} (import scapy.layers.ipsec failed).";
        }
    }
}
