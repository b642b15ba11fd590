using Netipsec.PfKey.Wire;

namespace Netipsec.PfKey.Service;

/// <summary>
/// How the service answered a request: success, or the <c>sadb_msg_errno</c> and <c>sadb_x_msg_diagnostic</c> of
/// the base-header-only error reply the sender got.
/// </summary>
/// <param name="Errno">The <c>sadb_msg_errno</c> of the refusal, or none.</param>
/// <param name="Diagnostic">The seed's <c>sadb_x_msg_diagnostic</c> of the refusal.</param>
/// <param name="Unanswered">
/// True when the base header was too broken to address a reply to, so the sender got none and the socket layer
/// reports the errno as the send's own failure (Linux's <c>pfkey_sendmsg</c>).
/// </param>
public readonly record struct PfKeyResult(PfKeyErrno Errno, PfKeyDiagnostic Diagnostic, bool Unanswered = false)
{
    /// <summary>The request was carried out and its replies sent.</summary>
    public static PfKeyResult Success => default;

    /// <summary>True when <see cref="Errno"/> is <see cref="PfKeyErrno.None"/>.</summary>
    public bool IsSuccess => Errno == PfKeyErrno.None;

    /// <summary>An EINVAL failure with <paramref name="diagnostic"/>, the commonest answer to a bad request.</summary>
    internal static PfKeyResult Invalid(PfKeyDiagnostic diagnostic = PfKeyDiagnostic.None) => new(PfKeyErrno.InvalidArgument, diagnostic);
}
