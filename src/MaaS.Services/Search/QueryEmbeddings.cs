using System.Diagnostics.Metrics;
using MaaS.Models.Embeddings;
using Microsoft.Extensions.Caching.Memory;

namespace MaaS.Services.Search;

/// <summary>
/// A search query's embedding: the encoder's (<see cref="EmbeddingService"/>, through the version's dynamic batcher),
/// or, for a text searched before with the same model version, the cached one. Real search traffic repeats its head
/// queries, and on CPU the query's embedding is most of a semantic search's cost (docs/benchmarks.md, "Query encoder
/// cost"). The cache is bounded in bytes (<see cref="SearchOptions.QueryCacheBytes"/>; 0 turns it off), keyed by
/// model, version and the exact text, and evicts the least recently used entries first (the framework's
/// <see cref="MemoryCache"/> compaction); a new model version never reads another's vectors. Hits, misses, entries
/// and bytes are metrics of <see cref="MeterName"/>. Thread-safe; disposing it drops the cache.
/// </summary>
internal sealed class QueryEmbeddings : IDisposable
{
    /// <summary>The meter of the cache's instruments.</summary>
    public const string MeterName = "MaaS.Search";

    // What an entry holds besides the vector's floats and the text's chars: the key, the array and the cache entry.
    private const int EntryOverhead = 160;

    private readonly EmbeddingService _encoder;
    private readonly MemoryCache? _cache;
    private readonly Meter? _ownMeter;
    private bool _disposed;

    public QueryEmbeddings(EmbeddingService encoder, IOptions<SearchOptions> options, IMeterFactory? meters)
    {
        _encoder = encoder;
        long bytes = options.Value.QueryCacheBytes;
        if (bytes > 0)
        {
            _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = bytes, TrackStatistics = true, CompactionPercentage = 0.1 });
        }

        var meter = meters?.Create(MeterName) ?? (_ownMeter = new Meter(MeterName));
        meter.CreateObservableCounter("query_embedding.cache.hits", () => Hits, "{lookup}", "Search queries whose embedding came from the cache.");
        meter.CreateObservableCounter("query_embedding.cache.misses", () => Statistics()?.TotalMisses ?? 0, "{lookup}", "Search queries embedded by the encoder while the cache was on.");
        meter.CreateObservableGauge("query_embedding.cache.entries", () => Entries, "{entry}", "Query embeddings cached.");
        meter.CreateObservableGauge("query_embedding.cache.bytes", () => Bytes, "By", "Estimated bytes of the cached query embeddings.");
    }

    /// <summary>Lookups answered from the cache so far (0 with the cache off).</summary>
    public long Hits => Statistics()?.TotalHits ?? 0;

    /// <summary>Queries cached now.</summary>
    public long Entries => Statistics()?.CurrentEntryCount ?? 0;

    /// <summary>Estimated bytes cached now, never above <see cref="SearchOptions.QueryCacheBytes"/>.</summary>
    public long Bytes => Statistics()?.CurrentEstimatedSize ?? 0;

    /// <summary>
    /// The embedding of <paramref name="query"/> by <paramref name="model"/> at <paramref name="version"/> (null: the
    /// default version, which is embedded every time since the key must name the version). Errors are the encoder's.
    /// </summary>
    public async ValueTask<Result<ReadOnlyMemory<float>>> EmbedAsync(string model, long? version, string query, CancellationToken cancellationToken)
    {
        if (_cache is not null && version is long wanted && _cache.TryGetValue(new Key(model, wanted, query), out float[]? cached) && cached is not null)
        {
            return (ReadOnlyMemory<float>)cached;
        }

        var embedded = await _encoder.EmbedAsync(model, version, [query], null, cancellationToken).ConfigureAwait(false);
        if (!embedded.TryGetValue(out var batch, out var error))
        {
            return error;
        }

        if (_cache is null || version is null)
        {
            return batch[0];
        }

        // A copy of its own: the batch's memory is the encoder's answer, not something to keep past this query.
        float[] vector = batch[0].ToArray();
        long size = (vector.Length * sizeof(float)) + ((query.Length + model.Length) * sizeof(char)) + EntryOverhead;
        _cache.Set(new Key(model, batch.Version, query), vector, new MemoryCacheEntryOptions { Size = size });
        return (ReadOnlyMemory<float>)vector;
    }

    public void Dispose()
    {
        // The meter may still be read (a scrape) until its factory goes: the statistics read nothing from then on.
        Volatile.Write(ref _disposed, true);
        _cache?.Dispose();
        _ownMeter?.Dispose();
    }

    private MemoryCacheStatistics? Statistics() => Volatile.Read(ref _disposed) ? null : _cache?.GetCurrentStatistics();

    private readonly record struct Key(string Model, long Version, string Text);
}
