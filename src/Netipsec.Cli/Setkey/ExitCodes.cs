namespace Netipsec.Cli.Setkey;

/// <summary>The exit codes of the setkey modes.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Errors in the input, or statements the daemon refused.</summary>
    public const int Refused = 1;

    /// <summary>Cannot connect to the daemon, cannot read the input, or a bad command line.</summary>
    public const int Usage = 2;
}
