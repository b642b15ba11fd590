namespace Netipsec.PfKey.Wire;

/// <summary>
/// A refused message: the reason, the extension concerned (<see cref="ExtensionType.Reserved"/> when the base header
/// is at fault) and what the reply carries — <c>sadb_msg_errno</c> and <c>sadb_x_msg_diagnostic</c>.
/// Built by <see cref="PfKeyErrors.For"/>, so errno and diagnostic always follow the one table.
/// </summary>
public readonly record struct PfKeyError(PfKeyParseError Reason, ExtensionType Extension, PfKeyErrno Errno, PfKeyDiagnostic Diagnostic);
