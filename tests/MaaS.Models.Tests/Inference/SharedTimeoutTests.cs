using System.Diagnostics;

namespace MaaS.Models.Tests.Inference;

public sealed class SharedTimeoutTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(320);

    /// <summary>Calls that start together share one token; a call one window later gets the next.</summary>
    [Fact]
    public async Task Token_WithinAWindow_SharedAndTheNextWindowNew()
    {
        var timeout = new SharedTimeout(Timeout, TimeProvider.System);

        var first = timeout.Token();
        var same = timeout.Token();
        if (first != same)
        {
            // A window closed between the two calls (a descheduled thread): the next two fall in one.
            first = timeout.Token();
            same = timeout.Token();
        }

        await Task.Delay(Timeout / 8, TestContext.Current.CancellationToken);
        var next = timeout.Token();

        Assert.Equal(first, same);
        Assert.NotEqual(first, next);
    }

    /// <summary>
    /// A token never fires before one timeout has passed since it was handed out (a call is never cut short) and does
    /// fire, within a bound that a loaded machine's timers still meet.
    /// </summary>
    [Fact]
    public async Task Token_Fires_NotBeforeTheTimeout()
    {
        var timeout = new SharedTimeout(Timeout, TimeProvider.System);
        var fired = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        // The last call of its window is the one closest to its token's deadline: keep asking until the window
        // changes, measuring from the time read just before the last call that still got the old token (never later
        // than that call, however long the thread is descheduled between a read and a call: CI saw 13 ms).
        long begun = Stopwatch.GetTimestamp();
        long last = begun;
        var token = timeout.Token();
        while (Stopwatch.GetElapsedTime(begun) < TimeSpan.FromSeconds(10))
        {
            long before = Stopwatch.GetTimestamp();
            if (timeout.Token() != token)
            {
                break;
            }

            last = before;
        }

        using var registration = token.Register(() => fired.TrySetResult(Stopwatch.GetElapsedTime(last)));

        var elapsed = await fired.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        // Timers count whole milliseconds of the coarse monotonic clock (on Linux CLOCK_MONOTONIC_COARSE, one jiffy: 4 ms
        // at HZ=250), so up to a jiffy and a millisecond may go to rounding (CI saw 314.99 of 320 ms), never a window's
        // share (20 ms here) of the timeout.
        Assert.True(elapsed >= Timeout - TimeSpan.FromMilliseconds(10), $"fired after {elapsed.TotalMilliseconds} ms, before the {Timeout.TotalMilliseconds} ms timeout");
    }
}
