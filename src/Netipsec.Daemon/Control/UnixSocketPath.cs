namespace Netipsec.Daemon.Control;

/// <summary>Prepares the path of a Unix socket the daemon listens on: a private directory and no stale socket file.</summary>
internal static class UnixSocketPath
{
    /// <summary>Creates the directory (0700 when new) and removes a socket file a previous run left behind.</summary>
    public static void Prepare(string path)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null && !Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }

    /// <summary>Restricts the socket to its owner (0600): it shows the whole SAD and SPD and changes them.</summary>
    public static void RestrictToOwner(string path) => File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
}
