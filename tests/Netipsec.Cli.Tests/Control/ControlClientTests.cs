using System.Net.Sockets;
using System.Text;
using Netipsec.Cli.Control;

namespace Netipsec.Cli.Tests.Control;

public sealed class ControlClientTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("netipsec-cli-").FullName;

    [Fact]
    public async Task The_command_goes_out_as_one_line_and_the_answer_is_copied_to_the_output()
    {
        string path = Path.Combine(_directory, "control.sock");
        Task<string> server = ServeOnce(path, "XfrmInError\t0\nXfrmInNoStates\t3\n");
        using var output = new StringWriter();
        using var error = new StringWriter();

        int exitCode = await ControlClient.RunAsync(path, "stats", output, error, CancellationToken.None);

        Assert.Equal(0, exitCode);
        Assert.Equal("stats\n", await server);
        Assert.Equal("XfrmInError\t0\nXfrmInNoStates\t3\n", output.ToString().ReplaceLineEndings("\n"));
        Assert.Empty(error.ToString());
    }

    [Fact]
    public async Task A_refused_command_goes_to_the_error_output_with_exit_code_1()
    {
        string path = Path.Combine(_directory, "control.sock");
        Task<string> server = ServeOnce(path, "error: unknown command 'show keys'\n");
        using var output = new StringWriter();
        using var error = new StringWriter();

        int exitCode = await ControlClient.RunAsync(path, "show keys", output, error, CancellationToken.None);

        Assert.Equal(1, exitCode);
        Assert.Equal("show keys\n", await server);
        Assert.Empty(output.ToString());
        Assert.StartsWith("error: unknown command", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_absent_daemon_is_reported_with_its_socket_path_and_exit_code_1()
    {
        string path = Path.Combine(_directory, "nobody.sock");
        using var output = new StringWriter();
        using var error = new StringWriter();

        int exitCode = await ControlClient.RunAsync(path, "show state", output, error, CancellationToken.None);

        Assert.Equal(1, exitCode);
        Assert.Contains(path, error.ToString(), StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>A daemon stand-in: accepts one connection, reads the command line, answers and closes; returns what it read.</summary>
    private static Task<string> ServeOnce(string path, string answer)
    {
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        return Task.Run(async () =>
        {
            using (listener)
            {
                using Socket client = await listener.AcceptAsync();
                byte[] buffer = new byte[256];
                int length = 0;
                while (length == 0 || buffer[length - 1] != (byte)'\n')
                {
                    length += await client.ReceiveAsync(buffer.AsMemory(length));
                }

                await client.SendAsync(Encoding.UTF8.GetBytes(answer));
                client.Shutdown(SocketShutdown.Both);
                return Encoding.UTF8.GetString(buffer, 0, length);
            }
        });
    }
}
