using System.Diagnostics;

namespace Netipsec.PfKey.Tests.Wire;

/// <summary>Compiles and runs a small C program, for checks against the system's own headers.</summary>
internal static class CCompiler
{
    /// <summary>The full path of <c>cc</c>, or null when none is on the PATH.</summary>
    public static string? Path { get; } = Find();

    /// <summary>Compiles <paramref name="source"/> with <paramref name="includeDirectory"/> and returns what the program prints.</summary>
    public static string CompileAndRun(string source, string includeDirectory)
    {
        string directory = Directory.CreateTempSubdirectory("netipsec-pfkey-").FullName;
        try
        {
            string program = System.IO.Path.Combine(directory, "layout");
            File.WriteAllText(program + ".c", source);
            Run(Path!, ["-std=gnu11", "-Wall", "-Wextra", "-Werror", "-I", includeDirectory, "-o", program, program + ".c"]);
            return Run(program, []);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string Run(string file, string[] arguments)
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
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} exited with {process.ExitCode}: {error.Result}");
        }

        return output;
    }

    private static string? Find()
    {
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = System.IO.Path.Combine(directory, "cc");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
