using System.Text.Json.Nodes;
using MaaS.Models.Registry;
using MaaS.TestSupport.Models;

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

    private readonly TempFolder _folder;

    private MarketWorld(TempFolder folder, IStorage storage, ModelRegistry registry, ModelAccess access, MarketOptions options)
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
        var folder = new TempFolder("maas-market-");
        ExampleMlp.WriteTo(folder["models"], 1, Hidden);
        var storage = await TestStorage.OpenSqliteAsync(folder["maas.db"], SqliteDurability.Normal);
        var registry = await Registries.LoadAsync(folder["models"]);
        var access = NewAccess(storage, registry);
        await access.RefreshAsync(Ct);
        var options = quota ?? new MarketOptions();
        options.OperatorTenant = OperatorTenant;
        return new MarketWorld(folder, storage, registry, access, options);
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
    public string Snapshot() => FolderSnapshot.Of(Repository);

    public async ValueTask DisposeAsync()
    {
        await Registry.DisposeAsync();
        await Storage.DisposeAsync();
        _folder.Dispose();
    }
}
