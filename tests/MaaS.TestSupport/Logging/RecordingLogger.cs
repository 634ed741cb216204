using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace MaaS.TestSupport.Logging;

/// <summary>
/// A logger that keeps what is logged (level, event id, rendered message), for tests that assert a warning is written
/// when a bound is exceeded. Safe to log to from any thread; <typeparamref name="T"/> is the category, as for <see cref="ILogger{T}"/>.
/// </summary>
/// <typeparam name="T">The category.</typeparam>
public sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<(LogLevel Level, EventId Event, string Message)> _entries = new();

    public IReadOnlyList<(LogLevel Level, EventId Event, string Message)> Entries => [.. _entries];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        _entries.Enqueue((logLevel, eventId, formatter(state, exception)));
    }
}
