using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MaaS.Services.Tests.Recommendations;

/// <summary>
/// The recommendation service as a host registers it (<c>AddMaaSStorage</c> + <c>AddMaaSRecommendations</c>) in a
/// plain DI container over a real SQLite file in a temp folder: no HTTP, no web host. Builds only when asked.
/// Dispose stops it and deletes the folder.
/// </summary>
internal sealed class RecommendationServices : IAsyncDisposable
{
    public const string Tenant = "default";

    private readonly ServiceProvider _provider;
    private readonly IHostedService[] _hosted;
    private readonly TempFolder _data;

    private RecommendationServices(ServiceProvider provider, IHostedService[] hosted, TempFolder data)
    {
        _provider = provider;
        _hosted = hosted;
        _data = data;
    }

    /// <param name="configure">Options beyond these tests' defaults (no build at start, no schedule).</param>
    /// <param name="replace">Registrations that take the place of the host's (the last registration of a service wins).</param>
    public static async Task<RecommendationServices> StartAsync(Action<RecommendationOptions>? configure = null, Action<IServiceCollection>? replace = null)
    {
        var data = new TempFolder("maas-services-");
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddSingleton(new DataDirectory(data.Path));
        services.AddMaaSStorage(o => o.Sqlite.Path = data["maas.db"]);
        services.AddMaaSRecommendations(o =>
        {
            o.BuildOnStart = false;
            o.RebuildIntervalSeconds = 0;
            configure?.Invoke(o);
        });
        replace?.Invoke(services);
        var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().ToArray();
        foreach (var service in hosted)
        {
            await service.StartAsync(TestContext.Current.CancellationToken);
        }

        return new RecommendationServices(provider, hosted, data);
    }

    /// <summary>The SQLite file the services use; another storage opened on it writes as another process would.</summary>
    public string DatabasePath => _data["maas.db"];

    public T Get<T>()
        where T : notnull => _provider.GetRequiredService<T>();

    /// <summary>Stores events through ingestion, as <c>POST /v1/events</c> does; each is (user, item, type).</summary>
    public Task AppendAsync(params (string User, string Item, string Type)[] events) => AppendAtAsync(null, events);

    /// <summary>As <see cref="AppendAsync"/>, every event dated <paramref name="at"/> (null: now).</summary>
    public async Task AppendAtAsync(DateTimeOffset? at, params (string User, string Item, string Type)[] events)
    {
        var batch = events.Select(e => new EventInput(Guid.NewGuid().ToString("N"), e.User, null, e.Item, e.Type, null, at)).ToList();
        var appended = await Get<EventIngestion>().AppendAsync(Tenant, new EventBatchRequest(batch), TestContext.Current.CancellationToken);
        Assert.True(appended.IsSuccess, appended.Error?.Message);
        await FollowEventsAsync();
    }

    /// <summary>Has the trending follower read the event log now (it would within a poll), so a test's next request counts what was stored.</summary>
    public Task FollowEventsAsync() => Get<TrendingFollower>().FollowAsync(TestContext.Current.CancellationToken);

    /// <summary>Rebuilds the tenant's index now, as <c>POST /v1/recommendations/rebuild</c> does.</summary>
    public async Task<RebuildResponse> RebuildAsync()
    {
        var built = await Get<IndexBuilder>().BuildAsync(Tenant, TestContext.Current.CancellationToken);
        Assert.True(built.IsSuccess, built.Error?.Message);
        return built.Value;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var service in _hosted.Reverse())
        {
            await service.StopAsync(CancellationToken.None);
        }

        await _provider.DisposeAsync();
        _data.Dispose();
    }
}
