namespace Netipsec.Tests.Crypto;

/// <summary>
/// One known-answer vector of a Vectors/*.txt file: blocks of "field = value" lines separated by blank lines, '#'
/// comments (each file's header lists its fields). Named "algorithm: source" so theory rows say what they test.
/// </summary>
internal sealed class CryptoVector
{
    private readonly Dictionary<string, string> _fields;

    private CryptoVector(Dictionary<string, string> fields) => _fields = fields;

    public string Name => $"{Algorithm}: {_fields["source"]}";

    public string Algorithm => _fields["algorithm"];

    public byte[] Hex(string field) => Convert.FromHexString(_fields[field]);

    public static TheoryData<string> Names(string file)
    {
        var names = new TheoryData<string>();
        foreach (CryptoVector vector in Load(file))
        {
            names.Add(vector.Name);
        }

        return names;
    }

    public static CryptoVector Get(string file, string name) => Load(file).Single(vector => vector.Name == name);

    public static List<CryptoVector> Load(string file)
    {
        var vectors = new List<CryptoVector>();
        var fields = new Dictionary<string, string>();
        string path = Path.Combine(AppContext.BaseDirectory, "Crypto", "Vectors", file);
        foreach (string rawLine in File.ReadLines(path).Append(string.Empty))
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
                    vectors.Add(new CryptoVector(fields));
                    fields = [];
                }

                continue;
            }

            string[] parts = line.Split('=', 2, StringSplitOptions.TrimEntries);
            fields.Add(parts[0], parts[1]);
        }

        return vectors;
    }
}
