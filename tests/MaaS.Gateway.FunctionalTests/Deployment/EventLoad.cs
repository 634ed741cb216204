using System.Net.Http.Json;

namespace MaaS.Gateway.FunctionalTests.Deployment;

/// <summary>
/// Closed-loop load for the failure runs: each worker posts a batch of events (unique ids) then asks for a
/// recommendation, in a loop, recording every request's outcome and time. An event id counts as acknowledged only when
/// its batch got a 2xx: those are the ids that must be in PostgreSQL afterwards.
/// </summary>
internal sealed class EventLoad : IAsyncDisposable
{
    private const int BatchSize = 10;

    private readonly HttpClient _client;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Outcome> _outcomes = [];
    private readonly ConcurrentDictionary<string, byte> _acknowledged = new(StringComparer.Ordinal);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Task[] _workers;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    public EventLoad(Uri target, int workers)
    {
        // Requests wait out a retried database call (about 10 s) rather than fail on the client's side.
        _client = new HttpClient { BaseAddress = target, Timeout = TimeSpan.FromSeconds(30) };
        _workers = [.. Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkAsync(w)))];
    }

    /// <summary>Seconds since the load started, on the clock the outcomes use.</summary>
    public double Now => _clock.Elapsed.TotalSeconds;

    public IReadOnlyCollection<string> Acknowledged => (IReadOnlyCollection<string>)_acknowledged.Keys;

    public int AcknowledgedCount => _acknowledged.Count;

    /// <summary>Requests started in [from, to) seconds: (total, failed). A failure is a non-2xx or a broken connection.</summary>
    public (int Total, int Failed) Between(double from, double to)
    {
        var window = _outcomes.Where(o => o.Started >= from && o.Started < to).ToList();
        return (window.Count, window.Count(o => !o.Ok));
    }

    /// <summary>
    /// Requests (event batches or recommendations, both read or write the database) sent before
    /// <paramref name="restartedAt"/> and answered 2xx only after it: they were in flight while the database was down
    /// (sent during the outage, or just before it) and retries carried them across.
    /// </summary>
    public int AnsweredAcross(double restartedAt) =>
        _outcomes.Count(o => o.Ok && o.Started < restartedAt && o.Ended > restartedAt);

    /// <summary>Waits (bounded) until <paramref name="count"/> events are acknowledged.</summary>
    public async Task WaitForAcknowledgedAsync(int count, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (_acknowledged.Count < count && deadline.Elapsed < timeout)
        {
            await Task.Delay(20, ct);
        }
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _client.Dispose();
        _stop.Dispose();
    }

    private async Task WorkAsync(int worker)
    {
        for (int batch = 0; !_stop.IsCancellationRequested; batch++)
        {
            var ids = Enumerable.Range(0, BatchSize).Select(i => $"load-{_run}-{worker}-{batch}-{i}").ToArray();
            var events = new JsonArray([.. ids.Select((id, i) => (JsonNode)new JsonObject
            {
                ["eventId"] = id,
                ["userId"] = $"load-user-{worker}-{i % 5}",
                ["itemId"] = $"movie-{(batch + i) % 40 + 1:D3}",
                ["type"] = "play",
            })]);
            string body = new JsonObject { ["events"] = events }.ToJsonString();
            bool ok = await SendAsync(() => _client.PostAsync("/v1/events", new StringContent(body, Encoding.UTF8, "application/json")), isEventBatch: true);
            if (ok)
            {
                foreach (string id in ids)
                {
                    _acknowledged[id] = 0;
                }
            }

            await SendAsync(() => _client.PostAsJsonAsync("/v1/recommend", new JsonObject { ["userId"] = $"load-user-{worker}-0", ["count"] = 10 }), isEventBatch: false);
        }
    }

    private async Task<bool> SendAsync(Func<Task<HttpResponseMessage>> send, bool isEventBatch)
    {
        double started = Now;
        bool ok;
        try
        {
            // Not cancelled by the stop signal: a request in flight is either answered or broken, never abandoned.
            using var response = await send();
            ok = response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            ok = false;
        }

        _outcomes.Add(new Outcome(started, Now, ok, isEventBatch));
        return ok;
    }

    private readonly record struct Outcome(double Started, double Ended, bool Ok, bool IsEventBatch);
}
