namespace MaaS.Storage.Import;

/// <summary>The MovieLens release layouts the reader understands.</summary>
public enum MovieLensFormat
{
    /// <summary>ml-100k: <c>u.data</c> (tab-separated) and <c>u.item</c> ('|'-separated, ISO-8859-1, 19 genre flags).</summary>
    Ml100k,

    /// <summary>ml-1m / ml-10m: <c>ratings.dat</c> and <c>movies.dat</c>, fields separated by <c>::</c>.</summary>
    Dat,

    /// <summary>ml-latest, ml-latest-small, ml-20m/25m/32m: <c>ratings.csv</c>, <c>movies.csv</c>, optional <c>tags.csv</c>.</summary>
    Csv,
}
