namespace MaaS.Models.Text.Serving;

/// <summary>
/// The probabilities of one text and what its features kept, without the features themselves: what
/// <c>/v1/sentiment</c> and <c>/v1/classify</c> answer.
/// </summary>
/// <param name="Probabilities">One per label, in label order.</param>
/// <param name="TokenCount">Tokens kept after the token limit.</param>
/// <param name="Truncated">True when tokens or features past the limits were dropped.</param>
public sealed record TextScore(float[] Probabilities, int TokenCount, bool Truncated)
{
    /// <summary>Index of the most probable label.</summary>
    public int Best => ArgMax(Probabilities);

    /// <summary>The score part of a full prediction.</summary>
    public static TextScore Of(TextPrediction prediction)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        return new TextScore(prediction.Probabilities, prediction.Features.TokenCount, prediction.Features.Truncated);
    }

    /// <summary>Index of the largest value; the first one on ties.</summary>
    public static int ArgMax(float[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        int best = 0;
        for (int j = 1; j < values.Length; j++)
        {
            if (values[j] > values[best])
            {
                best = j;
            }
        }

        return best;
    }
}

/// <summary>Scores of one call, in input order, with the profile of the version that answered.</summary>
/// <param name="Profile">Model version that answered.</param>
/// <param name="Items">One per input text.</param>
public sealed record TextScores(TextModelProfile Profile, IReadOnlyList<TextScore> Items);
