using Netipsec.PfKey.Setkey;

namespace Netipsec.Cli.Pcap;

/// <summary>
/// <c>netipsec pcap decrypt|encrypt -k FILE IN OUT</c>: compiles FILE (setkey syntax) to PF_KEY requests, keys an
/// in-process engine with them, rewrites the capture IN and writes OUT. Per-packet notes (replays, packets left as
/// they were) go to the error writer with a count per reason at the end. Exit codes: 0 when every IPsec packet was
/// processed, 1 when any was not or a capture could not be read or written, 2 when FILE is unreadable or wrong
/// (file:line and what is wrong; nothing is written then).
/// </summary>
internal static class PcapTool
{
    /// <summary>What the tool does to the capture.</summary>
    internal enum Operation
    {
        Decrypt,
        Encrypt,
    }

    /// <summary>Exit code: every IPsec packet processed.</summary>
    public const int Done = 0;

    /// <summary>Exit code: a packet was not processed, or a capture could not be read or written.</summary>
    public const int PacketsFailed = 1;

    /// <summary>Exit code: the key file could not be read, compiled or installed.</summary>
    public const int ConfigurationError = 2;

    /// <summary>Runs the tool; returns the process exit code (<see cref="Done"/>, <see cref="PacketsFailed"/> or <see cref="ConfigurationError"/>).</summary>
    public static int Run(Operation operation, string keysPath, string inputPath, string outputPath, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (!TryReadText(keysPath, error, out string? keys))
        {
            return ConfigurationError;
        }

        using SetkeyCompilation compilation = SetkeyCompiler.Compile(keys!, keysPath);
        if (!compilation.Succeeded)
        {
            foreach (SetkeyError problem in compilation.Errors)
            {
                error.WriteLine($"netipsec: {problem}");
            }

            return ConfigurationError;
        }

        if (!KeyedEngine.TryCreate(compilation.Statements.Select(s => new KeyRequest(s.Request, s.Line)), out KeyedEngine keyed, out IReadOnlyList<string> refusals))
        {
            foreach (string refusal in refusals)
            {
                error.WriteLine($"netipsec: {keysPath}: {refusal}");
            }

            return ConfigurationError;
        }

        if (!TryReadBytes(inputPath, error, out byte[]? input))
        {
            return PacketsFailed;
        }

        if (!PcapReader.TryRead(input!, out PcapCapture? capture, out string? problemInInput))
        {
            error.WriteLine($"netipsec: {inputPath}: {problemInInput}");
            return PacketsFailed;
        }

        var report = new PacketReport(error);
        PcapCapture result = operation == Operation.Decrypt
            ? new CaptureDecryptor(keyed).Decrypt(capture!, report)
            : new CaptureEncryptor(keyed).Encrypt(capture!, report);
        if (!TryWrite(outputPath, result, error))
        {
            return PacketsFailed;
        }

        return report.Summarize(operation == Operation.Decrypt ? "decrypted" : "encrypted") ? Done : PacketsFailed;
    }

    private static bool TryReadText(string path, TextWriter error, out string? text)
    {
        string? read = null;
        bool done = TryFile(path, error, () => read = File.ReadAllText(path));
        text = read;
        return done;
    }

    private static bool TryReadBytes(string path, TextWriter error, out byte[]? bytes)
    {
        byte[]? read = null;
        bool done = TryFile(path, error, () => read = File.ReadAllBytes(path));
        bytes = read;
        return done;
    }

    private static bool TryWrite(string path, PcapCapture capture, TextWriter error) =>
        TryFile(path, error, () =>
        {
            using FileStream output = File.Create(path);
            PcapWriter.Write(output, capture);
        });

    /// <summary>Runs a file operation, turning the ways a file can fail into a message.</summary>
    private static bool TryFile(string path, TextWriter error, Action operation)
    {
        try
        {
            operation();
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            error.WriteLine($"netipsec: {path}: {exception.Message}");
            return false;
        }
    }
}
