namespace MaaS.Models.Tests.Text.Modeling;

/// <summary>Runs a padded feature batch through a real ORT session; returns row-major probabilities.</summary>
internal static class OrtRunner
{
    public static float[] Run(InferenceSession session, FeatureBatch batch)
    {
        using var ids = OrtValue.CreateTensorValueFromMemory(batch.Ids, [batch.BatchSize, batch.Length]);
        using var weights = OrtValue.CreateTensorValueFromMemory(batch.Weights, [batch.BatchSize, batch.Length]);
        using var options = new RunOptions();
        using var results = session.Run(options, [LinearTextModel.IdsInput, LinearTextModel.WeightsInput], [ids, weights], [LinearTextModel.ProbabilitiesOutput]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <summary>Largest |ORT − C#| over the texts, run in batches of <paramref name="batchSize"/>.</summary>
    public static (double MaxDiff, string Worst) MaxDifference(InferenceSession session, LinearTextModel model, TextFeaturizer featurizer, IReadOnlyList<string> texts, int batchSize = 256)
    {
        double max = 0;
        string worst = "";
        int k = model.Labels.Count;
        for (int start = 0; start < texts.Count; start += batchSize)
        {
            var rows = texts.Skip(start).Take(batchSize).Select(t => featurizer.Featurize(t)).ToArray();
            float[] ort = Run(session, featurizer.Pad(rows));
            for (int r = 0; r < rows.Length; r++)
            {
                float[] expected = model.Predict(rows[r]);
                for (int j = 0; j < k; j++)
                {
                    double diff = Math.Abs(expected[j] - ort[r * k + j]);
                    if (diff > max)
                    {
                        (max, worst) = (diff, $"text '{texts[start + r]}' label {j}: C# {expected[j]} vs ORT {ort[r * k + j]}");
                    }
                }
            }
        }

        return (max, worst);
    }
}
