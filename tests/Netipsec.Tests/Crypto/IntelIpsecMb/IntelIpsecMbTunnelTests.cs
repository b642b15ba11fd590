using Netipsec.Crypto.IntelIpsecMb;
using Netipsec.Packets;
using Netipsec.Simulation;
using Netipsec.States;
using Netipsec.Tests.Simulation;
using Netipsec.Tests.Transforms.Esp;

namespace Netipsec.Tests.Crypto.IntelIpsecMb;

/// <summary>
/// The simulated site-to-site ESP tunnel with both gateways on <see cref="CryptoEngines.Default"/> (native first): every
/// suite the portable engine runs, plus AES-GCM with an 8-byte ICV and AES-XCBC-MAC, which only the native engine runs;
/// every other suite with extended sequence numbers.
/// </summary>
public sealed class IntelIpsecMbTunnelTests
{
    public static TheoryData<string, IpVersion, bool> Suites
    {
        get
        {
            var data = new TheoryData<string, IpVersion, bool>();
            foreach (EspSuite suite in AllSuites)
            {
                data.Add(suite.Name, data.Count % 2 == 0 ? IpVersion.V4 : IpVersion.V6, data.Count % 4 < 2);
            }

            return data;
        }
    }

    private static IEnumerable<EspSuite> AllSuites => EspSuite.All.Concat(
    [
        new EspSuite("aes-gcm-8/128", 18, 20),
        new EspSuite("aes-cbc/128+aes-xcbc-mac", EspSuite.AesCbc, 16, 9, 16),
        new EspSuite("aes-ctr/256+aes-xcbc-mac", EspSuite.AesCtr, 36, 9, 16),
    ]);

    [TheoryWhenIntelIpsecMb]
    [MemberData(nameof(Suites))]
    public void Traffic_crosses_the_tunnel_on_the_native_engine(string name, IpVersion outer, bool esn)
    {
        EspSuite suite = AllSuites.Single(s => s.Name == name);
        SiteToSite net = SiteToSiteAlgorithmSuiteTests.CrossTunnel(suite, outer, CryptoEngines.CreateRegistry(), esn);

        SecurityAssociation outbound = SiteToSite.StateOf(net.WestGateway, net.EastGatewayOuter, SiteToSite.WestToEastSpi);
        SecurityAssociation inbound = SiteToSite.StateOf(net.EastGateway, net.EastGatewayOuter, SiteToSite.WestToEastSpi);
        Assert.Equal(ExpectedEngine(suite), outbound.CryptoEngine);
        Assert.Equal(outbound.CryptoEngine, inbound.CryptoEngine);
    }

    // The NULL algorithms, 3DES, AES-CCM-192 and the HMACs the portable engine runs faster (MD5, SHA-384, SHA-512,
    // IntelIpsecMbEngine.Preferred) stay on the portable engine; everything else goes native.
    private static string ExpectedEngine(EspSuite suite)
    {
        const string Native = IntelIpsecMbEngine.EngineName;
        const string Portable = Netipsec.Crypto.PortableCryptoEngine.EngineName;
        string cipher = suite.Encryption is EspSuite.NullCipher or EspSuite.TripleDesCbc || (suite.Encryption == EspSuite.AesCcm12 && suite.EncryptionKeyLength == 27) ? Portable : Native;
        string? integrity = suite.Authentication switch
        {
            null => null,
            EspSuite.NullIntegrity or EspSuite.HmacMd5 or EspSuite.HmacSha384 or EspSuite.HmacSha512 => Portable,
            _ => Native,
        };
        return integrity is null || integrity == cipher ? cipher : $"{cipher}+{integrity}";
    }
}
