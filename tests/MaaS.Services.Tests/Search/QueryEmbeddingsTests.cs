using MaaS.Models.Embeddings;
using MaaS.Models.Inference;
using MaaS.Models.Onnx;
using MaaS.Models.Registry;
using MaaS.Models.Telemetry;
using MaaS.Services.Search;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MaaS.Services.Tests.Search;

/// <summary>
/// The search query's embedding with and without the cache: the real all-minilm-l6-v2 through a real registry and its
/// dynamic batcher; a cached vector is the encoder's own, a bound in bytes holds, another version never hits.
/// </summary>
public sealed class QueryEmbeddingsTests
{
    private const string Model = "all-minilm-l6-v2";

    [Fact]
    public async Task EmbedAsync_RepeatedQuery_HitsTheCacheWithTheEncodersVector()
    {
        await using var world = await World.CreateAsync();
        using var cached = world.Queries(cacheBytes: 1 << 20);
        var token = TestContext.Current.CancellationToken;

        var first = await cached.EmbedAsync(Model, 1, "space adventure with robots", token);
        var again = await cached.EmbedAsync(Model, 1, "space adventure with robots", token);
        var other = await cached.EmbedAsync(Model, 1, "a cooking show", token);
        var direct = await world.Encoder.EmbedAsync(Model, 1, ["space adventure with robots"], null, token);

        Assert.True(first.IsSuccess && again.IsSuccess && other.IsSuccess && direct.IsSuccess, first.Error?.Message ?? direct.Error?.Message);
        Assert.Equal(1, cached.Hits);
        Assert.Equal(direct.Value![0].ToArray(), first.Value.ToArray());
        Assert.Equal(first.Value.ToArray(), again.Value.ToArray());
        Assert.NotEqual(first.Value.ToArray(), other.Value.ToArray());
    }

    [Fact]
    public async Task EmbedAsync_CacheOffOrNoVersion_EmbedsEveryTime()
    {
        await using var world = await World.CreateAsync();
        using var off = world.Queries(cacheBytes: 0);
        using var on = world.Queries(cacheBytes: 1 << 20);
        var token = TestContext.Current.CancellationToken;

        for (int i = 0; i < 2; i++)
        {
            Assert.True((await off.EmbedAsync(Model, 1, "heist thriller", token)).IsSuccess);
            Assert.True((await on.EmbedAsync(Model, null, "heist thriller", token)).IsSuccess);
        }

        var missing = await on.EmbedAsync("no-such-model", 1, "heist thriller", token);

        Assert.Equal((0L, 0L), (off.Hits, on.Hits));
        Assert.Equal(ErrorCode.ModelNotFound, missing.Error?.Code);
    }

    [Fact]
    public async Task EmbedAsync_MoreQueriesThanTheBytesHold_StaysBoundedAndKeepsServing()
    {
        await using var world = await World.CreateAsync();
        // About four entries of a 384-dimensional vector (1,536 bytes) and a short text each.
        using var small = world.Queries(cacheBytes: 4 * 1_800);
        var token = TestContext.Current.CancellationToken;
        string[] texts = [.. Enumerable.Range(0, 24).Select(i => $"query number {i}")];

        foreach (string text in texts)
        {
            Assert.True((await small.EmbedAsync(Model, 1, text, token)).IsSuccess);
        }

        var last = await small.EmbedAsync(Model, 1, texts[^1], token);

        Assert.True(last.IsSuccess);
        Assert.True(small.Bytes <= 4 * 1_800, $"{small.Bytes} bytes held");
        Assert.InRange(small.Entries, 1, 4);
    }

    private sealed class World : IAsyncDisposable
    {
        private readonly DirectoryInfo _repository;
        private readonly ModelRegistry _registry;

        private World(DirectoryInfo repository, ModelRegistry registry)
        {
            _repository = repository;
            _registry = registry;
            Encoder = new EmbeddingService(registry, new ModelInference(registry, new ModelMetrics()));
        }

        public EmbeddingService Encoder { get; }

        public static async Task<World> CreateAsync()
        {
            // The checkout's encoder (the build extracts its weights), linked into a repository of its own.
            string? root = AppContext.BaseDirectory;
            while (root is not null && !File.Exists(Path.Combine(root, "models", Model, "1", "model.onnx")))
            {
                root = Path.GetDirectoryName(root);
            }

            Assert.NotNull(root);
            var repository = Directory.CreateTempSubdirectory("maas-query-embeddings-");
            Directory.CreateSymbolicLink(Path.Combine(repository.FullName, Model), Path.Combine(root, "models", Model));
            var options = Options.Create(new ServingOptions { RepositoryPath = repository.FullName, ExecutionProvider = ExecutionProviderKind.Cpu });
            var registry = new ModelRegistry(options, [new SentenceEmbeddingLoader(options, NullLogger<OnnxModelLoader>.Instance)], new ModelMetrics(), NullLogger<ModelRegistry>.Instance);
            await registry.InitializeAsync(TestContext.Current.CancellationToken);
            return new World(repository, registry);
        }

        public QueryEmbeddings Queries(long cacheBytes) =>
            new(Encoder, Options.Create(new SearchOptions { QueryCacheBytes = cacheBytes }), meters: null);

        public async ValueTask DisposeAsync()
        {
            await _registry.DisposeAsync();
            _repository.Delete(recursive: true);
        }
    }
}
