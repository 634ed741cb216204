namespace MaaS.Models.Text.Serving;

/// <summary>One text's result: probabilities per label (from the model's C# twin) and what the featurizer saw.</summary>
/// <param name="Probabilities">Per label, in the profile's label order.</param>
/// <param name="Features">The features sent to the model (with terms when explanations were asked for).</param>
public sealed record TextPrediction(float[] Probabilities, TextFeatures Features)
{
    /// <summary>Index of the most probable label.</summary>
    public int Best => TextScore.ArgMax(Probabilities);
}

/// <summary>Results of one call, in input order, with the profile of the version that answered.</summary>
/// <param name="Profile">Model version that answered.</param>
/// <param name="Items">One per input text.</param>
public sealed record TextPredictions(TextModelProfile Profile, IReadOnlyList<TextPrediction> Items);
