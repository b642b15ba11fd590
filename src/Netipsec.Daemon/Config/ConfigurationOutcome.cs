namespace Netipsec.Daemon.Config;

/// <summary>What loading a configuration file did.</summary>
/// <param name="Errors">
/// Every problem, each "file:line:col: message". When <see cref="Refused"/> is true nothing was applied; otherwise
/// these are changes the live databases refused (the rest was applied).
/// </param>
/// <param name="Refused">True when the file was refused whole (unreadable, a syntax error, a statement PF_KEY refuses).</param>
/// <param name="Added">SAs and policies installed or replaced.</param>
/// <param name="Removed">SAs and policies removed because the file no longer has them (or has them changed).</param>
/// <param name="Kept">SAs and policies left running because the file still has them unchanged.</param>
internal sealed record ConfigurationOutcome(IReadOnlyList<string> Errors, bool Refused, int Added, int Removed, int Kept)
{
    public bool Succeeded => Errors.Count == 0;

    public static ConfigurationOutcome Refusal(IReadOnlyList<string> errors) => new(errors, true, 0, 0, 0);
}
