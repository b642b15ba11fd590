using Netipsec.Transforms.Modes;

namespace Netipsec.Tests.Transforms.Modes;

public sealed class EcnTunnelingTests
{
    [Theory]
    [InlineData(EcnTunneling.NotEct, EcnTunneling.NotEct)]
    [InlineData(EcnTunneling.Ect0, EcnTunneling.Ect0)]
    [InlineData(EcnTunneling.Ect1, EcnTunneling.Ect1)]
    [InlineData(EcnTunneling.Ce, EcnTunneling.Ect0)]
    public void Encapsulate_copies_the_inner_ECN_except_CE(int inner, int expectedOuter) =>
        Assert.Equal(expectedOuter, EcnTunneling.Encapsulate(inner));

    [Theory]
    [MemberData(nameof(TunnelModeTests.DecapsulationTable), MemberType = typeof(TunnelModeTests))]
    public void Decapsulate_follows_RFC_6040_figure_4(int inner, int outer, int expected) =>
        Assert.Equal(expected, EcnTunneling.Decapsulate(inner, outer));
}
