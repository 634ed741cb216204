using System.Numerics.Tensors;
using MaaS.Models.Embeddings;

namespace MaaS.Services.Search;

/// <summary>An item's embedding and what it was computed from: the text (by hash) and the model version (either changing
/// means recompute). <paramref name="Item"/> is the catalogue entry it was checked against, so an unchanged snapshot entry
/// is recognised by reference without hashing again; null when read from the store and not checked yet.
/// <paramref name="Vector"/> is kept in fp16, the precision the vector store re-ranks with (768 bytes at 384 dimensions
/// instead of 1,536): the store is rebuilt from it and the content index blends it; the catalogue store keeps fp32.</summary>
internal sealed record ItemVector(CatalogItem? Item, string TextHash, string Model, long Version, Half[] Vector)
{
    public bool IsCurrentFor(CatalogItem item, string model, long version) =>
        Version == version && Model == model && (ReferenceEquals(Item, item) || TextHash == HashOf(LexicalIndex.Document(item)));

    public static string HashOf(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary><paramref name="vector"/> rounded to fp16.</summary>
    public static Half[] Fp16(ReadOnlySpan<float> vector)
    {
        var half = new Half[vector.Length];
        TensorPrimitives.ConvertToHalf(vector, half);
        return half;
    }
}

/// <summary>The int8 vector store over one lexical index's items that have a current embedding.</summary>
/// <param name="Lexical">The index whose items the rows are.</param>
/// <param name="Model">The embedding model.</param>
/// <param name="Version">Its version that embedded every row.</param>
/// <param name="Changes">The tenant's embedding change count it was built at (a later change rebuilds it).</param>
/// <param name="Store">The vectors.</param>
/// <param name="Ordinals">Row → item ordinal of the lexical index.</param>
/// <param name="Pending">Items of the snapshot without a current embedding (not in the store).</param>
internal sealed record VectorIndex(LexicalIndex Lexical, string Model, long Version, int Changes, Int8VectorStore Store, int[] Ordinals, int Pending);

/// <summary>
/// Every tenant's item embeddings, computed in the background from the catalogue snapshots that <see cref="TenantState"/>
/// applies from the change feed (so every replica embeds every item, whoever wrote it): items new, changed, or embedded
/// by another model version are embedded in batches through <see cref="EmbeddingService"/> (the model's dynamic batcher),
/// one run per tenant at a time, and stored with the items (<see cref="ICatalogStore.PutEmbeddingsAsync"/>), so a restart
/// reads them back instead of computing them again. <see cref="StopAsync"/> (the host's shutdown, through
/// <see cref="SearchEmbeddingFollower"/>) cancels the runs and waits for them. Thread-safe.
/// </summary>
internal sealed partial class ItemEmbeddings(EmbeddingService embeddings, ICatalogStore store, IModelRegistry registry, IOptions<SearchOptions> options, ILogger<ItemEmbeddings> logger)
    : IDisposable
{
    private readonly ConcurrentDictionary<string, TenantVectors> _tenants = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private long _embedded;

    public string Model => options.Value.EmbeddingModel;

    /// <summary>Texts embedded by this process since it started (a restart on durable vectors embeds none).</summary>
    public long Embedded => Interlocked.Read(ref _embedded);

    /// <summary>The served default version of the embedding model, or null when it is not served.</summary>
    public long? CurrentVersion => registry.GetModel(Model)?.DefaultVersion;

    /// <summary>The length of the current version's embeddings, or null while it is not loaded (or none is served).</summary>
    public int? Dimensions => embeddings.DimensionsOf(Model, CurrentVersion);

    /// <summary>Starts embedding what <paramref name="state"/>'s catalogue lacks, unless a run is going or nothing changed since the last.</summary>
    public void Kick(TenantState state)
    {
        if (!state.IsLoaded || CurrentVersion is not long version || _stopping.IsCancellationRequested)
        {
            return;
        }

        var tenant = _tenants.GetOrAdd(state.Tenant, static _ => new TenantVectors());
        var snapshot = state.Catalogue;
        lock (tenant)
        {
            if (!tenant.Running.IsCompleted || (tenant.DoneSequence == snapshot.Sequence && tenant.DoneVersion == version))
            {
                return;
            }

            var stopping = _stopping.Token;
            tenant.Running = Task.Run(() => RunAsync(state, tenant, snapshot, version, stopping), CancellationToken.None);
        }
    }

    /// <summary>
    /// Stops every run between two batches (the batch being embedded finishes: one model call) and waits for them, or
    /// until <paramref name="cancellationToken"/> gives up waiting; later kicks start nothing. What is embedded so far
    /// is stored; the rest is embedded after a restart.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        Task[] running = [.. _tenants.Values.Select(t => t.Running)];
        try
        {
            // The runs catch their own failures: this waits, it never throws for them.
            await Task.WhenAll(running).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host's shutdown timeout: it stops waiting, and so do we.
        }
    }

    // The source is cancelled, not disposed: it has no timer to free, and under WebApplicationFactory the host's
    // StopAsync (and so StopAsync above) can still run after the container has disposed this singleton.
    public void Dispose() => _stopping.Cancel();

    /// <summary>Whether <paramref name="index"/> is what <see cref="IndexFor"/> would build now for <paramref name="lexical"/> and <paramref name="version"/>.</summary>
    public bool IsCurrent(string tenant, VectorIndex index, LexicalIndex lexical, long version) =>
        ReferenceEquals(index.Lexical, lexical) && index.Version == version && index.Model == Model
        && _tenants.TryGetValue(tenant, out var vectors) && index.Changes == Volatile.Read(ref vectors.Changes);

    /// <summary>The vector store over <paramref name="lexical"/>'s items embedded by <paramref name="version"/>, reused while nothing changed.</summary>
    public VectorIndex IndexFor(string tenant, LexicalIndex lexical, long version)
    {
        var vectors = _tenants.GetOrAdd(tenant, static _ => new TenantVectors());
        int changes = Volatile.Read(ref vectors.Changes);
        if (vectors.Index is { } cached && ReferenceEquals(cached.Lexical, lexical) && cached.Version == version && cached.Changes == changes && cached.Model == Model)
        {
            return cached;
        }

        var rows = new List<Half[]>();
        var ordinals = new List<int>();
        for (int i = 0; i < lexical.Items.Length; i++)
        {
            var item = lexical.Items[i];
            if (vectors.Vectors.TryGetValue(item.ItemId, out var v) && v.IsCurrentFor(item, Model, version))
            {
                rows.Add(v.Vector);
                ordinals.Add(i);
            }
        }

        int dimensions = rows.Count > 0 ? rows[0].Length : 1;
        var flat = new float[rows.Count * dimensions];
        for (int r = 0; r < rows.Count; r++)
        {
            TensorPrimitives.ConvertToSingle(rows[r], flat.AsSpan(r * dimensions, dimensions));
        }

        // Two searches may build the same index at once; both are equal and the last one is kept.
        var index = new VectorIndex(lexical, Model, version, changes, Int8VectorStore.Build(flat, dimensions), [.. ordinals], lexical.Items.Length - rows.Count);
        vectors.Index = index;
        return index;
    }

    private async Task RunAsync(TenantState state, TenantVectors vectors, CatalogueSnapshot snapshot, long version, CancellationToken stopping)
    {
        string tenant = state.Tenant;
        try
        {
            if (!vectors.Restored)
            {
                var stored = await store.GetEmbeddingsAsync(tenant, Model, stopping).ConfigureAwait(false);
                if (!stored.TryGetValue(out var rows, out var readError))
                {
                    if (stopping.IsCancellationRequested)
                    {
                        return;
                    }

                    LogEmbeddingFailed(tenant, readError.Message);
                    return;
                }

                foreach (var row in rows)
                {
                    vectors.Vectors.TryAdd(row.ItemId, new ItemVector(null, row.TextHash, row.Model, row.Version, ItemVector.Fp16(row.Vector)));
                }

                vectors.Restored = true;
                Interlocked.Increment(ref vectors.Changes);
            }

            var todo = new List<(CatalogItem Item, string Text)>();
            foreach (var (id, item) in snapshot.Items)
            {
                if (!vectors.Vectors.TryGetValue(id, out var v) || !v.IsCurrentFor(item, Model, version))
                {
                    todo.Add((item, LexicalIndex.Document(item)));
                }
                else if (v.Item is null)
                {
                    // Checked by hash once: from now on the entry is recognised by reference.
                    vectors.Vectors[id] = v with { Item = item };
                }
            }

            foreach (string gone in vectors.Vectors.Keys.Where(id => !snapshot.Items.ContainsKey(id)))
            {
                vectors.Vectors.TryRemove(gone, out _);
            }

            int batch = Math.Max(1, options.Value.EmbeddingBatch);
            foreach (var chunk in todo.Chunk(batch))
            {
                stopping.ThrowIfCancellationRequested();
                var result = await embeddings.EmbedAsync(Model, version, [.. chunk.Select(c => c.Text)], null, stopping).ConfigureAwait(false);
                if (!result.TryGetValue(out var embedded, out var error))
                {
                    if (stopping.IsCancellationRequested)
                    {
                        return;
                    }

                    LogEmbeddingFailed(tenant, error.Message);
                    return;
                }

                // Counted before the vectors are published, so a search that finds none pending sees them counted.
                Interlocked.Add(ref _embedded, chunk.Length);
                var rows = new ItemEmbedding[chunk.Length];
                for (int i = 0; i < chunk.Length; i++)
                {
                    var vector = new ItemVector(chunk[i].Item, ItemVector.HashOf(chunk[i].Text), embedded.Model, embedded.Version, ItemVector.Fp16(embedded[i].Span));
                    vectors.Vectors[chunk[i].Item.ItemId] = vector;
                    // The store keeps the encoder's fp32, so a later change of what memory keeps loses nothing.
                    rows[i] = new ItemEmbedding(chunk[i].Item.ItemId, vector.Model, vector.Version, vector.TextHash, embedded[i].ToArray());
                }

                // Kept in memory even when the store refuses: search works now, and a restart computes them again. Not
                // cancelled: the vectors just computed are worth the one write, also at shutdown.
                if (await store.PutEmbeddingsAsync(tenant, rows, CancellationToken.None).ConfigureAwait(false) is { IsSuccess: false } put)
                {
                    LogEmbeddingFailed(tenant, put.Error.Message);
                }

                Interlocked.Increment(ref vectors.Changes);
            }

            if (todo.Count > 0)
            {
                LogEmbedded(tenant, todo.Count, Model, version);
            }

            // Once per run, restored vectors included: the content index then blends them with its TF-IDF rows.
            if (options.Value.ContentEmbeddings && state.Catalogue.Items.Count <= options.Value.ContentEmbeddingMaxItems)
            {
                state.ApplyEmbeddings(item => vectors.Vectors.TryGetValue(item.ItemId, out var v) && v.IsCurrentFor(item, Model, version) ? v.Vector : null);
            }

            lock (vectors)
            {
                vectors.DoneSequence = snapshot.Sequence;
                vectors.DoneVersion = version;
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutdown: what was embedded is stored; the rest waits for the next start.
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A background run has no caller to answer: log, and the next kick tries again.
            LogEmbeddingCrashed(e, tenant);
        }
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Embedded {Count} catalogue items of tenant {Tenant} with {Model} v{Version}")]
    private partial void LogEmbedded(string tenant, int count, string model, long version);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "Embedding catalogue items of tenant {Tenant} failed: {Reason}; the next change or poll retries")]
    private partial void LogEmbeddingFailed(string tenant, string reason);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Error, Message = "Embedding catalogue items of tenant {Tenant} crashed; the next change or poll retries")]
    private partial void LogEmbeddingCrashed(Exception exception, string tenant);

    private sealed class TenantVectors
    {
        public readonly ConcurrentDictionary<string, ItemVector> Vectors = new(StringComparer.Ordinal);
        public int Changes;
        public volatile Task Running = Task.CompletedTask;
        public long DoneSequence = -1;
        public long DoneVersion = -1;
        public bool Restored;
        public volatile VectorIndex? Index;
    }
}
