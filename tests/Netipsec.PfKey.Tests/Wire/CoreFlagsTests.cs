using CoreFlags = Netipsec.States.SaFlags;
using WireFlags = Netipsec.PfKey.Wire.SaFlags;

namespace Netipsec.PfKey.Tests.Wire;

/// <summary>The SAD stores sadb_sa_flags as PF_KEY carries them: every core flag has the wire flag's value.</summary>
public sealed class CoreFlagsTests
{
    public static TheoryData<CoreFlags, WireFlags> Pairs => new()
    {
        { CoreFlags.Pfs, WireFlags.Pfs },
        { CoreFlags.NoReplay, WireFlags.NoReplay },
        { CoreFlags.Inbound, WireFlags.Inbound },
        { CoreFlags.Outbound, WireFlags.Outbound },
        { CoreFlags.Paired, WireFlags.Paired },
        { CoreFlags.Tunnel, WireFlags.Tunnel },
        { CoreFlags.NatTraversalRemote, WireFlags.NattRem },
        { CoreFlags.NatTraversalLocal, WireFlags.NattLoc },
        { CoreFlags.KeyManagement4, WireFlags.Km4 },
        { CoreFlags.KeyManagement3, WireFlags.Km3 },
        { CoreFlags.KeyManagement2, WireFlags.Km2 },
        { CoreFlags.KeyManagement1, WireFlags.Km1 },
        { CoreFlags.EncryptionAlgorithm2, WireFlags.Ealg2 },
        { CoreFlags.EncryptionAlgorithm1, WireFlags.Ealg1 },
        { CoreFlags.AuthenticationAlgorithm2, WireFlags.Aalg2 },
        { CoreFlags.AuthenticationAlgorithm1, WireFlags.Aalg1 },
        { CoreFlags.Unique, WireFlags.Unique },
        { CoreFlags.Used, WireFlags.Used },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Core_and_wire_flags_have_one_value(CoreFlags core, WireFlags wire) => Assert.Equal((uint)wire, (uint)core);

    [Fact]
    public void Every_core_flag_is_paired()
    {
        CoreFlags[] paired = [.. Pairs.Select(row => (CoreFlags)row[0])];
        Assert.Equal(Enum.GetValues<CoreFlags>().Where(flag => flag != CoreFlags.None).Order(), paired.Order());
    }
}
