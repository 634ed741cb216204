using MaaS.Storage.Abstractions;
using MaaS.Storage.Postgres;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MaaS.Storage.Hosting;

/// <summary>Opens the key and market stores at host start (failing the start loudly) and disposes them with the container.</summary>
internal sealed class SecurityStorageHost(
    IOptions<StorageOptions> options, ILoggerFactory loggerFactory, IPostgresExecutionStrategy? executionStrategy = null)
    : IHostedService, IAsyncDisposable
{
    private ISecurityStorage? _storage;

    public ISecurityStorage Storage => _storage
        ?? throw new InvalidOperationException("Security storage is not open yet: AddMaaSSecurityStorage's hosted service opens it at host start.");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_storage is not null) return;
        var opened = await SecurityStorageFactory.OpenAsync(options.Value, loggerFactory, executionStrategy, cancellationToken).ConfigureAwait(false);
        if (!opened.IsSuccess) throw new InvalidOperationException($"Security storage could not be opened: {opened.Error.Code}: {opened.Error.Message}");
        _storage = opened.Value;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_storage is not null) await _storage.DisposeAsync().ConfigureAwait(false);
        _storage = null;
    }
}
