namespace MaaS.Models.Text.Featurization;

/// <summary>
/// Sees every id the span featurizer probes, in order, as it probes it: lets a caller fold the distinct ids into a
/// score in the same pass (the table rows are fetched while the hashing goes on) instead of a second pass over them.
/// A struct, so the featurizer is specialised per sink and <see cref="NoFeatureSink"/> costs nothing.
/// </summary>
internal interface IFeatureSink
{
    /// <summary>Called for each probed id in output order; <paramref name="isNew"/> is 1 when the id was written
    /// (first seen), 0 for a repeat, which must not count.</summary>
    void Add(int id, int isNew);
}
