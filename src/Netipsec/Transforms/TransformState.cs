using Netipsec.States;

namespace Netipsec.Transforms;

/// <summary>
/// What every transform's per-SA state (kept in the SA's TypeState) shares: the disposal tombstone, and the
/// Init/Destroy steps built on it, which ESP, AH and IPComp take alike.
/// </summary>
/// <remarks>
/// A destroyed state stays on the SA: later packets fail, and <see cref="TryGetPrepared{TState}"/> stops Init from
/// preparing the SA again (for a keyed SA that would restart its IV counter under the same key).
/// </remarks>
internal abstract class TransformState : IDisposable
{
    private int _disposed;

    internal bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Leaves the tombstone and releases what the state holds. Idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Release();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Init's first step: true, with <paramref name="status"/>, when the SA already holds a <typeparamref name="TState"/>
    /// (<see cref="TransformStatus.Ok"/> while it lives, <see cref="TransformStatus.Unsupported"/> once destroyed).
    /// </summary>
    internal static bool TryGetPrepared<TState>(SecurityAssociation sa, out TransformStatus status)
        where TState : TransformState
    {
        ArgumentNullException.ThrowIfNull(sa);
        if (sa.TypeState is not TState prepared)
        {
            status = TransformStatus.Ok;
            return false;
        }

        status = prepared.IsDisposed ? TransformStatus.Unsupported : TransformStatus.Ok;
        return true;
    }

    /// <summary>
    /// Init's last step: puts the prepared <paramref name="state"/> on the SA (<see cref="TransformStatus.Ok"/>), or
    /// <see cref="TransformStatus.Unsupported"/> when preparing failed and it is null.
    /// </summary>
    internal static TransformStatus Install(SecurityAssociation sa, TransformState? state)
    {
        if (state is null)
        {
            return TransformStatus.Unsupported;
        }

        sa.TypeState = state;
        return TransformStatus.Ok;
    }

    /// <summary>Destroy: disposes the SA's <typeparamref name="TState"/>, if it holds one, leaving the tombstone.</summary>
    internal static void Destroy<TState>(SecurityAssociation sa)
        where TState : TransformState
    {
        ArgumentNullException.ThrowIfNull(sa);
        if (sa.TypeState is TState state)
        {
            state.Dispose();
        }
    }

    /// <summary>TrailerLength of a transform that appends nothing (AH, IPComp): checks the arguments, returns 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="payloadLength"/> is negative.</exception>
    internal static int NoTrailer(SecurityAssociation sa, int payloadLength)
    {
        ArgumentNullException.ThrowIfNull(sa);
        ArgumentOutOfRangeException.ThrowIfNegative(payloadLength);
        return 0;
    }

    /// <summary>Releases what the state holds (engine keys wipe their key schedules); called once.</summary>
    private protected abstract void Release();
}
