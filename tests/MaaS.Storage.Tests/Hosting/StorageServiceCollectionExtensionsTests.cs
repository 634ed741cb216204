using MaaS.Storage.Abstractions;
using MaaS.Storage.Hosting;
using MaaS.Storage.Seeding;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MaaS.Storage.Tests.Hosting;

public sealed class StorageServiceCollectionExtensionsTests
{
    [Fact]
    public async Task AddMaaSStorage_HostStarted_StoresResolveToOneOpenedAndSeededSqliteStorage()
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
        var ct = TestContext.Current.CancellationToken;

        foreach (var hosted in provider.GetServices<IHostedService>()) await hosted.StartAsync(ct);

        var storage = provider.GetRequiredService<IStorage>();
        Assert.Equal("sqlite", storage.Provider);
        Assert.Same(storage.Events, provider.GetRequiredService<IEventStore>());
        Assert.Same(storage.Catalog, provider.GetRequiredService<ICatalogStore>());
        Assert.Same(storage.Users, provider.GetRequiredService<IUserStore>());
        Assert.Equal(DemoSeed.ItemsPerKind * 3, (await storage.Catalog.CountAsync(StorageLimits.DefaultTenant, ct)).Value);
        Assert.True(File.Exists(Path.Combine(folder.Path, "nested", "maas.db")));
    }

    [Fact]
    public async Task AddMaaSStorage_UnreachableDatabase_HostStartFails()
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
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => hosted.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Unavailable", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IEventStore>());
    }
}
