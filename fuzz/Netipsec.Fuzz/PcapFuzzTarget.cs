using Netipsec.Cli.Pcap;
using Netipsec.PfKey.Setkey;
using Netipsec.Simulation;
using Netipsec.Packets;

namespace Netipsec.Fuzz;

/// <summary>
/// <c>netipsec pcap decrypt</c> on arbitrary files: the pcap reader, the link framing and the Rx path with keyed SAs
/// (ESP transport and tunnel, AES-GCM), then the writer. Seeds are captures the encryptor made with the same keys.
/// </summary>
internal sealed class PcapFuzzTarget : IFuzzTarget
{
    private const string Keys = """
        add 192.0.2.10 198.51.100.20 esp 0x1001 -m transport -r 64 -E aes-gcm-16 0x101112131415161718191a1b1c1d1e1f20212223;
        add 192.0.2.1 192.0.2.2 esp 0x2001 -m tunnel -r 64 -E aes-gcm-16 0x303132333435363738393a3b3c3d3e3f40414243;
        spdadd 192.0.2.10 198.51.100.20 any -P out ipsec esp/transport//require;
        spdadd 198.51.100.0/24 203.0.113.0/24 any -P out ipsec esp/tunnel/192.0.2.1-192.0.2.2/require;
        """;

    private readonly KeyedEngine _keyed = Keyed();

    public void Run(ReadOnlySpan<byte> input)
    {
        if (!PcapReader.TryRead(input, out PcapCapture? capture, out _))
        {
            return;
        }

        // A fresh decryptor per input: a replay window moved by one input must not decide the next one's fate.
        PcapCapture decrypted = new CaptureDecryptor(Keyed()).Decrypt(capture!, new PacketReport(TextWriter.Null));
        PcapWriter.Write(Stream.Null, decrypted);
    }

    public IEnumerable<byte[]> Seeds()
    {
        byte[][] packets =
        [
            Traffic.Udp(IpAddress.Parse("192.0.2.10"), IpAddress.Parse("198.51.100.20"), 5000, 53, 60),
            Traffic.Tcp(IpAddress.Parse("198.51.100.10"), IpAddress.Parse("203.0.113.10"), 40000, 443, 200),
            Traffic.Ping(IpAddress.Parse("192.0.2.98"), IpAddress.Parse("192.0.2.99")),
        ];
        foreach (PcapLinkType link in new[] { PcapLinkType.Raw, PcapLinkType.Ethernet })
        {
            byte[] ethernet = [0x02, 0, 0, 0, 0, 0x0B, 0x02, 0, 0, 0, 0, 0x0A, 0x08, 0x00];
            List<PcapRecord> records = [.. packets
                .Select(ip => link == PcapLinkType.Raw ? ip : [.. ethernet, .. ip])
                .Select((data, i) => new PcapRecord((uint)i, 0, data, (uint)data.Length))];
            PcapCapture encrypted = new CaptureEncryptor(_keyed).Encrypt(new PcapCapture(link, 65535, records), new PacketReport(TextWriter.Null));
            using var file = new MemoryStream();
            PcapWriter.Write(file, encrypted);
            yield return file.ToArray();
        }
    }

    private static KeyedEngine Keyed()
    {
        using SetkeyCompilation compilation = SetkeyCompiler.Compile(Keys, "fuzz");
        if (!compilation.Succeeded
            || !KeyedEngine.TryCreate(compilation.Statements.Select(s => new KeyRequest(s.Request, s.Line)), out KeyedEngine keyed, out _))
        {
            throw new InvalidOperationException("The fuzz target's keys did not install.");
        }

        return keyed;
    }
}
