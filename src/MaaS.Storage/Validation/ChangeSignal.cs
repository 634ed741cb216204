namespace MaaS.Storage.Validation;

/// <summary>
/// An auto-reset wake-up for one follower: a change signalled while nobody waits leaves it set, so the next wait
/// returns at once; signals that come together wake it once. Thread-safe.
/// </summary>
internal sealed class ChangeSignal
{
    private readonly SemaphoreSlim _changed = new(0, 1);

    public void Set()
    {
        try
        {
            _changed.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already set: the waiter has not consumed the previous signal, and this one adds nothing to it.
        }
    }

    public async ValueTask WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        await _changed.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
}
