using Netipsec.PfKey.Setkey;

namespace Netipsec.Cli.Pcap;

/// <summary>
/// <c>netipsec pcap decrypt|encrypt -k FILE IN OUT</c>: compiles FILE (setkey syntax) to PF_KEY requests, keys an
/// in-process engine with them, rewrites the capture IN and writes OUT. Errors go to the error writer as
/// "netipsec: ..." lines and give exit code 1; per-packet notes (replays, packets left as they were) go there too
/// and do not fail the run.
/// </summary>
internal static class PcapTool
{
    /// <summary>What the tool does to the capture.</summary>
    internal enum Operation
    {
        Decrypt,
        Encrypt,
    }

    /// <summary>Runs the tool; returns the process exit code (0 done, 1 refused input or an I/O error).</summary>
    public static int Run(Operation operation, string keysPath, string inputPath, string outputPath, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (!TryReadText(keysPath, error, out string? keys) || !TryReadBytes(inputPath, error, out byte[]? input))
        {
            return 1;
        }

        using SetkeyCompilation compilation = SetkeyCompiler.Compile(keys!, keysPath);
        if (!compilation.Succeeded)
        {
            foreach (SetkeyError problem in compilation.Errors)
            {
                error.WriteLine($"netipsec: {problem}");
            }

            return 1;
        }

        if (!KeyedEngine.TryCreate(compilation.Statements.Select(s => new KeyRequest(s.Request, s.Line)), out KeyedEngine keyed, out IReadOnlyList<string> refusals))
        {
            foreach (string refusal in refusals)
            {
                error.WriteLine($"netipsec: {keysPath}: {refusal}");
            }

            return 1;
        }

        if (!PcapReader.TryRead(input, out PcapCapture? capture, out string? problemInInput))
        {
            error.WriteLine($"netipsec: {inputPath}: {problemInInput}");
            return 1;
        }

        PcapCapture result = operation == Operation.Decrypt
            ? new CaptureDecryptor(keyed).Decrypt(capture!, error)
            : new CaptureEncryptor(keyed).Encrypt(capture!, error);
        return TryWrite(outputPath, result, error) ? 0 : 1;
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
