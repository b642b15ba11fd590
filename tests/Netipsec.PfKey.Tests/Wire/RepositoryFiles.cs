namespace Netipsec.PfKey.Tests.Wire;

/// <summary>Finds files of the source tree from the test's output directory.</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string ExtensionHeader => Path.Combine(Root, "include", "netipsec", "pfkeyv2_ext.h");

    public static string IncludeDirectory => Path.Combine(Root, "include");

    private static string FindRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Netipsec.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Netipsec.sln not found above " + AppContext.BaseDirectory);
    }
}
