using MaaS.Storage.Abstractions;
using MaaS.Storage.Postgres;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MaaS.Storage.Hosting;

/// <summary>
/// Opens the database when the host starts (a database that cannot be opened fails the start, loudly and early)
/// and hands the opened <see cref="IStorage"/> to the DI registrations. Disposed with the container.
/// </summary>
internal sealed class StorageHost(
    IOptions<StorageOptions> options, ILoggerFactory loggerFactory, IPostgresExecutionStrategy? executionStrategy = null)
    : IHostedService, IAsyncDisposable
{
    private IStorage? _storage;

    public IStorage Storage => _storage
        ?? throw new InvalidOperationException("Storage is not open yet: AddMaaSStorage's hosted service opens it at host start.");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_storage is not null) return;
        var opened = await StorageFactory.OpenAsync(options.Value, loggerFactory, executionStrategy, cancellationToken).ConfigureAwait(false);
        if (!opened.IsSuccess) throw new InvalidOperationException($"Storage could not be opened: {opened.Error.Code}: {opened.Error.Message}");
        _storage = opened.Value;
        if (options.Value.SeedDemoDataWhenEmpty)
        {
            var seeded = await StorageFactory.SeedDemoWhenEmptyAsync(_storage, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!seeded.IsSuccess) throw new InvalidOperationException($"Demo seed failed: {seeded.Error.Code}: {seeded.Error.Message}");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_storage is not null) await _storage.DisposeAsync().ConfigureAwait(false);
        _storage = null;
    }
}
