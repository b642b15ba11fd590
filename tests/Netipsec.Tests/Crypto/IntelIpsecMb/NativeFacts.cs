using Netipsec.Crypto.IntelIpsecMb;

namespace Netipsec.Tests.Crypto.IntelIpsecMb;

/// <summary>A fact that needs the intel-ipsec-mb engine; skipped, saying why, where the shim or library is missing.</summary>
internal sealed class FactWhenIntelIpsecMbAttribute : FactAttribute
{
    public FactWhenIntelIpsecMbAttribute() => Skip = NativeFacts.SkipReason;
}

/// <summary>A theory that needs the intel-ipsec-mb engine; skipped, saying why, where the shim or library is missing.</summary>
internal sealed class TheoryWhenIntelIpsecMbAttribute : TheoryAttribute
{
    public TheoryWhenIntelIpsecMbAttribute() => Skip = NativeFacts.SkipReason;
}

internal static class NativeFacts
{
    /// <summary>Null when the engine is available, else the message a skipped test shows.</summary>
    public static string? SkipReason => IntelIpsecMbEngine.IsAvailable
        ? null
        : $"The intel-ipsec-mb engine is unavailable: {IntelIpsecMbEngine.UnavailableReason}.";
}
