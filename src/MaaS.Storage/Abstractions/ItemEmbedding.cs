namespace MaaS.Storage.Abstractions;

/// <summary>
/// A catalogue item's sentence embedding, kept with the item so a restarted replica need not compute it again.
/// </summary>
/// <param name="ItemId">The item.</param>
/// <param name="Model">The embedding model's name.</param>
/// <param name="Version">The model version that computed it: another version means recompute.</param>
/// <param name="TextHash">A hash of the text it was computed from: another text means recompute.</param>
/// <param name="Vector">The embedding (not copied: callers do not change it afterwards).</param>
public sealed record ItemEmbedding(string ItemId, string Model, long Version, string TextHash, float[] Vector);
