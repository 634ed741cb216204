using System.Security.Cryptography;
using System.Text.Json.Nodes;
using MaaS.Models.Onnx;
using MaaS.Models.Registry;
using MaaS.Models.Telemetry;
using MaaS.Storage.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace MaaS.Services.Tests.Market;

/// <summary>
/// A real market in a temp folder: a model repository holding the bundled example MLP (a small one), a SQLite storage
/// file, a loaded registry, and the access cache and publisher over them. Deleted on dispose.
/// </summary>
internal sealed class MarketWorld : IAsyncDisposable
{
    public const string OperatorTenant = "operator";

    /// <summary>Hidden layer of the models written here: small, so sessions build fast.</summary>
    public static readonly int[] Hidden = [16];

    private readonly string _folder;

    private MarketWorld(string folder, IStorage storage, ModelRegistry registry, ModelAccess access, MarketOptions options)
    {
        _folder = folder;
        Storage = storage;
        Registry = registry;
        Access = access;
        Publisher = new ModelPublisher(registry, access, storage.Market, Options.Create(options), NullLogger<ModelPublisher>.Instance);
    }

    public IStorage Storage { get; }

    public ModelRegistry Registry { get; }

    public ModelAccess Access { get; }

    public ModelPublisher Publisher { get; }

    public string Repository => Registry.RepositoryPath;

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A market whose publisher enforces <paramref name="quota"/> (the defaults when null).</summary>
    public static async Task<MarketWorld> StartAsync(MarketOptions? quota = null)
    {
        string folder = Directory.CreateTempSubdirectory("maas-market-").FullName;
        string models = Path.Combine(folder, "models");
        ExampleMlp.WriteTo(models, 1, Hidden);
        var opened = await StorageFactory.OpenAsync(
            new StorageOptions { Sqlite = { Path = Path.Combine(folder, "maas.db"), Durability = SqliteDurability.Normal } }, cancellationToken: Ct);
        var serving = Options.Create(new ServingOptions { RepositoryPath = models, ExecutionProvider = ExecutionProviderKind.Cpu });
        var registry = new ModelRegistry(serving, [new OnnxModelLoader(serving, NullLogger<OnnxModelLoader>.Instance)], new ModelMetrics(), NullLogger<ModelRegistry>.Instance);
        await registry.InitializeAsync(Ct);
        var access = NewAccess(opened.Value, registry);
        await access.RefreshAsync(Ct);
        var options = quota ?? new MarketOptions();
        options.OperatorTenant = OperatorTenant;
        return new MarketWorld(folder, opened.Value, registry, access, options);
    }

    /// <summary>Another access cache over the same store and registry, as another replica holds.</summary>
    public ModelAccess NewAccess() => NewAccess(Storage, Registry);

    private static ModelAccess NewAccess(IStorage storage, ModelRegistry registry) => new(
        storage.Market, registry, Options.Create(new MarketOptions { OperatorTenant = OperatorTenant }), NullLogger<ModelAccess>.Instance);

    /// <summary>The ONNX bytes of a model the card <see cref="Card"/> describes.</summary>
    public static byte[] Onnx() => ExampleMlp.BuildOnnx(Hidden);

    public static string Card(string name, string visibility = "private", string[]? labels = null) => new JsonObject
    {
        ["name"] = name,
        ["task"] = "classification",
        ["description"] = "three-class MLP for tests",
        ["tags"] = new JsonArray("test"),
        ["labels"] = new JsonArray([.. (labels ?? [.. ExampleMlp.Labels]).Select(l => (JsonNode)JsonValue.Create(l))]),
        ["visibility"] = visibility,
        ["metrics"] = new JsonObject { ["accuracy"] = 0.91 },
    }.ToJsonString();

    /// <summary>Every file under the repository with its size and SHA-256: equal snapshots mean nothing changed.</summary>
    public string Snapshot() => string.Join('\n', Directory
        .EnumerateFileSystemEntries(Repository, "*", SearchOption.AllDirectories)
        .Order(StringComparer.Ordinal)
        .Select(p => File.Exists(p)
            ? $"{Path.GetRelativePath(Repository, p)} {new FileInfo(p).Length} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(p)))}"
            : Path.GetRelativePath(Repository, p) + "/"));

    public async ValueTask DisposeAsync()
    {
        await Registry.DisposeAsync();
        await Storage.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A session still mapping a file on a slow runner: the temp folder is left for the OS.
        }
    }
}
