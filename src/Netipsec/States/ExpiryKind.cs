namespace Netipsec.States;

/// <summary>Which lifetime ran out: soft (rekey now, keep working) or hard (gone).</summary>
public enum ExpiryKind
{
    Soft,
    Hard,
}
