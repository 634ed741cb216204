namespace MaaS.Gateway.FunctionalTests.Deployment;

/// <summary>The deployment tests share one topology and run one at a time (they load the machine).</summary>
[CollectionDefinition(Name)]
public sealed class DeploymentCollection : ICollectionFixture<ReplicaTopology>
{
    public const string Name = "Deployment";
}

/// <summary>
/// docker/docker-compose.yml without Docker: two gateway replicas over one fresh PostgreSQL schema, compose's folder
/// layout (one shared temp copy of models/ as the bundled repository, one shared published-models folder) with polling
/// on, behind nginx running docker/nginx.conf. Started once for the collection; tests that kill a replica
/// call <see cref="EnsureRunningAsync"/> to bring it back on the same port. When something is missing,
/// <see cref="SkipReason"/> says what and <see cref="RequireAsync"/> skips (or fails under CI).
/// </summary>
public sealed class ReplicaTopology : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "maas-deploy-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly List<GatewayProcess> _replicas = [];
    private NginxProcess? _nginx;
    private string? _startError;

    public string Schema { get; } = "maas_deploy_" + Guid.NewGuid().ToString("N")[..12];

    public string ConnectionString => DeploymentEnvironment.ConnectionString;

    /// <summary>The shared model repository every replica polls.</summary>
    public string ModelsDirectory => Path.Combine(_root, "models");

    /// <summary>The shared folder published models go to (compose's published-models volume).</summary>
    public string PublishedDirectory => Path.Combine(_root, "published");

    public string? SkipReason { get; private set; }

    internal IReadOnlyList<GatewayProcess> Replicas => _replicas;

    internal Uri LoadBalancer => _nginx!.Address;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        string? dll = GatewayProcess.FindGatewayDll();
        string? nginx = NginxProcess.FindNginx();
        SkipReason = dll is null ? "src/MaaS.Gateway is not built in this test's configuration"
            : nginx is null ? "nginx is not installed (apt-get install nginx, or run .ci/setup)"
            : DeploymentEnvironment.FindModelsDirectory() is null ? "models/ not found above the test output"
            : await DeploymentEnvironment.ProbeAsync(ConnectionString, ct);
        if (SkipReason is not null)
        {
            return;
        }

        try
        {
            CopyDirectory(DeploymentEnvironment.FindModelsDirectory()!, ModelsDirectory);
            await DeploymentEnvironment.ExecuteAsync(ConnectionString, $"CREATE SCHEMA \"{Schema}\"", ct);
            for (int i = 0; i < 2; i++)
            {
                var settings = Settings(ConnectionString, Schema, ModelsDirectory, Path.Combine(_root, $"data{i}"), PublishedDirectory);
                // The catalogue's poll, the fallback for a lost notification, at its longest (an hour): another
                // replica's write can then reach a replica within a test's wait only by PostgreSQL's NOTIFY.
                settings["Recommendations:CatalogueFeedPollSeconds"] = "3600";
                var replica = new GatewayProcess(dll!, ChildProcess.FreePort(), settings);
                _replicas.Add(replica);
                // One after the other: the first migrates the schema and seeds the demo catalogue.
                await replica.StartAsync(StartTimeout, ct);
            }

            _nginx = await NginxProcess.StartAsync(nginx!, Path.Combine(_root, "nginx"), _replicas.Select(r => r.Address), ct);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or Npgsql.NpgsqlException or IOException)
        {
            // Reported by every test rather than as a fixture crash, so the message is readable.
            _startError = e.Message;
        }
    }

    /// <summary>
    /// Skips (or fails under CI) when the topology cannot run here; fails when it could not start. With
    /// <paramref name="replicas"/>, restarts any replica an earlier test killed.
    /// </summary>
    public async Task RequireAsync(bool replicas = true)
    {
        if (SkipReason is not null)
        {
            DeploymentEnvironment.SkipOrFail(SkipReason);
        }

        Assert.True(_startError is null, $"the topology did not start: {_startError}");
        if (replicas)
        {
            await EnsureRunningAsync();
        }
    }

    /// <summary>Restarts any replica a previous test killed (same port, so nginx needs no reload).</summary>
    public async Task EnsureRunningAsync()
    {
        foreach (var replica in _replicas.Where(r => !r.IsRunning))
        {
            await replica.StartAsync(StartTimeout, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>The user key every replica and the tests' own reads of the schema use (32 bytes, base64).</summary>
    internal const string UserKey = "cmVwbGljYS10b3BvbG9neS10ZXN0LXVzZXIta2V5ISE=";

    /// <summary>
    /// Gateway settings of a replica over PostgreSQL with a shared, polled model repository and, when given, a shared
    /// published-models folder; authentication off, explicitly.
    /// </summary>
    internal static Dictionary<string, string> Settings(string connectionString, string schema, string models, string data, string? published = null) => new()
    {
        // Replicas over one database share its user key (each data folder would otherwise make a key of its own).
        ["Privacy:UserKey"] = UserKey,
        ["Storage:Provider"] = "Postgres",
        ["Storage:Postgres:ConnectionString"] = connectionString,
        ["Storage:Postgres:Schema"] = schema,
        ["Storage:DataDirectory"] = data,
        ["Storage:SeedDemoDataWhenEmpty"] = "true",
        ["Serving:RepositoryPath"] = models,
        ["Serving:PublishedRepositoryPath"] = published ?? Path.Combine(data, "published"),
        ["Serving:PollIntervalSeconds"] = "1",
        ["Auth:Enabled"] = "false",
        ["Recommendations:RebuildIntervalSeconds"] = "0",
        // The attribution report's counts reach the store within a test's short wait.
        ["Recommendations:AttributionFlushSeconds"] = "0.2",
        ["Serilog:MinimumLevel:Default"] = "Warning",
    };

    public async ValueTask DisposeAsync()
    {
        _nginx?.Dispose();
        foreach (var replica in _replicas)
        {
            replica.Dispose();
        }

        if (SkipReason is null)
        {
            try
            {
                await DeploymentEnvironment.ExecuteAsync(ConnectionString, $"DROP SCHEMA IF EXISTS \"{Schema}\" CASCADE", CancellationToken.None);
            }
            catch (Npgsql.NpgsqlException)
            {
                // Best effort: a leftover schema has a unique name and harms no other run.
            }
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    internal static void CopyDirectory(string from, string to)
    {
        foreach (string directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        }

        Directory.CreateDirectory(to);
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }
}
