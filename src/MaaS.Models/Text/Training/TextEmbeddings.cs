namespace MaaS.Models.Text.Training;

/// <summary>
/// Sentence embeddings of every training row, from one version of one encoder (its vectors differ between versions, so
/// the trained model records the version). Vectors are in row order; the caller does not mutate them afterwards.
/// </summary>
/// <param name="Model">The encoder's registry name.</param>
/// <param name="Version">The encoder's version that made the vectors.</param>
/// <param name="Vectors">One vector per row, all of one length.</param>
public sealed record TextEmbeddings(string Model, long Version, IReadOnlyList<float[]> Vectors)
{
    /// <summary>Components per vector (0 without rows).</summary>
    public int Dimensions => Vectors.Count == 0 ? 0 : Vectors[0].Length;
}
