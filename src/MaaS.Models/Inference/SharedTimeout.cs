namespace MaaS.Models.Inference;

/// <summary>
/// The serving timeout of one model version as a cancellation token that the calls starting within a short window
/// share: every call that starts in a window gets the same token, cancelled one timeout after the window closes, so a
/// call times out after between <c>timeout</c> and <c>timeout × (1 + 1/16)</c>. A timer and a linked source per call
/// (what a per-call timeout strategy costs) were a measurable share of a ~1 µs model's request; here a call reads the
/// current window and, once per window, one caller makes the next. A window's source is never disposed: its timer
/// fires once and lets it go, and disposing it earlier would cancel nothing for the calls still holding its token.
/// </summary>
internal sealed class SharedTimeout
{
    private const int WindowsPerTimeout = 16;

    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly long _windowTicks;
    private readonly Lock _gate = new();
    private Window? _current;

    public SharedTimeout(TimeSpan timeout, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        _timeout = timeout;
        _time = time;
        // In the provider's timestamp units; at least one, so that a window always ends.
        _windowTicks = Math.Max(1, (long)(timeout.TotalSeconds / WindowsPerTimeout * time.TimestampFrequency));
    }

    /// <summary>The token of the current window: cancelled between one timeout and one timeout and a sixteenth from now.</summary>
    public CancellationToken Token()
    {
        long now = _time.GetTimestamp();
        var current = Volatile.Read(ref _current);
        return current is not null && now < current.ClosesAt ? current.Token : Open(now);
    }

    private CancellationToken Open(long now)
    {
        lock (_gate)
        {
            if (_current is { } current && now < current.ClosesAt)
            {
                return current.Token;
            }

            var window = new Window(new CancellationTokenSource(_timeout + _time.GetElapsedTime(now, now + _windowTicks), _time), now + _windowTicks);
            Volatile.Write(ref _current, window);
            return window.Token;
        }
    }

    private sealed class Window(CancellationTokenSource source, long closesAt)
    {
        public CancellationToken Token { get; } = source.Token;

        public long ClosesAt { get; } = closesAt;
    }
}
