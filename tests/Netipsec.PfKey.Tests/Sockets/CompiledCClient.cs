using Netipsec.PfKey.Tests.Wire;

namespace Netipsec.PfKey.Tests.Sockets;

/// <summary>
/// <c>pfkey_socket_client.c</c> (next to this file in the source tree) compiled once against the system's
/// <c>linux/pfkeyv2.h</c> and the shipped <c>netipsec/pfkeyv2_ext.h</c>, in a directory every user may read, so it
/// can also run as another user.
/// </summary>
public sealed class CompiledCClient : IDisposable
{
    private readonly string? _directory;

    public CompiledCClient()
    {
        if (CCompiler.Path is null)
        {
            return;
        }

        _directory = Directory.CreateTempSubdirectory("netipsec-pfsock-c-").FullName;
        if (OperatingSystem.IsLinux())
        {
            File.SetUnixFileMode(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        Program = Path.Combine(_directory, "pfkey_socket_client");
        string source = Path.Combine(RepositoryFiles.Root, "tests", "Netipsec.PfKey.Tests", "Sockets", "pfkey_socket_client.c");
        CCompiler.Compile(source, RepositoryFiles.IncludeDirectory, Program);
    }

    /// <summary>The executable; null when there is no C compiler (the tests using it are skipped then).</summary>
    public string? Program { get; }

    public void Dispose()
    {
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
