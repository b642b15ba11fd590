using Netipsec.PfKey.Wire;

namespace Netipsec.PfKey.Service;

/// <summary>
/// How the service answered a request: success, or the <c>sadb_msg_errno</c> and <c>sadb_x_msg_diagnostic</c> of
/// the base-header-only error reply the sender got.
/// </summary>
public readonly record struct PfKeyResult(PfKeyErrno Errno, PfKeyDiagnostic Diagnostic)
{
    public static PfKeyResult Success => default;

    public bool IsSuccess => Errno == PfKeyErrno.None;

    /// <summary>An EINVAL failure with <paramref name="diagnostic"/>, the commonest answer to a bad request.</summary>
    internal static PfKeyResult Invalid(PfKeyDiagnostic diagnostic = PfKeyDiagnostic.None) => new(PfKeyErrno.InvalidArgument, diagnostic);
}
