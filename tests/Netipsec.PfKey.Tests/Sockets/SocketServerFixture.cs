using System.Globalization;
using System.Net.Sockets;
using Netipsec.PfKey.Channels;
using Netipsec.PfKey.Sockets;
using Netipsec.PfKey.Tests.Service;

namespace Netipsec.PfKey.Tests.Sockets;

/// <summary>
/// A <see cref="PfKeySocketServer"/> over a fresh service, on a socket in a temporary directory, serving this
/// process's own user id so no root is needed. Disposing removes the server and the directory.
/// </summary>
internal sealed class SocketServerFixture : IDisposable
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private readonly string _directory = Directory.CreateTempSubdirectory("netipsec-pfsock-").FullName;

    public SocketServerFixture(uint? allowedUserId = null, int queueCapacity = PfKeyChannelLimits.DefaultQueueCapacity)
    {
        Path = System.IO.Path.Combine(_directory, "pfkey.sock");
        Server = new PfKeySocketServer(Harness.Service, Path, allowedUserId ?? OwnUserId, queueCapacity);
    }

    /// <summary>The effective user id of this process (the Uid line of /proc/self/status).</summary>
    public static uint OwnUserId { get; } = ReadOwnUserId();

    public ServiceHarness Harness { get; } = new();

    public string Path { get; }

    public PfKeySocketServer Server { get; }

    /// <summary>A client connected and already attached to the service, so copies to all reach it.</summary>
    public PfKeySocket Connect()
    {
        HashSet<int> known = KnownConnections();
        PfKeySocket socket = PfKeySocket.Connect(Path);
        WaitForNewConnection(known);
        return socket;
    }

    /// <summary>A raw SEQPACKET connection, for packets <see cref="PfKeySocket"/> refuses to send.</summary>
    public Socket ConnectRaw()
    {
        HashSet<int> known = KnownConnections();
        var socket = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(Path));
        WaitForNewConnection(known);
        return socket;
    }

    /// <summary>The next message on <paramref name="channel"/>, failing the test when none arrives in time.</summary>
    public static byte[] ReceiveOne(IPfKeyChannel channel)
    {
        var buffer = new byte[PfKeyChannelLimits.MaxMessageLength];
        int length = channel.Receive(buffer, Wait);
        Assert.True(length > 0, "no message arrived");
        return buffer[..length];
    }

    // By id, not by count: another connection (a second server probing whether this one is alive) may close meanwhile.
    private HashSet<int> KnownConnections() => [.. Server.Connections.Select(static connection => connection.Id)];

    private void WaitForNewConnection(HashSet<int> known) =>
        WaitFor(() => Server.Connections.Any(connection => !known.Contains(connection.Id)));

    public static void WaitFor(Func<bool> condition) => Assert.True(SpinWait.SpinUntil(condition, Wait), "timed out waiting");

    public void Dispose()
    {
        Server.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static uint ReadOwnUserId()
    {
        string line = File.ReadLines("/proc/self/status").First(static l => l.StartsWith("Uid:", StringComparison.Ordinal));
        string[] fields = line.Split('\t', StringSplitOptions.RemoveEmptyEntries);
        return uint.Parse(fields[2], CultureInfo.InvariantCulture); // Real, effective, saved, filesystem.
    }
}
