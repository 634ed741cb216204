namespace MaaS.Models.Text.Featurization;

/// <summary>The sink of plain featurization: ignores the ids (they are written to the caller's span anyway).</summary>
internal struct NoFeatureSink : IFeatureSink
{
    public readonly void Add(int id, int isNew)
    {
    }
}
