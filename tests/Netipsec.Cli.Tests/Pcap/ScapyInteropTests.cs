using System.Diagnostics;
using Netipsec.Cli.Pcap;

namespace Netipsec.Cli.Tests.Pcap;

/// <summary>
/// Interoperability: ESP packets made by scapy's own ESP implementation (scapy.layers.ipsec, for /usr/bin/python3)
/// and written with wrpcap decrypt to scapy's plaintext packet. Skipped, saying why, where scapy is missing.
/// </summary>
public sealed class ScapyInteropTests : IDisposable
{
    private const string Python = "/usr/bin/python3";

    // Writes ARGV[1] (scapy's ESP transport packet, SPI 0x1234, in an Ethernet frame) and ARGV[2] (its plaintext).
    private const string Script = """
        import sys
        from scapy.all import Ether, IP, UDP, Raw, wrpcap, raw
        from scapy.layers.ipsec import SecurityAssociation, ESP
        if sys.argv[3] == 'gcm':
            sa = SecurityAssociation(ESP, spi=0x1234, crypt_algo='AES-GCM', crypt_key=bytes(range(0x10, 0x24)))
        else:
            sa = SecurityAssociation(ESP, spi=0x1234, crypt_algo='AES-CBC', crypt_key=bytes(range(0x20, 0x30)),
                                     auth_algo='SHA2-256-128', auth_key=bytes(range(0x40, 0x60)))
        plain = IP(raw(IP(src='192.0.2.10', dst='198.51.100.20')/UDP(sport=5000, dport=53)/Raw(b'scapy interop ' * 10)))
        eth = Ether(src='02:00:00:00:00:0a', dst='02:00:00:00:00:0b')
        wrpcap(sys.argv[1], [eth/sa.encrypt(plain)])
        wrpcap(sys.argv[2], [eth/plain])
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("netipsec-scapy-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [TheoryWhenScapy]
    [InlineData("gcm", "-E aes-gcm-16 0x101112131415161718191a1b1c1d1e1f20212223")]
    [InlineData("cbc", "-E aes-cbc 0x202122232425262728292a2b2c2d2e2f -A hmac-sha256 0x404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f")]
    public void A_packet_scapy_encrypted_decrypts_to_scapys_plaintext(string suite, string algorithms)
    {
        string script = Path.Combine(_directory, "make.py");
        File.WriteAllText(script, Script);
        string encrypted = Path.Combine(_directory, "esp.pcap");
        string plain = Path.Combine(_directory, "plain.pcap");
        (int exit, string output) = RunPython(script, encrypted, plain, suite);
        Assert.True(exit == 0, output);
        string keys = Path.Combine(_directory, "keys.conf");
        File.WriteAllText(keys, $"add 192.0.2.10 198.51.100.20 esp 0x1234 -m transport {algorithms};");
        string decrypted = Path.Combine(_directory, "dec.pcap");
        using var errors = new StringWriter();

        Assert.Equal(0, PcapTool.Run(PcapTool.Operation.Decrypt, keys, encrypted, decrypted, errors));

        Assert.Equal("", errors.ToString());
        Assert.Equal(Frame(plain), Frame(decrypted));
        Assert.NotEqual(Frame(plain), Frame(encrypted));
    }

    private static byte[] Frame(string path)
    {
        Assert.True(PcapReader.TryRead(File.ReadAllBytes(path), out PcapCapture? capture, out string? error), error);
        Assert.Equal(PcapLinkType.Ethernet, capture!.LinkType);
        return Assert.Single(capture.Records).Data;
    }

    /// <summary>Why the interop theory cannot run here, or null when scapy is there.</summary>
    internal static string? WhyScapyIsMissing()
    {
        if (!File.Exists(Python))
        {
            return $"{Python} is not installed";
        }

        (int exit, _) = RunPython("-c", "import scapy.layers.ipsec");
        return exit == 0 ? null : $"scapy is not installed for {Python}";
    }

    /// <summary>A theory that needs scapy for /usr/bin/python3; skipped, saying why, without it.</summary>
    private sealed class TheoryWhenScapyAttribute : TheoryAttribute
    {
        public TheoryWhenScapyAttribute() => Skip = WhyScapyIsMissing();
    }

    private static (int Exit, string Output) RunPython(params string[] arguments)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}
