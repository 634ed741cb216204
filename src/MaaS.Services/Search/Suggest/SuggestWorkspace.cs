namespace MaaS.Services.Search.Suggest;

/// <summary>
/// One thread's scratch for <see cref="TitleIndex.Suggest"/>: per-item marks sized to the largest index the thread has
/// searched (allocated once, then reused by every query of every tenant), the edit-distance rows, and the lists of
/// one query. A query never awaits, so a thread's workspace serves one query at a time.
/// </summary>
internal sealed class SuggestWorkspace
{
    [ThreadStatic]
    private static SuggestWorkspace? t_current;

    private int _generation;

    public int[] Stamps { get; private set; } = [];

    public int[] Edits { get; private set; } = [];

    public int[] Round { get; private set; } = [];

    public bool[] Start { get; private set; } = [];

    public int[] Rows { get; private set; } = new int[WordMatcher.RowsLength(16)];

    public List<WordRange> Ranges { get; } = [];

    public List<int> Candidates { get; } = [];

    /// <summary>The calling thread's workspace, grown to <paramref name="items"/> items and the query's longest word.</summary>
    public static SuggestWorkspace For(int items, IReadOnlyList<string> query)
    {
        var work = t_current ??= new SuggestWorkspace();
        if (work.Stamps.Length < items)
        {
            int size = Math.Max(items, work.Stamps.Length * 2);
            work.Stamps = new int[size];
            work.Edits = new int[size];
            work.Round = new int[size];
            work.Start = new bool[size];
            work._generation = 0;
        }

        int longest = 0;
        foreach (string word in query)
        {
            longest = Math.Max(longest, word.Length);
        }

        if (work.Rows.Length < WordMatcher.RowsLength(longest))
        {
            work.Rows = new int[WordMatcher.RowsLength(longest)];
        }

        return work;
    }

    /// <summary>The first of <paramref name="rounds"/> fresh marks (none is in <see cref="Stamps"/>, nor the one before it).</summary>
    public int Reserve(int rounds)
    {
        if (_generation > int.MaxValue - rounds - 2)
        {
            Array.Clear(Stamps);
            _generation = 0;
        }

        int first = _generation + 2;
        _generation = first + rounds - 1;
        return first;
    }
}
