using Netipsec.PfKey.Channels;
using Netipsec.PfKey.Service;
using Netipsec.PfKey.Tests.Service;
using Netipsec.PfKey.Wire;
using Xunit;
using static Netipsec.PfKey.Tests.Service.ServiceHarness;

namespace Netipsec.PfKey.Tests.Channels;

public sealed class InProcessPfKeyChannelTests
{
    private static readonly TimeSpan Brief = TimeSpan.FromMilliseconds(50);

    [Fact]
    public void ARequestsReplyAndTheCopyToAllArriveOnTheirChannels()
    {
        var harness = new ServiceHarness();
        using var sender = new InProcessPfKeyChannel(harness.Service);
        using var other = new InProcessPfKeyChannel(harness.Service);

        Assert.Equal(PfKeyErrno.None, sender.Send(Build(MessageType.Flush, SaType.Unspecified, 7)));

        var buffer = new byte[PfKeyChannelLimits.MaxMessageLength];
        int length = sender.Receive(buffer, Brief);
        Assert.True(PfKeyMessage.TryParse(buffer.AsSpan(0, length), PfKeyOrigin.Service, out PfKeyMessage reply, out _));
        Assert.Equal(MessageType.Flush, reply.Header.Type);
        Assert.Equal(7u, reply.Header.Sequence);
        Assert.True(other.Receive(buffer, Brief) > 0);
        Assert.Equal(0, sender.Receive(buffer, Brief));
    }

    [Fact]
    public void AnUnanswerableHeaderFailsTheSendItselfAndQueuesNothing()
    {
        var harness = new ServiceHarness();
        using var channel = new InProcessPfKeyChannel(harness.Service);

        Assert.Equal(PfKeyErrno.MessageSize, channel.Send(new byte[8]));
        Assert.Equal(0, channel.Receive(new byte[PfKeyChannelLimits.MaxMessageLength], Brief));
    }

    [Fact]
    public void AnAnswerableRefusalArrivesAsAnErrorReply()
    {
        var harness = new ServiceHarness();
        using var channel = new InProcessPfKeyChannel(harness.Service);

        Assert.Equal(PfKeyErrno.None, channel.Send(Build(MessageType.Get, SaType.Esp, 3)));

        var buffer = new byte[PfKeyChannelLimits.MaxMessageLength];
        int length = channel.Receive(buffer, Brief);
        Assert.Equal(16, length);
        Assert.NotEqual(PfKeyErrno.None, PfKeyHeader.Read(buffer).Errno);
    }

    [Fact]
    public void AFullQueueDropsAndCountsInsteadOfBlockingTheService()
    {
        var harness = new ServiceHarness();
        using var reader = new InProcessPfKeyChannel(harness.Service, capacity: 2);
        using var writer = new InProcessPfKeyChannel(harness.Service);

        for (uint sequence = 1; sequence <= 5; sequence++)
        {
            writer.Send(Build(MessageType.Flush, SaType.Unspecified, sequence));
        }

        Assert.Equal(3, reader.Dropped);
    }

    [Fact]
    public void ADisposedChannelNoLongerReceivesCopies()
    {
        var harness = new ServiceHarness();
        var closed = new InProcessPfKeyChannel(harness.Service);
        closed.Dispose();

        Assert.DoesNotContain(closed.Client, harness.Service.Clients);
        Assert.Throws<ObjectDisposedException>(() => closed.Send(Build(MessageType.Flush, SaType.Unspecified, 1)));
    }
}
