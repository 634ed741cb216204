namespace MaaS.Storage.Abstractions;

/// <summary>
/// When every retention pass runs (events', jobs', expired files'): one at once, then one every interval on the given
/// clock, until the host stops. A pass logs its own failures and returns; anything it throws but the stop's
/// cancellation ends the loop with it (the host logs that).
/// </summary>
public static class RetentionSchedule
{
    /// <summary>
    /// Runs <paramref name="pass"/> now and every <paramref name="every"/> until <paramref name="stoppingToken"/> is
    /// cancelled, and then returns (a stop is not a failure: the host would log a cancelled task as one when it stops
    /// before it started, a port in use).
    /// </summary>
    public static async Task RunAsync(TimeSpan every, TimeProvider time, Func<CancellationToken, Task> pass, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(pass);
        using var timer = new PeriodicTimer(every, time);
        try
        {
            do
            {
                await pass(stoppingToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
