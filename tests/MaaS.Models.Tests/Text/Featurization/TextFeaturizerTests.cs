namespace MaaS.Models.Tests.Text.Featurization;

public sealed class TextFeaturizerTests
{
    private static readonly TextFeaturizerSettings Settings = new()
    {
        Buckets = 1 << 12,
        WordNgrams = 2,
        CharNgramMin = 2,
        CharNgramMax = 4,
        CharNgramsSpanWords = true,
        MaxTokens = 64,
        BucketLengths = [16, 64, 256],
    };

    [Theory]
    [InlineData("GOOD movie", "good movie")]
    [InlineData("ＧＯＯＤ ｍｏｖｉｅ", "good movie")]
    [InlineData("don\u2019t   go", "don't go")]
    [InlineData("caf\u0065\u0301 au lait", "caf\u00e9 au lait")]
    [InlineData("zero\u200Bwidth\u0007bell", "zerowidth bell")]
    public void Featurize_EquivalentUnicodeForms_SameFeatures(string variant, string canonical)
    {
        var featurizer = new TextFeaturizer(Settings);

        Assert.Equal(featurizer.Featurize(canonical).Ids, featurizer.Featurize(variant).Ids);
    }

    [Fact]
    public void Featurize_RandomGarbage_IdsInRangeAndDistinct()
    {
        var featurizer = new TextFeaturizer(Settings);
        var rng = new Random(17);
        for (int i = 0; i < 300; i++)
        {
            var bytes = new byte[rng.Next(0, 600)];
            rng.NextBytes(bytes);
            string text = i % 2 == 0 ? Encoding.UTF8.GetString(bytes) : new string(bytes.Select(b => (char)(b * 251 + rng.Next(65536))).ToArray());

            var features = featurizer.Featurize(text);

            Assert.All(features.Ids, id => Assert.InRange(id, 0, Settings.Buckets - 1));
            Assert.Equal(features.Count, features.Ids.Distinct().Count());
            Assert.True(features.Count <= Settings.MaxFeatures, $"input {i}: {features.Count} features");
            Assert.Equal(features.Count, features.Weights.Length);
        }
    }

    [Fact]
    public void Featurize_EmptyOrWhitespace_NoFeatures()
    {
        var featurizer = new TextFeaturizer(Settings);

        Assert.Empty(featurizer.Featurize("").Ids);
        Assert.Empty(featurizer.Featurize(" \t\n ").Ids);
    }

    [Fact]
    public void Featurize_LongText_TruncatedAtLimits()
    {
        var featurizer = new TextFeaturizer(Settings);

        var features = featurizer.Featurize(string.Join(' ', Enumerable.Range(0, 5000).Select(i => $"w{i}")));

        Assert.True(features.Truncated);
        Assert.Equal(Settings.MaxTokens, features.TokenCount);
        Assert.True(features.Count <= Settings.MaxFeatures);
    }

    [Fact]
    public void Featurize_WithTerms_TermsHashToTheirIds()
    {
        var featurizer = new TextFeaturizer(Settings);

        var features = featurizer.Featurize("Not a great film.", withTerms: true);

        Assert.NotNull(features.Terms);
        Assert.Contains("NEG_great", features.Terms);
        Assert.Contains("NEG_great NEG_film", features.Terms);
        for (int i = 0; i < features.Count; i++)
        {
            string key = features.Terms[i].StartsWith("c:", StringComparison.Ordinal) ? features.Terms[i] : "w:" + features.Terms[i];
            Assert.Equal(featurizer.IdOf(key), features.Ids[i]);
        }
    }

    [Fact]
    public void Featurize_L2Weighting_UnitNorm()
    {
        var featurizer = new TextFeaturizer(Settings with { Weighting = FeatureWeighting.L2Normalized });

        var features = featurizer.Featurize("a perfectly fine film");

        Assert.Equal(1.0, features.Weights.Sum(w => (double)w * w), 5);
    }

    [Fact]
    public void Pad_MixedLengths_SmallestBucketAndZeroPadding()
    {
        var featurizer = new TextFeaturizer(Settings);
        var rows = new[] { featurizer.Featurize("ok"), featurizer.Featurize("a somewhat longer review of the film") };

        var batch = featurizer.Pad(rows);

        int longest = rows.Max(r => r.Count);
        Assert.Equal(Settings.BucketLengths.First(b => b >= longest), batch.Length);
        Assert.Equal(2, batch.BatchSize);
        for (int r = 0; r < 2; r++)
        {
            Assert.Equal(rows[r].Ids.Select(i => (long)i), batch.Ids.Skip(r * batch.Length).Take(rows[r].Count));
            Assert.All(batch.Weights.Skip(r * batch.Length + rows[r].Count).Take(batch.Length - rows[r].Count), w => Assert.Equal(0f, w));
        }
    }
}
