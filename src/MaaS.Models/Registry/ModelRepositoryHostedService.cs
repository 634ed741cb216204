using Microsoft.Extensions.Hosting;

namespace MaaS.Models.Registry;

/// <summary>
/// Loads the repository before the server accepts requests, then (when <see cref="ServingOptions.PollIntervalSeconds"/>
/// is set) polls it for new or removed versions until shutdown. The host registers it (hosted services start in
/// registration order).
/// </summary>
internal sealed partial class ModelRepositoryHostedService(
    IModelRegistry registry, IOptions<ServingOptions> options, ILogger<ModelRepositoryHostedService> logger) : IHostedService
{
    // Not disposed: the host may call StopAsync after disposing services, and a CTS without timers holds nothing.
    private readonly CancellationTokenSource _stopping = new();
    private Task? _polling;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await registry.InitializeAsync(cancellationToken);
        double interval = options.Value.PollIntervalSeconds;
        if (interval > 0)
        {
            _polling = PollAsync(TimeSpan.FromSeconds(interval), _stopping.Token);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_polling is not null)
        {
            await _polling.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task PollAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    await registry.PollAsync(cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A failed scan (folder briefly unreadable) keeps the last good state; the next tick retries.
                    LogPollFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Model repository poll failed; keeping the current models")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);
}
