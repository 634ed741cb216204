namespace MaaS.Models.Tests.Text.Featurization;

/// <summary>
/// The span path (serving, training) against the string-per-token reference path (explanations): the same ids in
/// the same order, weights and flags, on every MR sentence and Netflix title with the shipped settings, and on
/// garbage and over-long texts with small limits.
/// </summary>
public sealed class SpanFeaturizerTests
{
    private static readonly TextFeaturizerSettings SmallLimits = new()
    {
        Buckets = 1000,
        WordNgrams = 3,
        CharNgramMin = 1,
        CharNgramMax = 5,
        CharNgramsSpanWords = true,
        MaxTokens = 24,
        BucketLengths = [8, 96],
        Weighting = FeatureWeighting.L2Normalized,
    };

    [Theory]
    [InlineData("sentiment")]
    [InlineData("content-tags")]
    public void Featurize_EveryCorpusText_EqualsReference(string model)
    {
        var featurizer = new TextFeaturizer(ShippedSettings(model));
        var texts = model == "sentiment"
            ? MovieReviewCorpus.Load(TextTestData.MovieReviewsOrSkip()).Examples.Select(e => e.Text)
            : ContentCorpus.Load(TextTestData.ContentOrSkip()).Examples.Select(e => e.Text);

        int checkedTexts = 0;
        foreach (string text in texts)
        {
            AssertEqualsReference(featurizer, text);
            checkedTexts++;
        }

        Assert.True(checkedTexts > 8000, $"{checkedTexts} texts");
    }

    // Buckets: not a power of two (ids by modulo), and past the bitmap's limit (the probing set tracks seen ids).
    [Theory]
    [InlineData(false, 1000)]
    [InlineData(true, 1000)]
    [InlineData(true, (1 << 24) + 3)]
    public void Featurize_GarbageUnicodeAndOverLongTexts_EqualsReference(bool spanWords, int buckets)
    {
        var featurizer = new TextFeaturizer(SmallLimits with { CharNgramsSpanWords = spanWords, Buckets = buckets });
        var rng = new Random(23);
        List<string> texts =
        [
            "", " ", "Don't STOP, it isn't bad!", "ＧＯＯＤ ｍｏｖｉｅ", "caf\u0065\u0301 \u4e2d\u6587\u5b57 \ud83d\ude00 ok",
            "lone \ud800 surrogate", "tab\there\u0007bell `quoted´", string.Join(' ', Enumerable.Range(0, 300).Select(i => $"w{i}")),
            "can't won't shan't they're we've i'd i'm it's", "no good, never bad . not one", new string('x', 500),
        ];
        for (int i = 0; i < 300; i++)
        {
            var bytes = new byte[rng.Next(0, 400)];
            rng.NextBytes(bytes);
            texts.Add(i % 3 == 0 ? Encoding.UTF8.GetString(bytes) : i % 3 == 1
                ? new string([.. bytes.Select(b => (char)(b * 251 + rng.Next(65536)))])
                : new string([.. bytes.Select(b => (char)(32 + b % 95))]));
        }

        foreach (string text in texts)
        {
            AssertEqualsReference(featurizer, text);
        }
    }

    [Fact]
    public void Featurize_AsciiSpan_AllocatesNothing()
    {
        var featurizer = new TextFeaturizer(ShippedSettings("sentiment"));
        var sentences = MovieReviewCorpus.Load(TextTestData.MovieReviewsOrSkip()).Examples.Select(e => e.Text).Where(t => Ascii.IsValid(t)).Take(500).ToArray();
        var ids = new int[featurizer.Settings.MaxFeatures];
        int total = 0;
        foreach (string text in sentences)
        {
            total += featurizer.Featurize(text, ids).Count; // warms the per-thread buffers
        }

        // The fewest bytes over three passes: a pass can catch the runtime's own one-off allocations (a CI run saw 3,080
        // bytes once, tiered re-compilation), while an allocation of the featurizer's would show in every pass.
        long allocated = long.MaxValue;
        for (int pass = 0; pass < 3; pass++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            foreach (string text in sentences)
            {
                total += featurizer.Featurize(text, ids).Count;
            }

            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.True(allocated == 0, $"{allocated} bytes allocated in each of three passes over {sentences.Length} sentences ({total} features)");
    }

    [Fact]
    public void Featurize_IdsShorterThanTheLimit_Refused()
    {
        var featurizer = new TextFeaturizer(SmallLimits);

        Assert.Throws<ArgumentException>(() => featurizer.Featurize("ok", new int[SmallLimits.MaxFeatures - 1]));
    }

    [Fact]
    public void AppendEach_EveryLength_EqualsScalarAndLeavesTheRestAlone()
    {
        var rng = new Random(5);
        for (int length = 0; length <= 70; length++)
        {
            uint[] states = [.. Enumerable.Range(0, length + 1).Select(_ => (uint)rng.Next())];
            uint[] bytes = [.. Enumerable.Range(0, length).Select(_ => (uint)rng.Next(256))];
            uint[] expected = [.. states.Take(length).Select((s, i) => Fnv1a32.Append(s, [(byte)bytes[i]])), states[length]];

            Fnv1a32.AppendEach(states.AsSpan(0, length), bytes);

            Assert.True(expected.AsSpan().SequenceEqual(states), $"length {length}");
        }
    }

    internal static TextFeaturizerSettings ShippedSettings(string model)
    {
        string path = Path.Combine(SharedData.RepositoryRoot, "models", model, "1", RepositoryFiles.Onnx);
        return LinearTextModelReader.Read(path, out _, out string? error)?.Settings ?? throw new InvalidOperationException(error);
    }

    private static void AssertEqualsReference(TextFeaturizer featurizer, string text)
    {
        var expected = featurizer.FeaturizeReference(text, withTerms: false);
        var actual = featurizer.Featurize(text);
        var ids = new int[featurizer.Settings.MaxFeatures];
        var summary = featurizer.Featurize(text.AsSpan(), ids);

        string input = $"'{text}'";
        Assert.True(expected.Ids.AsSpan().SequenceEqual(actual.Ids), $"ids differ for {input}: [{string.Join(',', expected.Ids)}] vs [{string.Join(',', actual.Ids)}]");
        Assert.True(expected.Weights.AsSpan().SequenceEqual(actual.Weights), $"weights differ for {input}");
        Assert.True(expected.Ids.AsSpan().SequenceEqual(ids.AsSpan(0, summary.Count)), $"span ids differ for {input}");
        Assert.Equal((expected.TokenCount, expected.Truncated, expected.WordFeatureCount), (actual.TokenCount, actual.Truncated, actual.WordFeatureCount));
        Assert.Equal((expected.TokenCount, expected.Truncated, expected.WordFeatureCount), (summary.TokenCount, summary.Truncated, summary.WordFeatureCount));
        Assert.Equal(expected.Weights.FirstOrDefault(1f), summary.Weight);
    }
}
