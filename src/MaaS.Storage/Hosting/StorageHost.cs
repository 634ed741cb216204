using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MaaS.Storage.Hosting;

/// <summary>
/// Owns the process's one <see cref="IStorage"/>: opened (and migrated) by whichever comes first, the first
/// resolution of a store or the host's start, and disposed with the container. A database that cannot be opened fails
/// that resolution or the start, loudly and early. At start it also loads the demo data when asked.
/// </summary>
/// <remarks>
/// Opening on first resolution is what lets singletons take a store in their constructor: the host builds every
/// hosted service (and so their dependencies) before it starts any of them, so a store that only opened in
/// <see cref="StartAsync"/> would not exist yet when they are built. The first resolution blocks its thread while the
/// database opens; that happens once, while the host starts.
/// </remarks>
internal sealed class StorageHost(
    IOptions<StorageOptions> options, ILoggerFactory loggerFactory, IPostgresExecutionStrategy? executionStrategy = null)
    : IHostedService, IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IStorage? _storage;

    /// <summary>The opened storage; the first call opens it. Throws <see cref="InvalidOperationException"/> when it cannot be opened.</summary>
    public IStorage Storage
    {
        get
        {
            if (Volatile.Read(ref _storage) is { } storage)
            {
                return storage;
            }

            _gate.Wait();
            try
            {
                // Every await in the open path uses ConfigureAwait(false), so blocking here cannot deadlock.
                return _storage ??= OpenAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        IStorage storage;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            storage = _storage ??= await OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }

        if (options.Value.SeedDemoDataWhenEmpty)
        {
            var seeded = await StorageFactory.SeedDemoWhenEmptyAsync(storage, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!seeded.IsSuccess)
            {
                throw new InvalidOperationException($"Demo seed failed: {seeded.Error.Code}: {seeded.Error.Message}");
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _storage, null) is { } storage)
        {
            await storage.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask<IStorage> OpenAsync(CancellationToken cancellationToken)
    {
        var opened = await StorageFactory.OpenAsync(options.Value, loggerFactory, executionStrategy, cancellationToken).ConfigureAwait(false);
        return opened.IsSuccess
            ? opened.Value
            : throw new InvalidOperationException($"Storage could not be opened: {opened.Error.Code}: {opened.Error.Message}");
    }
}
