using Netipsec.PfKey.Wire;

namespace Netipsec.PfKey.Tests.Wire;

public sealed class PfKeyErrorsTests
{
    [Theory]
    [InlineData(ExtensionType.Sa, PfKeyDiagnostic.DuplicateSa)]
    [InlineData(ExtensionType.AddressSrc, PfKeyDiagnostic.DuplicateSrc)]
    [InlineData(ExtensionType.AddressDst, PfKeyDiagnostic.DuplicateDst)]
    [InlineData(ExtensionType.KeyAuth, PfKeyDiagnostic.DuplicateAKey)]
    [InlineData(ExtensionType.KeyEncrypt, PfKeyDiagnostic.DuplicateEKey)]
    [InlineData(ExtensionType.SpiRange, PfKeyDiagnostic.DuplicateRange)]
    [InlineData(ExtensionType.KmCookie, PfKeyDiagnostic.DuplicateKmc)]
    [InlineData(ExtensionType.AddressNattLoc, PfKeyDiagnostic.DuplicateNattLoc)]
    [InlineData(ExtensionType.AddressNattRem, PfKeyDiagnostic.DuplicateNattRem)]
    [InlineData(ExtensionType.NatTSport, PfKeyDiagnostic.DuplicateNattPorts)]
    [InlineData(ExtensionType.NatTDport, PfKeyDiagnostic.DuplicateNattPorts)]
    [InlineData(ExtensionType.AddressInnerSrc, PfKeyDiagnostic.DuplicateInnerSrc)]
    [InlineData(ExtensionType.AddressInnerDst, PfKeyDiagnostic.DuplicateInnerDst)]
    [InlineData(ExtensionType.Policy, PfKeyDiagnostic.None)]
    public void DuplicatesNameTheirExtension(ExtensionType extension, PfKeyDiagnostic diagnostic)
    {
        Assert.Equal(new PfKeyError(PfKeyParseError.DuplicateExtension, extension, PfKeyErrno.InvalidArgument, diagnostic), PfKeyErrors.For(PfKeyParseError.DuplicateExtension, extension));
    }

    [Theory]
    [InlineData(ExtensionType.Sa, PfKeyDiagnostic.MalformedSa)]
    [InlineData(ExtensionType.AddressSrc, PfKeyDiagnostic.MalformedSrc)]
    [InlineData(ExtensionType.AddressDst, PfKeyDiagnostic.MalformedDst)]
    [InlineData(ExtensionType.KeyAuth, PfKeyDiagnostic.MalformedAKey)]
    [InlineData(ExtensionType.KeyEncrypt, PfKeyDiagnostic.MalformedEKey)]
    [InlineData(ExtensionType.SpiRange, PfKeyDiagnostic.MalformedRange)]
    [InlineData(ExtensionType.AddressNattLoc, PfKeyDiagnostic.MalformedNattLoc)]
    [InlineData(ExtensionType.AddressNattRem, PfKeyDiagnostic.MalformedNattRem)]
    [InlineData(ExtensionType.AddressInnerSrc, PfKeyDiagnostic.MalformedInnerSrc)]
    [InlineData(ExtensionType.AddressInnerDst, PfKeyDiagnostic.MalformedInnerDst)]
    [InlineData(ExtensionType.Eprop, PfKeyDiagnostic.BadExtLen)]
    public void MalformedBodiesNameTheirExtension(ExtensionType extension, PfKeyDiagnostic diagnostic)
    {
        Assert.Equal(diagnostic, PfKeyErrors.For(PfKeyParseError.MalformedExtension, extension).Diagnostic);
        Assert.Equal(diagnostic, PfKeyErrors.For(PfKeyParseError.BadSockaddrLength, extension).Diagnostic);
    }

    [Fact]
    public void OnlyBaseHeaderLengthErrorsAreEmsgsize()
    {
        foreach (PfKeyParseError reason in Enum.GetValues<PfKeyParseError>().Where(r => r != PfKeyParseError.None))
        {
            PfKeyErrno expected = reason is PfKeyParseError.TooShort or PfKeyParseError.LengthMismatch ? PfKeyErrno.MessageSize : PfKeyErrno.InvalidArgument;
            Assert.Equal(expected, PfKeyErrors.For(reason, ExtensionType.Sa).Errno);
        }

        Assert.Equal(default, PfKeyErrors.For(PfKeyParseError.None));
    }
}
