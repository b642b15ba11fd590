using Netipsec.Crypto;
using Netipsec.Diagnostics;
using Netipsec.Packets;
using Netipsec.States;

namespace Netipsec.Tests.Diagnostics;

/// <summary><c>show state</c>: ip-xfrm's layout and Linux crypto API names, never a key byte.</summary>
public sealed class StateFormatterTests
{
    private static readonly IpAddress Source = IpAddress.Parse("192.0.2.1");
    private static readonly IpAddress Destination = IpAddress.Parse("192.0.2.2");

    [Theory]
    [InlineData(PfKeyAlgorithmSpace.Encryption, 20, 160, "\taead rfc4106(gcm(aes)) <<Keys hidden>> (160 bits) 128")]
    [InlineData(PfKeyAlgorithmSpace.Encryption, 18, 288, "\taead rfc4106(gcm(aes)) <<Keys hidden>> (288 bits) 64")]
    [InlineData(PfKeyAlgorithmSpace.Encryption, 14, 152, "\taead rfc4309(ccm(aes)) <<Keys hidden>> (152 bits) 64")]
    [InlineData(PfKeyAlgorithmSpace.Encryption, 23, 160, "\taead rfc4543(gcm(aes)) <<Keys hidden>> (160 bits) 128")]
    [InlineData(PfKeyAlgorithmSpace.Encryption, 250, 288, "\taead rfc7539esp(chacha20,poly1305) <<Keys hidden>> (288 bits) 128")]
    [InlineData(PfKeyAlgorithmSpace.Encryption, 12, 128, "\tenc cbc(aes) <<Keys hidden>> (128 bits)")]
    [InlineData(PfKeyAlgorithmSpace.Encryption, 13, 160, "\tenc rfc3686(ctr(aes)) <<Keys hidden>> (160 bits)")]
    [InlineData(PfKeyAlgorithmSpace.Encryption, 3, 192, "\tenc cbc(des3_ede) <<Keys hidden>> (192 bits)")]
    [InlineData(PfKeyAlgorithmSpace.Encryption, 11, 0, "\tenc ecb(cipher_null)")]
    [InlineData(PfKeyAlgorithmSpace.Authentication, 3, 160, "\tauth-trunc hmac(sha1) <<Keys hidden>> (160 bits) 96")]
    [InlineData(PfKeyAlgorithmSpace.Authentication, 5, 256, "\tauth-trunc hmac(sha256) <<Keys hidden>> (256 bits) 128")]
    [InlineData(PfKeyAlgorithmSpace.Authentication, 6, 384, "\tauth-trunc hmac(sha384) <<Keys hidden>> (384 bits) 192")]
    [InlineData(PfKeyAlgorithmSpace.Authentication, 7, 512, "\tauth-trunc hmac(sha512) <<Keys hidden>> (512 bits) 256")]
    [InlineData(PfKeyAlgorithmSpace.Authentication, 2, 128, "\tauth-trunc hmac(md5) <<Keys hidden>> (128 bits) 96")]
    [InlineData(PfKeyAlgorithmSpace.Authentication, 9, 128, "\tauth-trunc xcbc(aes) <<Keys hidden>> (128 bits) 96")]
    [InlineData(PfKeyAlgorithmSpace.Authentication, 250, 128, "\tauth-trunc cmac(aes) <<Keys hidden>> (128 bits) 96")]
    [InlineData(PfKeyAlgorithmSpace.Authentication, 249, 160, "\tauth-trunc aes-gmac <<Keys hidden>> (160 bits) 128")]
    [InlineData(PfKeyAlgorithmSpace.Authentication, 251, 0, "\tauth-trunc digest_null 0")]
    [InlineData(PfKeyAlgorithmSpace.Compression, 2, 0, "\tcomp deflate")]
    [InlineData(PfKeyAlgorithmSpace.Compression, 3, 0, "\tcomp lzs")]
    [InlineData(PfKeyAlgorithmSpace.Compression, 4, 0, "\tcomp lzjh")]
    [InlineData(PfKeyAlgorithmSpace.Encryption, 77, 128, "\tenc alg#77 <<Keys hidden>> (128 bits)")]
    public void Algorithms_show_as_ip_xfrm_names_them(PfKeyAlgorithmSpace space, byte id, int keyBits, string expected)
    {
        var algorithm = new SaAlgorithm(id, KeyOf(keyBits));
        SecurityAssociation sa = space switch
        {
            PfKeyAlgorithmSpace.Encryption => Sa(IpsecProtocol.Esp, encryption: algorithm),
            PfKeyAlgorithmSpace.Authentication => Sa(IpsecProtocol.Ah, authentication: algorithm),
            _ => Sa(IpsecProtocol.IpComp, compression: algorithm),
        };

        Assert.Contains(expected, Lines(sa));
    }

    [Fact]
    public void Every_algorithm_of_the_table_has_a_line_with_a_name_and_no_key_byte()
    {
        foreach (AlgorithmInfo info in AlgorithmTable.All)
        {
            int keyBits = info.MaxKeyBits;
            byte[] key = KeyOf(keyBits);
            var algorithm = new SaAlgorithm(info.PfKeyId, key);
            SecurityAssociation sa = info.Space switch
            {
                PfKeyAlgorithmSpace.Encryption => Sa(IpsecProtocol.Esp, encryption: algorithm),
                PfKeyAlgorithmSpace.Authentication => Sa(IpsecProtocol.Ah, authentication: algorithm),
                _ => Sa(IpsecProtocol.IpComp, compression: algorithm),
            };

            string text = string.Join('\n', Lines(sa));

            Assert.Contains($" {info.XfrmName ?? info.Name}", text, StringComparison.Ordinal);
            Assert.DoesNotContain("alg#", text, StringComparison.Ordinal);
            if (key.Length > 0)
            {
                Assert.DoesNotContain(Convert.ToHexString(key), text, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain(Convert.ToHexString(key)[..8], text, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    [Fact]
    public void A_cipher_with_integrity_shows_both_lines_in_ip_xfrm_order()
    {
        SecurityAssociation sa = Sa(
            IpsecProtocol.Esp, encryption: new SaAlgorithm(12, KeyOf(256)), authentication: new SaAlgorithm(5, KeyOf(256)));

        string[] lines = Lines(sa);

        int enc = Array.IndexOf(lines, "\tenc cbc(aes) <<Keys hidden>> (256 bits)");
        int auth = Array.IndexOf(lines, "\tauth-trunc hmac(sha256) <<Keys hidden>> (256 bits) 128");
        Assert.True(enc > 0 && auth == enc + 1, string.Join('\n', lines));
    }

    [Theory]
    [InlineData(EspPadding.Sequential, false, "\treplay-window 32 flags 0x00000000")]
    [InlineData(EspPadding.Zero, false, "\treplay-window 32 flags 0x00000000 zero-pad")]
    [InlineData(EspPadding.Random, true, "\treplay-window 32 flags 0x00000000 esn random-pad")]
    public void The_flags_line_names_esn_and_the_padding(EspPadding padding, bool esn, string expected)
    {
        var sa = new SecurityAssociation(new SaId(Destination, 0x1000, IpsecProtocol.Esp), Source, XfrmMode.Transport)
        {
            Encryption = new SaAlgorithm(20, KeyOf(160)),
            ReplayWindowSize = 32,
            ExtendedSequenceNumbers = esn,
            Padding = padding,
        };

        Assert.Contains(expected, Lines(sa));
    }

    private static SecurityAssociation Sa(
        IpsecProtocol protocol, SaAlgorithm? encryption = null, SaAlgorithm? authentication = null, SaAlgorithm? compression = null) =>
        new(new SaId(Destination, 0x1000, protocol), Source, XfrmMode.Transport)
        {
            Encryption = encryption,
            Authentication = authentication,
            Compression = compression,
        };

    /// <summary>Distinct non-zero bytes 0xA1, 0xA2, ..., so any printed key would be found by its hex.</summary>
    private static byte[] KeyOf(int bits) => [.. Enumerable.Range(0, bits / 8).Select(i => (byte)(0xA1 + i))];

    private static string[] Lines(SecurityAssociation sa)
    {
        using var output = new StringWriter();
        StateFormatter.Write(output, sa);
        return output.ToString().Split(Environment.NewLine);
    }
}
