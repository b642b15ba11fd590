using System.Buffers.Binary;
using System.Globalization;

namespace Netipsec.Tests.Transforms.Esp;

/// <summary>One known-answer ESP packet of Vectors/esp-gcm.txt (the file's header describes the fields).</summary>
internal sealed record EspGcmVector(
    string Name, byte[] Key, byte[] Salt, uint Spi, bool ExtendedSequenceNumbers, ulong Sequence, byte[] Iv, byte[] Plaintext, byte[] Ciphertext)
{
    private static readonly Lazy<IReadOnlyDictionary<string, EspGcmVector>> All = new(Load);

    /// <summary>The SA's key material: AES key || salt.</summary>
    public byte[] KeyMaterial => [.. Key, .. Salt];

    /// <summary>Padding, pad length and next header at the end of the plaintext.</summary>
    public int TrailerLength => Plaintext[^2] + 2;

    public byte[] Payload => Plaintext[..^TrailerLength];

    public byte NextHeader => Plaintext[^1];

    /// <summary>The ESP packet on the wire: SPI, low sequence number, IV, ciphertext and ICV.</summary>
    public byte[] EspPacket
    {
        get
        {
            byte[] header = new byte[8];
            BinaryPrimitives.WriteUInt32BigEndian(header, Spi);
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)Sequence);
            return [.. header, .. Iv, .. Ciphertext];
        }
    }

    public static IEnumerable<string> Names => All.Value.Keys;

    public static EspGcmVector Get(string name) => All.Value[name];

    private static Dictionary<string, EspGcmVector> Load()
    {
        var vectors = new Dictionary<string, EspGcmVector>();
        var fields = new Dictionary<string, string>();
        foreach (string rawLine in File.ReadLines(VectorFile()).Append(string.Empty))
        {
            string line = rawLine.Trim();
            if (line.StartsWith('#'))
            {
                continue;
            }

            if (line.Length == 0)
            {
                if (fields.Count > 0)
                {
                    string name = $"case {vectors.Count + 1}";
                    vectors.Add(name, FromFields(name, fields));
                    fields.Clear();
                }

                continue;
            }

            string[] parts = line.Split('=', 2, StringSplitOptions.TrimEntries);
            fields.Add(parts[0], parts[1]);
        }

        return vectors;
    }

    private static EspGcmVector FromFields(string name, Dictionary<string, string> fields) => new(
        name,
        Convert.FromHexString(fields["key"]),
        Convert.FromHexString(fields["salt"]),
        uint.Parse(fields["spi"], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
        fields["esn"] == "1",
        ulong.Parse(fields["seq"], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
        Convert.FromHexString(fields["iv"]),
        Convert.FromHexString(fields["plaintext"]),
        Convert.FromHexString(fields["ciphertext"]));

    // The file sits next to this source file; the test project does not copy it to the output.
    // Copied next to the test assembly by the project file, so the tests run from any checkout or build folder.
    private static string VectorFile() =>
        Path.Combine(AppContext.BaseDirectory, "Transforms", "Esp", "Vectors", "esp-gcm.txt");
}
