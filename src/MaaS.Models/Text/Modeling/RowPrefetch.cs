using System.Runtime.Intrinsics.X86;

namespace MaaS.Models.Text.Modeling;

/// <summary>
/// Asks the CPU to fetch each probed id's row of a pinned float table (<paramref name="table"/>: the address of its
/// first element) while the featurizer goes on hashing, so the sum over the ids afterwards finds them in cache. A hint
/// only: it changes no value.
/// </summary>
internal readonly unsafe struct RowPrefetch(nint table) : IFeatureSink
{
    private readonly float* _table = (float*)table;

    public void Add(int id, int isNew)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(_table + id);
        }
    }
}
