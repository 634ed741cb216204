using MaaS.Storage.Hosting;
using MaaS.Storage.Seeding;
using MaaS.Storage.Tests.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MaaS.Storage.Tests.Hosting;

public sealed class StorageServiceCollectionExtensionsTests(PostgresServer server) : IClassFixture<PostgresServer>
{

    [Fact]
    public async Task AddMaaSStorage_HostStarted_EveryStoreResolvesToOneOpenedAndSeededSqliteStorage()
    {
        using var folder = new TempFolder();
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddMaaSStorage(o =>
        {
            o.Sqlite.Path = Path.Combine(folder.Path, "nested", "maas.db");
            o.SeedDemoDataWhenEmpty = true;
        });
        await using var provider = services.BuildServiceProvider();

        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(Ct);
        }

        var storage = provider.GetRequiredService<IStorage>();
        Assert.Equal("sqlite", storage.Provider);
        Assert.Same(storage.Events, provider.GetRequiredService<IEventStore>());
        Assert.Same(storage.Catalog, provider.GetRequiredService<ICatalogStore>());
        Assert.Same(storage.Users, provider.GetRequiredService<IUserStore>());
        Assert.Same(storage.Keys, provider.GetRequiredService<IApiKeyStore>());
        Assert.Same(storage.Market, provider.GetRequiredService<IModelMarketStore>());
        Assert.Equal(DemoSeed.ItemsPerKind * 3, (await storage.Catalog.CountAsync(StorageLimits.DefaultTenant, Ct)).Value);
        Assert.True(File.Exists(Path.Combine(folder.Path, "nested", "maas.db")));
    }

    [Fact]
    public async Task AddMaaSStorage_StoreResolvedBeforeHostStart_OpensThenStartSeedsTheSameStorage()
    {
        // A singleton that takes a store in its constructor is built before any hosted service starts.
        using var folder = new TempFolder();
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddMaaSStorage(o =>
        {
            o.Sqlite.Path = Path.Combine(folder.Path, "maas.db");
            o.SeedDemoDataWhenEmpty = true;
        });
        await using var provider = services.BuildServiceProvider();

        var market = provider.GetRequiredService<IModelMarketStore>();
        var claimed = await market.ClaimAsync("acme", "churn", ModelVisibility.Private, Ct);
        var catalogueBeforeStart = await provider.GetRequiredService<ICatalogStore>().CountAsync(StorageLimits.DefaultTenant, Ct);
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(Ct);
        }

        Assert.Equal("acme", claimed.Value.Owner);
        Assert.Equal(0, catalogueBeforeStart.Value);
        Assert.Same(market, provider.GetRequiredService<IStorage>().Market);
        Assert.Equal(DemoSeed.ItemsPerKind * 3, (await provider.GetRequiredService<ICatalogStore>().CountAsync(StorageLimits.DefaultTenant, Ct)).Value);
    }

    [Fact]
    public async Task AddMaaSStorage_UnreachableDatabase_HostStartAndResolutionFail()
    {
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddMaaSStorage(o =>
        {
            o.Provider = StorageProvider.Postgres;
            o.Postgres.ConnectionString = "Host=127.0.0.1;Port=1;Username=x;Password=y;Database=z;Timeout=2";
        });
        await using var provider = services.BuildServiceProvider();

        var hosted = Assert.Single(provider.GetServices<IHostedService>());
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => hosted.StartAsync(Ct));

        Assert.Contains("Unavailable", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IEventStore>());
        Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IApiKeyStore>());
    }

    [Fact]
    public async Task AddMaaSStorage_PostgresWithExecutionStrategy_EveryStoreRunsThroughIt()
    {
        if (server.SkipReason is not null)
        {
            Assert.Skip(server.SkipReason);
        }

        var strategy = new CountingStrategy();
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton<IPostgresExecutionStrategy>(strategy);
        services.AddMaaSStorage(o =>
        {
            o.Provider = StorageProvider.Postgres;
            o.Postgres.ConnectionString = server.ConnectionString;
            o.Postgres.Schema = server.Schema;
        });
        await using var provider = services.BuildServiceProvider();
        var tenant = TestData.NewTenant();

        var storage = provider.GetRequiredService<IStorage>();
        int afterOpen = strategy.Operations;
        await provider.GetRequiredService<IEventStore>().CountAsync(tenant, Ct);
        await provider.GetRequiredService<ICatalogStore>().CountAsync(tenant, Ct);
        await provider.GetRequiredService<IUserStore>().CountAsync(tenant, Ct);
        await provider.GetRequiredService<IApiKeyStore>().CountActiveAdminsAsync(tenant, Ct);
        await provider.GetRequiredService<IModelMarketStore>().ListAllAsync(Ct);

        Assert.Equal("postgres", storage.Provider);
        Assert.Equal(1, afterOpen);
        Assert.Equal(6, strategy.Operations);
    }

    private sealed class CountingStrategy : IPostgresExecutionStrategy
    {
        private int _operations;

        public int Operations => _operations;

        public ValueTask<T> ExecuteAsync<T>(Func<CancellationToken, ValueTask<T>> operation, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _operations);
            return operation(cancellationToken);
        }
    }
}
