using System.Collections.Concurrent;
using Workspace = MaaS.Recommendations.Similarity.SimilarityBuilder.Workspace;

namespace MaaS.Recommendations.Content;

/// <summary>
/// Cosine rows over unit TF-IDF vectors through the inverted index: item i's features scatter their posting lists
/// (scaled by i's weight) into a dense accumulator, so the work is Σ over i's features of the posting length, never
/// items². The same kernels as the collaborative build: <see cref="ScatterAdd"/>, <see cref="CompactNonZero"/>,
/// <see cref="ThresholdSelector"/>.
/// </summary>
internal static class ContentSimilarity
{
    /// <summary>Every item's top-k row, items in parallel (each thread owns its accumulator).</summary>
    public static (int[][] Rows, float[][] Weights) AllRows(int[][] vectorIds, float[][] vectorWeights, int[][] postingItems, float[][] postingWeights, ContentOptions options)
    {
        int n = vectorIds.Length;
        if (n == 0)
        {
            return ([], []);
        }

        return SimilarityBuilder.ParallelRows(Partitioner.Create(0, n, Math.Max(1, n / 256)).GetDynamicPartitions(), n, options.MaxDegreeOfParallelism,
            (i, ws) => TopK(ws, Scatter(i, vectorIds[i], vectorWeights[i], postingItems, postingWeights, ws), options.TopK));
    }

    /// <summary>Scatters one vector against the postings and drains every positive similarity (self excluded) into
    /// the workspace's indices / values, ascending item; returns how many.</summary>
    public static int Scatter(int self, int[] ids, float[] vector, int[][] postingItems, float[][] postingWeights, Workspace ws)
    {
        for (int k = 0; k < ids.Length; k++)
        {
            ScatterAdd.RunUnchecked(ws.Accumulator, postingItems[ids[k]], postingWeights[ids[k]], vector[k]);
        }

        if (self >= 0)
        {
            ws.Accumulator[self] = 0f;
        }

        return CompactNonZero.Drain(ws.Accumulator, ws.Indices, ws.Values);
    }

    /// <summary>The k best of the drained similarities, ascending item.</summary>
    public static (int[] Items, float[] Weights) TopK(Workspace ws, int count, int k) => SimilarityBuilder.SelectTopK(ws, count, k);
}
