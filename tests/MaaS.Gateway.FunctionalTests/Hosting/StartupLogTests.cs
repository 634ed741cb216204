namespace MaaS.Gateway.FunctionalTests.Hosting;

/// <summary>
/// The console of a built gateway started from the repository root with the shipped settings (Production, the
/// bundled models, authentication on) that served a few requests and unloaded a model: what an operator reads.
/// </summary>
public sealed partial class StartupLogTests(StartupLogTests.Gateway gateway) : IClassFixture<StartupLogTests.Gateway>
{
    [Fact]
    public void Start_FromTheRepositoryRoot_ContentRootIsTheBinarysFolder()
    {
        string folder = Path.GetDirectoryName(gateway.Dll)!;

        Assert.Contains($"Content root path: {folder}", gateway.Log);
    }

    [Fact]
    public void Start_AutoProviderOnACpuOnlyBuild_OneInformationLineForAllModels()
    {
        var loaded = gateway.Lines.Where(l => l.Contains("Loaded ", StringComparison.Ordinal)).ToList();
        var provider = gateway.Lines.Where(l => l.Contains("Auto", StringComparison.Ordinal) && l.Contains("CPUExecutionProvider", StringComparison.Ordinal)).ToList();

        Assert.True(loaded.Count >= 2, gateway.Log);
        var line = Assert.Single(provider);
        Assert.Contains(" INF] ", line);
    }

    [Fact]
    public void Requests_AtTheDefaultLevel_NotLoggedOneLineEach()
    {
        Assert.True(gateway.Requests >= 3);

        Assert.DoesNotContain(gateway.Lines, l => l.Contains("HTTP GET", StringComparison.Ordinal) || l.Contains("HTTP POST", StringComparison.Ordinal));
    }

    [Fact]
    public void Start_RecommendationIndexes_ReportedUnderTheirOwnNameNotAsAnEmptyModelRegistry()
    {
        var registries = gateway.Lines.Where(l => l.Contains("models found", StringComparison.Ordinal)).ToList();

        Assert.DoesNotContain(gateway.Lines, l => l.Contains("Model registry ready: 0 models", StringComparison.Ordinal));
        Assert.Equal(2, registries.Count);
        Assert.Single(registries, l => l.Contains("Recommendation indexes (built per tenant after start)", StringComparison.Ordinal));
        // Every version of each bundled model (a folder with a model.json under models/, its versions numbered folders),
        // but those of lazy models, which load on their first request.
        var bundled = Directory.GetDirectories(Path.Combine(SharedData.RepositoryRoot, "models")).Where(d => File.Exists(Path.Combine(d, "model.json"))).ToList();
        static bool Lazy(string model) => JsonNode.Parse(File.ReadAllText(Path.Combine(model, "model.json")))?["loadPolicy"]?.GetValue<string>() == "lazy";
        int versions = bundled.Where(d => !Lazy(d)).Sum(d => Directory.GetDirectories(d).Count(v => long.TryParse(Path.GetFileName(v), out _)));
        Assert.True(bundled.Count >= 3 && versions >= bundled.Count - bundled.Count(Lazy));
        Assert.Single(registries, l => l.Contains($"Model registry: {bundled.Count} models found, {versions} versions ready", StringComparison.Ordinal));
    }

    [Fact]
    public void UnloadModel_LogLine_SaysEveryVersionNotVersionNull()
    {
        Assert.Contains(gateway.Lines, l => l.EndsWith("Unloaded every version of example-mlp", StringComparison.Ordinal));
        Assert.DoesNotContain(gateway.Lines, l => l.Contains("version null", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryLine_LevelAndTheNameOfItsSource()
    {
        var unnamed = gateway.Lines.Where(l => !LogLine().IsMatch(l)).ToList();

        Assert.True(gateway.Lines.Count > 5, gateway.Log);
        Assert.True(unnamed.Count == 0, "lines without a level and a source:\n" + string.Join('\n', unnamed));
    }

    [Fact]
    public void EveryLine_NoNullStandingForAMissingValue()
    {
        var nulls = gateway.Lines.Where(l => NullWord().IsMatch(l)).ToList();

        Assert.Contains(gateway.Lines, l => l.Contains("First index build of tenant default", StringComparison.Ordinal));
        Assert.True(nulls.Count == 0, "lines that print null:\n" + string.Join('\n', nulls));
    }

    [GeneratedRegex(@"^\[\d\d:\d\d:\d\d (VRB|DBG|INF|WRN|ERR|FTL)\] [A-Za-z][\w.]+: \S")]
    private static partial Regex LogLine();

    [GeneratedRegex(@"\bnull\b")]
    private static partial Regex NullWord();

    /// <summary>The gateway process: started once, asked a few things, then stopped; its log is what the tests read.</summary>
    public sealed class Gateway : IAsyncLifetime
    {
        private const string AdminKey = "startup-log-admin-key-0123456789abcdef";
        private readonly string _data = Directory.CreateTempSubdirectory("maas-startup-log-").FullName;

        public string Dll { get; private set; } = "";

        public string Log { get; private set; } = "";

        public IReadOnlyList<string> Lines { get; private set; } = [];

        public int Requests { get; private set; }

        public async ValueTask InitializeAsync()
        {
            var ct = TestContext.Current.CancellationToken;
            Dll = GatewayProcess.RequireGatewayDll();
            int port = ChildProcess.FreePort();
            // Nothing but a port, a data folder and the admin key: appsettings.json decides the rest (the bundled
            // models, Auto provider, Information level, demo data).
            using var process = ChildProcess.Start("dotnet",
                [Dll, "--urls", $"http://127.0.0.1:{port}", "--Storage:DataDirectory", _data, "--Auth:BootstrapAdminKey", AdminKey],
                SharedData.RepositoryRoot, "gateway (startup log)",
                environment: new Dictionary<string, string?> { ["ASPNETCORE_ENVIRONMENT"] = null, ["DOTNET_ENVIRONMENT"] = null });
            var address = new Uri($"http://127.0.0.1:{port}");
            await process.WaitForUrlAsync(new Uri(address, "/v2/health/ready"), TimeSpan.FromSeconds(90), ct);
            using var client = new HttpClient { BaseAddress = address };
            client.DefaultRequestHeaders.Authorization = new("Bearer", AdminKey);
            foreach (string path in new[] { "/v1/ping", "/v1/models" })
            {
                using var response = await client.GetAsync(path, ct);
                Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode}\n{process.Tail()}");
                Requests++;
            }

            using (var unloaded = await client.PostAsync("/v2/repository/models/example-mlp/unload", null, ct))
            {
                Assert.True(unloaded.IsSuccessStatusCode, $"unload: {(int)unloaded.StatusCode}\n{process.Tail()}");
                Requests++;
            }

            // The lines the tests look for, through the pipe: the unload's, and the first index build's, which runs in the
            // background after the start (a fixed moment here once let a loaded box read the log without them).
            await process.WaitForLineAsync("Unloaded every version of example-mlp", TimeSpan.FromSeconds(60), ct);
            await process.WaitForLineAsync("First index build of tenant default", TimeSpan.FromSeconds(60), ct);
            Log = process.Output;
            Lines = [.. Log.Split('\n').Where(l => l.Length > 0)];
        }

        public ValueTask DisposeAsync()
        {
            try
            {
                Directory.Delete(_data, recursive: true);
            }
            catch (IOException)
            {
            }

            return ValueTask.CompletedTask;
        }
    }
}
