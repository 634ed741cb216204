namespace MaaS.Services.Recommendations;

/// <summary>Turns an event's type and value into a history weight (one rule for scoring users and building the index).</summary>
internal sealed class EventWeights(IReadOnlyDictionary<string, float> byType)
{
    /// <summary>A rating of 5 weighs 2, like a like.</summary>
    private const float RatingScale = 2.5f;

    public float Of(string type, float value) =>
        type.Equals("rate", StringComparison.OrdinalIgnoreCase) ? Math.Max(0f, value) / RatingScale
        : byType.TryGetValue(type, out float w) ? w
        : 1f;
}
