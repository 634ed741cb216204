namespace MaaS.Recommendations.Ranking;

/// <summary>Excludes seen items and applies kind / genre filters during selection.</summary>
internal readonly struct CandidateFilter : ICandidateFilter
{
    private readonly byte[]? _seen;
    private readonly byte[] _kinds;
    private readonly ulong[] _genres;
    private readonly byte _kind;
    private readonly ulong _mask;
    private readonly bool _byKind;
    private readonly bool _byGenre;

    public CandidateFilter(ItemCatalog catalog, ItemFilter? filter, byte[]? seen)
    {
        _seen = seen;
        _kinds = catalog.Kinds;
        _genres = catalog.GenreMasks;
        _byKind = filter?.Kind is not null;
        _kind = (byte)(filter?.Kind ?? ItemKind.Unknown);
        _byGenre = filter?.Genres is { Count: > 0 };
        _mask = _byGenre ? catalog.MaskOf(filter!.Genres!) : 0;
    }

    public bool Accept(int position) =>
        (_seen is null || _seen[position] == 0)
        && (!_byKind || _kinds[position] == _kind)
        && (!_byGenre || (_genres[position] & _mask) != 0);
}
