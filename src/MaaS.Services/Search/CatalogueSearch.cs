namespace MaaS.Services.Search;

/// <summary>
/// <c>POST /v1/search</c>: validates once, reads the tenant's current catalogue snapshot (the one the change feed keeps
/// current on every replica) through its <see cref="SearchIndexes"/> (built in the background, never inside a request
/// unless there is none yet), ranks lexically (BM25), semantically (int8 exact search over item embeddings) or both
/// fused by reciprocal rank, with recommend's filters, and explains each hit when asked. Thread-safe.
/// </summary>
internal sealed class CatalogueSearch(TenantStates tenants, ItemEmbeddings embeddings, SearchIndexes indexes, QueryEmbeddings encoder, TimeProvider time)
{
    public async ValueTask<Result<SearchResponse>> SearchAsync(string tenant, SearchRequest? request, CancellationToken cancellationToken)
    {
        if (!SearchValidation.Validate(request, embeddings.Model, embeddings.Dimensions).TryGetValue(out var query, out var invalid))
        {
            return invalid;
        }

        var state = await tenants.GetAsync(tenant, cancellationToken).ConfigureAwait(false);
        embeddings.Kick(state);
        long? version = embeddings.CurrentVersion;
        var index = await indexes.GetAsync(state, version).ConfigureAwait(false);
        var lexical = index.Lexical;
        var accept = Filter(lexical, query);
        var mode = query.Mode;
        if (mode == SearchMode.Hybrid && version is null)
        {
            // No embedding model served: words still find things, and the response says which mode ranked them.
            mode = SearchMode.Lexical;
        }

        int depth = mode == SearchMode.Hybrid ? Math.Max(SearchLimits.FusionDepth, query.Count) : query.Count;
        var words = mode == SearchMode.Semantic ? [] : lexical.Bm25.Search(query.Query!, depth, accept);
        List<VectorHit> meanings = [];
        VectorIndex? vectors = null;
        if (mode != SearchMode.Lexical)
        {
            var embedded = await EmbedAsync(query, version, cancellationToken).ConfigureAwait(false);
            if (!embedded.TryGetValue(out var vector, out var error))
            {
                return error;
            }

            vectors = index.Vectors;
            if (vectors is not null && vectors.Store.Count > 0 && vectors.Store.Dimensions == vector.Length)
            {
                var rows = vectors.Ordinals;
                // The fusion reads 200 ranks to answer a page: only the page's candidates are worth the fp16 re-scoring.
                meanings = vectors.Store.Search(vector.Span, depth, accept is null ? null : row => accept(rows[row]), vectors.Store.Probes, query.Count);
            }
        }

        var hits = Rank(mode, words, meanings, vectors, query.Count);
        var items = hits.Select(h => Respond(h, lexical, query)).ToList();
        string? model = vectors is null ? null : $"{vectors.Model}/{vectors.Version}";
        return new SearchResponse(items, mode.ToString().ToLowerInvariant(), model, vectors?.Pending ?? 0);
    }

    // The caller's own vector (validated, at unit length) costs no encoder call; a text is embedded (or read from the
    // query cache). Without the search's embedding model nothing can be ranked by meaning: that is the server's state,
    // not a resource the client named (the model is configuration, Search:EmbeddingModel), so a 503 as for a model not
    // loaded, never the 404 of an unknown model a /v1/embeddings caller asked for. A vector is only comparable once
    // the model is loaded: its dimensions were unknown to validation otherwise.
    private async ValueTask<Result<ReadOnlyMemory<float>>> EmbedAsync(ValidSearch query, long? version, CancellationToken cancellationToken)
    {
        if (version is null)
        {
            return new Error(
                ErrorCode.ModelNotReady,
                $"semantic search needs the embedding model '{embeddings.Model}', which this gateway does not serve; search in lexical mode (hybrid, the default, falls back to it)");
        }

        if (query.Vector is null)
        {
            return await encoder.EmbedAsync(embeddings.Model, version, query.Query!, cancellationToken).ConfigureAwait(false);
        }

        if (embeddings.Dimensions is null)
        {
            return new Error(ErrorCode.ModelNotReady, $"the embedding model '{embeddings.Model}' is not loaded yet, so its dimensions are unknown; retry shortly");
        }

        return (ReadOnlyMemory<float>)query.Vector;
    }

    private static List<Hit> Rank(SearchMode mode, List<LexicalHit> words, List<VectorHit> meanings, VectorIndex? vectors, int count)
    {
        var byOrdinal = words.Select((w, i) => (w, i)).ToDictionary(x => x.w.Document, x => (Hit: x.w, Rank: x.i + 1));
        var semantic = meanings.Select((m, i) => (Ordinal: vectors!.Ordinals[m.Row], m.Similarity, Rank: i + 1)).ToList();
        var similarity = semantic.ToDictionary(s => s.Ordinal, s => (s.Similarity, s.Rank));
        Hit Make(int ordinal, float score)
        {
            bool lexical = byOrdinal.TryGetValue(ordinal, out var w);
            bool meant = similarity.TryGetValue(ordinal, out var s);
            return new Hit(ordinal, score, lexical ? w.Hit.Terms : [], lexical ? w.Hit.Score : null, meant ? s.Similarity : null, lexical ? w.Rank : null, meant ? s.Rank : null);
        }

        return mode switch
        {
            SearchMode.Lexical => [.. words.Take(count).Select(w => Make(w.Document, w.Score))],
            SearchMode.Semantic => [.. semantic.Take(count).Select(s => Make(s.Ordinal, s.Similarity))],
            _ => [.. RankFusion.Reciprocal([.. words.Select(w => w.Document)], [.. semantic.Select(s => s.Ordinal)], count).Select(f => Make(f.Key, f.Score))],
        };
    }

    private static SearchHitResponse Respond(Hit hit, LexicalIndex lexical, ValidSearch query)
    {
        var item = lexical.Items[hit.Ordinal];
        var why = query.Explain ? new SearchExplanation(hit.Terms, hit.Bm25, hit.Similarity, hit.LexicalRank, hit.SemanticRank) : null;
        return new SearchHitResponse(item.ItemId, hit.Score, why, query.Metadata ? CatalogueMapping.ToResponse(item) : null);
    }

    /// <summary>The filter of <paramref name="query"/> by ordinal, or null when it filters nothing: the vector store
    /// then scans its rows without a call per row, and BM25 without one per candidate.</summary>
    private Func<int, bool>? Filter(LexicalIndex lexical, ValidSearch query)
    {
        if (query.Exclude.Count == 0 && query.Kind is null && query.Genres is not { Count: > 0 } && !query.AvailableNow)
        {
            return null;
        }

        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        CatalogItem[] items = lexical.Items;
        return ordinal =>
        {
            var item = items[ordinal];
            return !query.Exclude.Contains(item.ItemId)
                && CatalogueMapping.Passes(item, query.Kind, query.Genres)
                && (!query.AvailableNow || item.IsAvailableOn(today));
        };
    }

    private readonly record struct Hit(int Ordinal, float Score, IReadOnlyList<string> Terms, float? Bm25, float? Similarity, int? LexicalRank, int? SemanticRank);
}
