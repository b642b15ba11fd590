using Netipsec.PfKey.Tests.Wire;

namespace Netipsec.PfKey.Tests.Sockets;

/// <summary>
/// A C key manager built with <c>linux/pfkeyv2.h</c>'s own structures talks to the socket server exactly as it would
/// talk to a kernel PF_KEY socket, and peers the server must not serve are kept out.
/// </summary>
public sealed class CClientOverSocketTests : IClassFixture<CompiledCClient>
{
    private const uint Nobody = 65534;
    private readonly CompiledCClient _client;

    public CClientOverSocketTests(CompiledCClient client) => _client = client;

    [FactWhenCCompiler]
    public void AddSpdaddGetAndDumpFromCAreAnsweredAsByAKernel()
    {
        using var fixture = new SocketServerFixture();

        ProgramRun run = CCompiler.Run(_client.Program!, [fixture.Path, "full"]);

        Assert.True(run.ExitCode == 0, run.Error);
        string[] lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("add errno 0", lines[0]);
        Assert.Matches("^spdadd errno 0 id [1-9][0-9]*$", lines[1]);
        Assert.Equal("get errno 0 keys match", lines[2]);
        Assert.Equal("dump entries 1 last seq 0", lines[3]);
        Assert.Equal("short packet errno EMSGSIZE", lines[4]);
        Assert.Equal(5, lines.Length);
        Assert.Equal(1, fixture.Harness.Engine.States.Count);
        Assert.Single(fixture.Harness.Engine.Policies.Dump());
    }

    [FactWhenRootWithSetprivAttribute]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")] // Unix file modes.
    public void AnotherUserCannotOpenTheSocketFileNorIsServedWhenItCan()
    {
        using var fixture = new SocketServerFixture(allowedUserId: 0);
        File.SetUnixFileMode(Path.GetDirectoryName(fixture.Path)!, (UnixFileMode)Convert.ToInt32("755", 8));

        // Mode 0600 keeps every other user out at connect().
        Assert.Equal("connect EACCES\n", RunAsNobody(fixture.Path).Output);

        // Past the file mode, SO_PEERCRED keeps it out: the server closes the connection unserved.
        File.SetUnixFileMode(fixture.Path, (UnixFileMode)Convert.ToInt32("666", 8));
        ProgramRun run = RunAsNobody(fixture.Path);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("recv closed\n", run.Output);
        Assert.Equal(1, fixture.Server.RefusedPeers);
        Assert.Empty(fixture.Server.Connections);
    }

    private ProgramRun RunAsNobody(string path) =>
        CCompiler.Run(CCompiler.Find("setpriv")!, [$"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups", _client.Program!, path, "connect"]);
}
