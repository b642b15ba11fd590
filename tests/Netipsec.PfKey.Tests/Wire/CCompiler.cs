using System.Diagnostics;

namespace Netipsec.PfKey.Tests.Wire;

/// <summary>Compiles and runs small C programs, for checks against the system's own headers.</summary>
internal static class CCompiler
{
    /// <summary>The full path of <c>cc</c>, or null when none is on the PATH.</summary>
    public static string? Path { get; } = Find("cc");

    /// <summary>Compiles <paramref name="source"/> with <paramref name="includeDirectory"/> and returns what the program prints.</summary>
    public static string CompileAndRun(string source, string includeDirectory)
    {
        string directory = Directory.CreateTempSubdirectory("netipsec-pfkey-").FullName;
        try
        {
            string program = System.IO.Path.Combine(directory, "layout");
            File.WriteAllText(program + ".c", source);
            Compile(program + ".c", includeDirectory, program);
            return RunChecked(program, []);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Compiles the C file <paramref name="sourceFile"/> into the executable <paramref name="program"/>, warnings as errors.</summary>
    public static void Compile(string sourceFile, string includeDirectory, string program) =>
        RunChecked(Path!, ["-std=gnu11", "-Wall", "-Wextra", "-Werror", "-I", includeDirectory, "-o", program, sourceFile]);

    /// <summary>Runs <paramref name="file"/> to its end.</summary>
    public static ProgramRun Run(string file, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException("Could not start " + file);
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return new ProgramRun(process.ExitCode, output, error.Result);
    }

    /// <summary>The full path of <paramref name="name"/> on the PATH, or null.</summary>
    public static string? Find(string name)
    {
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = System.IO.Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static string RunChecked(string file, string[] arguments)
    {
        ProgramRun run = Run(file, arguments);
        return run.ExitCode == 0 ? run.Output : throw new InvalidOperationException($"{file} exited with {run.ExitCode}: {run.Error}");
    }
}
