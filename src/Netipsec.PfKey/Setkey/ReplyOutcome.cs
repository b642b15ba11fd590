using System.Globalization;
using Netipsec.PfKey.Wire;

namespace Netipsec.PfKey.Setkey;

/// <summary>How one request ended: answered without error, refused with an errno and diagnostic, or unanswered.</summary>
internal readonly record struct ReplyOutcome(PfKeyErrno Errno, PfKeyDiagnostic Diagnostic, string? Message)
{
    public static ReplyOutcome Success => default;

    public bool IsSuccess => Message is null;

    public static ReplyOutcome Refused(PfKeyErrno errno, PfKeyDiagnostic diagnostic) => new(errno, diagnostic, PfKeyErrorText.Describe(errno, diagnostic));

    public static ReplyOutcome Unanswered(TimeSpan timeout) =>
        new(PfKeyErrno.None, PfKeyDiagnostic.None, string.Create(CultureInfo.InvariantCulture, $"no reply from the PF_KEY service within {timeout.TotalSeconds:0.###} s"));
}
