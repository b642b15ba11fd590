namespace Netipsec.States;

/// <summary>Placeholder; the SAD work replaces it.</summary>
public sealed class SecurityAssociation
{
}
