using System.Net.Sockets;
using Netipsec.PfKey.Channels;
using Netipsec.PfKey.Sockets;
using Netipsec.PfKey.Wire;
using static Netipsec.PfKey.Tests.Service.ServiceHarness;

namespace Netipsec.PfKey.Tests.Sockets;

public sealed class PfKeySocketServerTests : IDisposable
{
    private static readonly TimeSpan Brief = TimeSpan.FromMilliseconds(100);
    private readonly SocketServerFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void AnAddOverTheSocketIsRepliedToTheSenderAndCopiedToEveryOtherSocket()
    {
        using PfKeySocket sender = _fixture.Connect();
        using PfKeySocket other = _fixture.Connect();

        Assert.Equal(PfKeyErrno.None, sender.Send(EspAdd(0x1001, sequence: 9)));

        PfKeyMessage reply = Parse(SocketServerFixture.ReceiveOne(sender));
        Assert.Equal(MessageType.Add, reply.Header.Type);
        Assert.Equal(PfKeyErrno.None, reply.Header.Errno);
        Assert.Equal(9u, reply.Header.Sequence);
        Assert.False(reply.Contains(ExtensionType.KeyEncrypt)); // Replies to ADD never carry keys.
        Assert.Equal(MessageType.Add, Parse(SocketServerFixture.ReceiveOne(other)).Header.Type);
        Assert.Equal(1, _fixture.Harness.Engine.States.Count);
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")] // Unix file modes.
    public void TheSocketFileHasMode0600AndIsRemovedOnDispose()
    {
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_fixture.Path));

        _fixture.Server.Dispose();

        Assert.False(File.Exists(_fixture.Path));
    }

    [Fact]
    public void APromiscuousSocketSeesAnotherSocketsRequestAndEveryCopyOfItsReply()
    {
        using PfKeySocket watcher = _fixture.Connect();
        using PfKeySocket sender = _fixture.Connect();
        Assert.Equal(PfKeyErrno.None, watcher.Send(Build(MessageType.Promisc, (SaType)1, 1)));
        Assert.Equal(MessageType.Promisc, PfKeyHeader.Read(SocketServerFixture.ReceiveOne(watcher)).Type);
        Assert.Equal(MessageType.Promisc, PfKeyHeader.Read(SocketServerFixture.ReceiveOne(watcher)).Type);
        Assert.Equal(MessageType.Promisc, PfKeyHeader.Read(SocketServerFixture.ReceiveOne(sender)).Type);

        byte[] add = EspAdd(0x1002, sequence: 4);
        Assert.Equal(PfKeyErrno.None, sender.Send(add));

        Assert.Equal(add, SocketServerFixture.ReceiveOne(watcher)); // The request as sent, keys and all, as on Linux.
        byte[] reply = SocketServerFixture.ReceiveOne(sender);
        Assert.Equal(reply, SocketServerFixture.ReceiveOne(watcher));
        Assert.Equal(reply, SocketServerFixture.ReceiveOne(watcher));
    }

    [Fact]
    public void EachConnectionIsAnAttachedClientWithTheKernelsCredentialsOfItsPeer()
    {
        using PfKeySocket socket = _fixture.Connect();

        PfKeyConnection connection = Assert.Single(_fixture.Server.Connections);
        Assert.Equal(Environment.ProcessId, connection.Peer.ProcessId);
        Assert.Equal(SocketServerFixture.OwnUserId, connection.Peer.UserId);
        Assert.Contains(connection.Client, _fixture.Harness.Service.Clients);
    }

    [Fact]
    public void APeerWithAnotherUserIdIsDisconnectedUnserved()
    {
        using var fixture = new SocketServerFixture(allowedUserId: SocketServerFixture.OwnUserId + 1);
        using PfKeySocket socket = PfKeySocket.Connect(fixture.Path);
        SocketServerFixture.WaitFor(() => fixture.Server.RefusedPeers == 1);

        Assert.Throws<IOException>(() => socket.Receive(new byte[PfKeyChannelLimits.MaxMessageLength], SocketServerFixture.Wait));
        Assert.Equal(PfKeyErrno.BrokenPipe, socket.Send(Build(MessageType.Flush, SaType.Unspecified, 1)));
        Assert.Empty(fixture.Server.Connections);
        Assert.Equal(2, fixture.Harness.Service.Clients.Length); // The harness's own two: nothing attached.
    }

    [Fact]
    public void AReaderThatNeverReadsDropsItsOwnCopiesAndHoldsUpNobody()
    {
        using var fixture = new SocketServerFixture(queueCapacity: 4);
        using PfKeySocket stalled = fixture.Connect();
        using PfKeySocket busy = fixture.Connect();
        PfKeyConnection stalledConnection = fixture.Server.Connections[0];
        var buffer = new byte[PfKeyChannelLimits.MaxMessageLength];

        // Enough FLUSH copies to overrun the stalled peer's socket buffer and then its queue of 4.
        const int Requests = 3000;
        for (uint sequence = 1; sequence <= Requests; sequence++)
        {
            Assert.Equal(PfKeyErrno.None, busy.Send(Build(MessageType.Flush, SaType.Unspecified, sequence)));
            int length = busy.Receive(buffer, SocketServerFixture.Wait);
            Assert.Equal(16, length);
            Assert.Equal(sequence, PfKeyHeader.Read(buffer).Sequence);
        }

        Assert.True(stalledConnection.Dropped > 0);
        Assert.Equal(stalledConnection.Dropped, fixture.Server.Dropped);
        Assert.Equal(0, fixture.Server.Connections[1].Dropped);
        Assert.Equal(4, stalledConnection.Queued);

        // What the stalled peer does read is whole messages, the oldest first.
        Assert.Equal(1u, Parse(SocketServerFixture.ReceiveOne(stalled)).Header.Sequence);
    }

    [Fact]
    public void ManyConnectionsAtOnceEachGetTheirOwnReplies()
    {
        const int Clients = 16;
        PfKeySocket[] sockets = [.. Enumerable.Range(0, Clients).Select(_ => _fixture.Connect())];
        try
        {
            Parallel.For(0, Clients, i =>
            {
                uint spi = 0x2000 + (uint)i;
                Assert.Equal(PfKeyErrno.None, sockets[i].Send(EspAdd(spi, sequence: spi)));
                var buffer = new byte[PfKeyChannelLimits.MaxMessageLength];
                bool replied = false;
                while (!replied)
                {
                    // Copies of the others' ADDs arrive too; the reply is the one with this socket's sequence.
                    int length = sockets[i].Receive(buffer, SocketServerFixture.Wait);
                    Assert.True(length > 0);
                    replied = PfKeyHeader.Read(buffer).Sequence == spi;
                }
            });
        }
        finally
        {
            foreach (PfKeySocket socket in sockets)
            {
                socket.Dispose();
            }
        }

        Assert.Equal(Clients, _fixture.Harness.Engine.States.Count);
        SocketServerFixture.WaitFor(() => _fixture.Server.Connections.IsEmpty);
        Assert.Equal(2, _fixture.Harness.Service.Clients.Length); // Closed connections are detached.
    }

    [Fact]
    public void APacketLargerThanAnyMessageIsAnsweredWithAnEmsgsizeNotice()
    {
        using Socket raw = _fixture.ConnectRaw();

        raw.Send(new byte[PfKeyChannelLimits.MaxMessageLength + 8]);

        AssertNotice(raw, PfKeyErrno.MessageSize, sequence: 0);
    }

    [Fact]
    public void APacketShorterThanItsSadbMsgLenIsAnsweredWithAnEmsgsizeNoticeAndChangesNothing()
    {
        using Socket raw = _fixture.ConnectRaw();
        byte[] add = EspAdd(0x3001, sequence: 77);

        raw.Send(add.AsSpan(0, add.Length - 8));

        AssertNotice(raw, PfKeyErrno.MessageSize, sequence: 77);
        Assert.Equal(0, _fixture.Harness.Engine.States.Count);
    }

    [Fact]
    public void APacketShorterThanABaseHeaderIsAnsweredWithAnEmsgsizeNotice()
    {
        using Socket raw = _fixture.ConnectRaw();

        raw.Send(new byte[8]);

        AssertNotice(raw, PfKeyErrno.MessageSize, sequence: 0);
    }

    [Fact]
    public void AWrongVersionIsAnsweredWithAnEinvalNotice()
    {
        using Socket raw = _fixture.ConnectRaw();
        byte[] flush = Build(MessageType.Flush, SaType.Unspecified, 5);
        flush[0] = 3;

        raw.Send(flush);

        AssertNotice(raw, PfKeyErrno.InvalidArgument, sequence: 5);
    }

    [Fact]
    public void TheClientRefusesWhatLinuxsSendWouldRefuseAndSendsNothing()
    {
        using PfKeySocket socket = _fixture.Connect();
        var buffer = new byte[PfKeyChannelLimits.MaxMessageLength];

        Assert.Equal(PfKeyErrno.MessageSize, socket.Send(new byte[8]));
        Assert.Equal(PfKeyErrno.MessageSize, socket.Send(new byte[PfKeyChannelLimits.MaxMessageLength + 8]));
        byte[] badType = Build(MessageType.Flush, SaType.Unspecified, 1);
        badType[1] = 99;
        Assert.Equal(PfKeyErrno.InvalidArgument, socket.Send(badType));

        Assert.Equal(0, socket.Receive(buffer, Brief));
    }

    [Fact]
    public void ARefusedRequestArrivesAsAnErrorReplyWithItsDiagnostic()
    {
        using PfKeySocket socket = _fixture.Connect();

        Assert.Equal(PfKeyErrno.None, socket.Send(Build(MessageType.Get, SaType.Esp, 3)));

        byte[] reply = SocketServerFixture.ReceiveOne(socket);
        Assert.Equal(16, reply.Length);
        PfKeyHeader header = Parse(reply).Header;
        Assert.Equal(PfKeyErrno.InvalidArgument, header.Errno);
        Assert.Equal(PfKeyDiagnostic.MissingSa, header.Diagnostic);
    }

    [Fact]
    public void ReceiveReturnsZeroWhenNothingArrivesInTime()
    {
        using PfKeySocket socket = _fixture.Connect();

        Assert.Equal(0, socket.Receive(new byte[PfKeyChannelLimits.MaxMessageLength], Brief));
    }

    [Fact]
    public void DisposeClosesEveryConnectionAndDetachesItsClient()
    {
        using PfKeySocket first = _fixture.Connect();
        using PfKeySocket second = _fixture.Connect();

        _fixture.Server.Dispose();

        Assert.Throws<IOException>(() => first.Receive(new byte[PfKeyChannelLimits.MaxMessageLength], SocketServerFixture.Wait));
        Assert.Throws<IOException>(() => second.Receive(new byte[PfKeyChannelLimits.MaxMessageLength], SocketServerFixture.Wait));
        Assert.Equal(2, _fixture.Harness.Service.Clients.Length);
        Assert.Throws<SocketException>(() => PfKeySocket.Connect(_fixture.Path));
    }

    [Fact]
    public void ASocketFileLeftByADeadServerIsReplaced()
    {
        string path = _fixture.Path + ".stale";
        using (var dead = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified))
        {
            // .NET unlinks the file it bound on dispose; a renamed one is left behind as a crashed server leaves it.
            dead.Bind(new UnixDomainSocketEndPoint(path + ".tmp"));
            File.Move(path + ".tmp", path);
        }

        using var server = new PfKeySocketServer(_fixture.Harness.Service, path, SocketServerFixture.OwnUserId);
        using PfKeySocket socket = PfKeySocket.Connect(path);
        Assert.Equal(PfKeyErrno.None, socket.Send(Build(MessageType.Flush, SaType.Unspecified, 1)));
        Assert.Equal(MessageType.Flush, Parse(SocketServerFixture.ReceiveOne(socket)).Header.Type);
    }

    [Fact]
    public void ALiveServerOrARegularFileAtThePathIsNeverReplaced()
    {
        Assert.Throws<IOException>(() => new PfKeySocketServer(_fixture.Harness.Service, _fixture.Path, SocketServerFixture.OwnUserId));

        string file = _fixture.Path + ".file";
        File.WriteAllText(file, "not a socket");
        Assert.Throws<IOException>(() => new PfKeySocketServer(_fixture.Harness.Service, file, SocketServerFixture.OwnUserId));
        Assert.Equal("not a socket", File.ReadAllText(file));

        // The live server still serves.
        using PfKeySocket socket = _fixture.Connect();
        Assert.Equal(PfKeyErrno.None, socket.Send(Build(MessageType.Flush, SaType.Unspecified, 1)));
        Assert.Equal(MessageType.Flush, Parse(SocketServerFixture.ReceiveOne(socket)).Header.Type);
    }

    private static void AssertNotice(Socket raw, PfKeyErrno errno, uint sequence)
    {
        var buffer = new byte[PfKeyChannelLimits.MaxMessageLength];
        Assert.True(raw.Poll(SocketServerFixture.Wait, SelectMode.SelectRead), "no notice arrived");
        int length = raw.Receive(buffer);
        Assert.Equal(16, length);
        Assert.Equal(PfKeyConstants.Version, buffer[0]);
        Assert.Equal((byte)PfKeySocketServer.SendFailureNotice, buffer[1]);
        Assert.Equal((byte)errno, buffer[2]);
        Assert.Equal(2, BitConverter.ToUInt16(buffer, 4));
        Assert.Equal(sequence, BitConverter.ToUInt32(buffer, 8));
    }
}
