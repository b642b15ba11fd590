namespace Netipsec.PfKey.Tests.Wire;

/// <summary>How a program ended: its exit code, standard output and standard error.</summary>
internal sealed record ProgramRun(int ExitCode, string Output, string Error);
