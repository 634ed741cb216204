using Microsoft.Extensions.Hosting;

namespace MaaS.Storage.Abstractions;

/// <summary>
/// When every retention pass runs (events', jobs', expired files'): one at once, then one every interval on the given
/// clock, until the host stops. A pass logs its own failures and returns; anything it throws but the stop's
/// cancellation ends the loop with it (the host logs that). As a hosted service it runs one pass given to it; the
/// retention services that are hosted services themselves call <see cref="RunAsync"/>.
/// </summary>
/// <param name="every">The time between two passes.</param>
/// <param name="time">The clock the interval is counted on.</param>
/// <param name="pass">One pass.</param>
public sealed class RetentionSchedule(TimeSpan every, TimeProvider time, Func<CancellationToken, Task> pass) : BackgroundService
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

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => RunAsync(every, time, pass, stoppingToken);
}
