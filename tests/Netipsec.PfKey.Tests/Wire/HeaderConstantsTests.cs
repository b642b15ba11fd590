using Netipsec.PfKey.Wire;

namespace Netipsec.PfKey.Tests.Wire;

public sealed class HeaderConstantsTests
{
    [Fact]
    public void EveryDefinitionOfTheShippedHeaderEqualsItsCSharpConstant()
    {
        List<(string Name, long Value)> definitions = HeaderDefinitions.Read(RepositoryFiles.ExtensionHeader);

        Assert.NotEmpty(definitions);
        foreach ((string name, long value) in definitions)
        {
            Assert.True(HeaderDefinitions.CSharpValue(name) == value, $"{name} is {value} in the header, {HeaderDefinitions.CSharpValue(name)} in C#");
        }
    }

    [Fact]
    public void TheHeaderDefinesAllEightyDiagnosticsAndEveryNetipsecAddition()
    {
        List<(string Name, long Value)> definitions = HeaderDefinitions.Read(RepositoryFiles.ExtensionHeader);
        var names = definitions.Select(d => d.Name).ToHashSet();

        List<long> diagnostics = definitions.Where(d => d.Name.StartsWith("SADB_X_DIAGNOSTIC_", StringComparison.Ordinal) && d.Name != "SADB_X_DIAGNOSTIC_MAX").Select(d => d.Value).ToList();
        Assert.Equal(Enumerable.Range(0, 80).Select(i => (long)i), diagnostics.Distinct().Order());
        Assert.Equal(Enum.GetNames<PfKeyDiagnostic>().Length, diagnostics.Count);

        // The additions Linux lacks, each numbered above Linux's range.
        Assert.Contains("SADB_X_INVERSE_ACQUIRE", names);
        Assert.Contains("SADB_X_UPDATEPAIR", names);
        Assert.Contains("SADB_X_DELPAIR", names);
        foreach (ExtensionType type in Enum.GetValues<ExtensionType>().Where(t => (int)t >= 32))
        {
            Assert.Contains(definitions, d => d.Name.StartsWith("SADB_X_EXT_", StringComparison.Ordinal) && d.Value == (long)type);
        }

        Assert.All(Enum.GetValues<MessageType>().Where(t => t > MessageType.Migrate), t => Assert.True((int)t >= 32));
    }

    [Fact]
    public void TheSolarisFlagsAvoidEveryBitLinuxUses()
    {
        const SaFlags linux = SaFlags.Pfs | SaFlags.NoPmtuDisc | SaFlags.DecapDscp | SaFlags.NoEcn;
        SaFlags added = SaFlags.None;
        foreach (SaFlags flag in Enum.GetValues<SaFlags>().Where(f => f != SaFlags.None && (f & linux) == 0))
        {
            Assert.Equal(0u, (uint)(added & flag)); // one bit each, never shared
            added |= flag;
        }

        Assert.Equal(22, System.Numerics.BitOperations.PopCount((uint)added)); // Solaris's 19, Netipsec's ESN, KAME's 2 padding bits
        Assert.Equal(SaFlags.None, added & linux);
    }

    [Fact]
    public void KamesPaddingBitsAreTheHeadersAndFreeOfEveryOtherFlag()
    {
        List<(string Name, long Value)> definitions = HeaderDefinitions.Read(RepositoryFiles.ExtensionHeader);
        long Value(string name) => Assert.Single(definitions, d => d.Name == name).Value;

        Assert.Equal((0L, 0x100L, 0x200L, 0x300L), (Value("SADB_X_EXT_PSEQ"), Value("SADB_X_EXT_PRAND"), Value("SADB_X_EXT_PZERO"), Value("SADB_X_EXT_PMASK")));
        long others = definitions
            .Where(d => d.Name.StartsWith("SADB_X_SAFLAGS_", StringComparison.Ordinal) || d.Name.StartsWith("SADB_SAFLAGS_", StringComparison.Ordinal))
            .Aggregate(0L, (all, d) => all | d.Value);
        Assert.Equal(0L, others & Value("SADB_X_EXT_PMASK"));
        foreach (string header in new[] { "/usr/include/linux/pfkeyv2.h" }.Where(File.Exists))
        {
            long linux = HeaderDefinitions.Read(header).Where(d => d.Name.StartsWith("SADB_SAFLAGS_", StringComparison.Ordinal)).Aggregate(0L, (all, d) => all | d.Value);
            Assert.Equal(0L, linux & Value("SADB_X_EXT_PMASK"));
        }
    }

    [Fact]
    public void EveryLinuxDefinitionEqualsItsCSharpConstant()
    {
        // The Linux UAPI headers are the reference; a machine without them has nothing to compare against.
        foreach (string header in new[] { "/usr/include/linux/pfkeyv2.h", "/usr/include/linux/ipsec.h" }.Where(File.Exists))
        {
            List<(string Name, long Value)> definitions = HeaderDefinitions.Read(header);
            Assert.Contains(definitions, d => d.Name is "SADB_X_EXT_FILTER" or "IPSEC_LEVEL_UNIQUE");
            foreach ((string name, long value) in definitions)
            {
                long? mirrored = HeaderDefinitions.CSharpValue(name);
                Assert.True(mirrored is null || mirrored == value, $"{name} is {value} in {header}, {mirrored} in C#");
            }
        }
    }
}
