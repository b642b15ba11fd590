using System.Diagnostics;

namespace Netipsec.Integration.Tests;

/// <summary>Runs a command to completion and gives its exit code and output.</summary>
internal static class Shell
{
    public static (int ExitCode, string Output) Run(string file, params string[] arguments) => Run(TimeSpan.FromSeconds(60), file, arguments);

    public static (int ExitCode, string Output) Run(TimeSpan timeout, string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        return (process.HasExited ? process.ExitCode : -1, output.Result + error.Result);
    }

    /// <summary>Runs <paramref name="file"/> inside network namespace <paramref name="netns"/>.</summary>
    public static (int ExitCode, string Output) InNamespace(string netns, string file, params string[] arguments) =>
        Run("ip", ["netns", "exec", netns, file, .. arguments]);

    /// <summary>Runs and fails the test when the command fails.</summary>
    public static string Must(string file, params string[] arguments)
    {
        (int code, string output) = Run(file, arguments);
        Assert.True(code == 0, $"{file} {string.Join(' ', arguments)} failed ({code}): {output}");
        return output;
    }

    /// <summary>Waits until <paramref name="condition"/> holds; false after <paramref name="timeout"/>.</summary>
    public static bool Eventually(Func<bool> condition, TimeSpan? timeout = null)
    {
        DateTime deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            Thread.Sleep(100);
        }

        return true;
    }
}
