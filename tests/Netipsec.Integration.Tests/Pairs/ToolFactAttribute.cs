namespace Netipsec.Integration.Tests.Pairs;

/// <summary>A namespace fact that also needs <paramref name="tools"/> on the PATH (and scapy where "scapy" is named); skipped, saying what is missing.</summary>
internal sealed class ToolFactAttribute : FactAttribute
{
    public ToolFactAttribute(params string[] tools)
    {
        ArgumentNullException.ThrowIfNull(tools);
        Skip = Prerequisites.Reason ?? tools.Select(Missing).FirstOrDefault(static reason => reason is not null);
    }

    private static string? Missing(string tool) => tool switch
    {
        "scapy" => Shell.Run(Prerequisites.Python, "-c", "import scapy.layers.ipsec").ExitCode == 0 ? null : $"scapy is not installed for {Prerequisites.Python}.",
        _ => Prerequisites.Find(tool) is null ? $"'{tool}' is not on the PATH." : null,
    };
}
