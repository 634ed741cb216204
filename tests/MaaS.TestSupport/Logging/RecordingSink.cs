using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace MaaS.TestSupport.Logging;

/// <summary>
/// A Serilog sink that keeps every event the gateway's logger writes (level and rendered message), for tests of what
/// reaches the log. Register it in a host's services (<c>services.AddSingleton&lt;ILogEventSink&gt;(sink)</c>): the
/// gateway's logger takes the sinks it finds there (<c>ReadFrom.Services</c>) behind its own level and filters.
/// Safe to write to from any thread.
/// </summary>
public sealed class RecordingSink : ILogEventSink
{
    private readonly ConcurrentQueue<(LogEventLevel Level, string Message)> _events = new();

    public IReadOnlyList<(LogEventLevel Level, string Message)> Events => [.. _events];

    public void Emit(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        _events.Enqueue((logEvent.Level, logEvent.RenderMessage(System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>Whether an event whose message contains <paramref name="text"/> was written, waiting up to <paramref name="timeout"/> for it.</summary>
    public async Task<bool> WaitForAsync(string text, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (!Contains(text))
        {
            if (DateTime.UtcNow > until)
            {
                return false;
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        return true;
    }

    public bool Contains(string text) => _events.Any(e => e.Message.Contains(text, StringComparison.Ordinal));
}
