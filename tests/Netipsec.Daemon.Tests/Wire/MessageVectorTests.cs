using Netipsec.Daemon.Wire;
using Netipsec.Packets;

namespace Netipsec.Daemon.Tests.Wire;

public sealed class MessageVectorTests
{
    [Theory]
    [InlineData("192.0.2.7", 4500, 16)]
    [InlineData("2001:db8::7", 50000, 28)]
    public void Socket_addresses_round_trip(string address, int port, int length)
    {
        Span<byte> name = stackalloc byte[MessageVector.NameSize];

        Assert.Equal(length, MessageVector.WriteSocketAddress(name, IpAddress.Parse(address), (ushort)port));

        Assert.True(MessageVector.TryReadSocketAddress(name, out IpAddress read, out ushort readPort));
        Assert.Equal(IpAddress.Parse(address), read);
        Assert.Equal(port, readPort);
    }

    [Fact]
    public void An_unknown_address_family_is_refused()
    {
        Assert.False(MessageVector.TryReadSocketAddress(new byte[MessageVector.NameSize], out _, out _));
    }

    [Fact]
    public void A_control_message_is_found_among_others_by_level_and_type()
    {
        byte[] control = new byte[MessageVector.ControlSize];
        int first = MessageVector.WriteControlMessage(control, 41, 52, [64, 0, 0, 0]);
        MessageVector.WriteControlMessage(control.AsSpan(first), 41, 50, [.. Enumerable.Range(1, 20).Select(i => (byte)i)]);

        Assert.Equal(24, first); // CMSG_SPACE(4)
        Assert.True(MessageVector.TryFindControlMessage(control, 41, 50, out ReadOnlySpan<byte> info));
        Assert.Equal(20, info.Length);
        Assert.Equal(1, info[0]);
        Assert.True(MessageVector.TryFindControlMessage(control, 41, 52, out ReadOnlySpan<byte> hops));
        Assert.Equal(64, hops[0]);
        Assert.False(MessageVector.TryFindControlMessage(control, 0, 8, out _));
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(8UL)]
    [InlineData(1000UL)]
    [InlineData(ulong.MaxValue)]
    public void A_corrupt_control_length_ends_the_search_without_reading_past_the_buffer(ulong length)
    {
        byte[] control = new byte[32];
        BitConverter.TryWriteBytes(control, length);
        BitConverter.TryWriteBytes(control.AsSpan(8), 41);
        BitConverter.TryWriteBytes(control.AsSpan(12), 50);

        Assert.False(MessageVector.TryFindControlMessage(control, 41, 50, out _));
    }
}
