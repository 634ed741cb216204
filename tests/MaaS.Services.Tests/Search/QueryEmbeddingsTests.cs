using MaaS.Models.Embeddings;
using MaaS.Models.Registry;
using MaaS.Services.Search;
using MaaS.TestSupport.Models;

namespace MaaS.Services.Tests.Search;

/// <summary>
/// The search query's embedding with and without the cache: the real all-minilm-l6-v2 through a real registry and its
/// dynamic batcher; a cached vector is the encoder's own, a bound in bytes holds, another version never hits.
/// </summary>
public sealed class QueryEmbeddingsTests
{
    [Fact]
    public async Task EmbedAsync_RepeatedQuery_HitsTheCacheWithTheEncodersVector()
    {
        await using var world = await World.CreateAsync();
        using var cached = world.Queries(cacheBytes: 1 << 20);
        var token = TestContext.Current.CancellationToken;

        var first = await cached.EmbedAsync(EmbeddingService.DefaultModel, 1, "space adventure with robots", token);
        var again = await cached.EmbedAsync(EmbeddingService.DefaultModel, 1, "space adventure with robots", token);
        var other = await cached.EmbedAsync(EmbeddingService.DefaultModel, 1, "a cooking show", token);
        var direct = await world.Encoder.EmbedAsync(EmbeddingService.DefaultModel, 1, ["space adventure with robots"], null, token);

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
            Assert.True((await off.EmbedAsync(EmbeddingService.DefaultModel, 1, "heist thriller", token)).IsSuccess);
            Assert.True((await on.EmbedAsync(EmbeddingService.DefaultModel, null, "heist thriller", token)).IsSuccess);
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
            Assert.True((await small.EmbedAsync(EmbeddingService.DefaultModel, 1, text, token)).IsSuccess);
        }

        var last = await small.EmbedAsync(EmbeddingService.DefaultModel, 1, texts[^1], token);

        Assert.True(last.IsSuccess);
        Assert.True(small.Bytes <= 4 * 1_800, $"{small.Bytes} bytes held");
        Assert.InRange(small.Entries, 1, 4);
    }

    /// <summary>The checkout's encoder, linked into a repository of its own, served by a real registry.</summary>
    private sealed class World(TestRepository repository, ModelRegistry registry) : IAsyncDisposable
    {
        public EmbeddingService Encoder { get; } = new(registry, Registries.Inference(registry));

        public static async Task<World> CreateAsync()
        {
            var repository = new TestRepository().WithShippedModel(EmbeddingService.DefaultModel);
            return new World(repository, await Registries.LoadWithEncodersAsync(repository.Root));
        }

        public QueryEmbeddings Queries(long cacheBytes) =>
            new(Encoder, Options.Create(new SearchOptions { QueryCacheBytes = cacheBytes }), meters: null);

        public async ValueTask DisposeAsync()
        {
            await registry.DisposeAsync();
            repository.Dispose();
        }
    }
}
