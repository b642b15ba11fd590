using Netipsec.PfKey.Wire;

namespace Netipsec.PfKey.Tests.Wire;

/// <summary>
/// A base-header-only SADB_X_PROMISC carries its on/off switch in <c>sadb_msg_satype</c> (af_key.c's pfkey_promisc),
/// so 1 — no SA type — parses there, and nowhere else.
/// </summary>
public sealed class PromiscSaTypeTests
{
    private const byte Promisc = (byte)MessageType.Promisc;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void ABarePromiscParsesWithItsSwitchValue(byte value)
    {
        Assert.True(PfKeyMessage.TryParse(RawMessage.Build(Promisc, value), PfKeyOrigin.Client, out PfKeyMessage message, out _));
        Assert.Equal((SaType)value, message.Header.SaType);
    }

    [Fact]
    public void SaType1IsStillUnknownOnAPromiscWithExtensionsAndOnOtherMessages()
    {
        byte[] withExtension = RawMessage.Build(Promisc, 1, RawMessage.Sa(0x1000, 0, 0, 0));
        byte[] flush = RawMessage.Build((byte)MessageType.Flush, 1);

        foreach (byte[] message in new[] { withExtension, flush })
        {
            Assert.False(PfKeyMessage.TryParse(message, PfKeyOrigin.Client, out _, out PfKeyError error));
            Assert.Equal((PfKeyParseError.UnknownSaType, PfKeyErrno.InvalidArgument, PfKeyDiagnostic.UnknownSaType), (error.Reason, error.Errno, error.Diagnostic));
        }
    }

    [Fact]
    public void ABarePromiscWithAnotherUnknownValueIsUnknown()
    {
        Assert.False(PfKeyMessage.TryParse(RawMessage.Build(Promisc, 4), PfKeyOrigin.Client, out _, out PfKeyError error));
        Assert.Equal(PfKeyParseError.UnknownSaType, error.Reason);
    }
}
