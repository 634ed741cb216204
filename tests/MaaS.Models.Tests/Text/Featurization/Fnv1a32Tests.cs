namespace MaaS.Models.Tests.Text.Featurization;

public sealed class Fnv1a32Tests
{
    // Expected values: the FNV reference test vectors, and for feature keys an independent Python implementation
    // (h = 0x811c9dc5; for b in key.encode(): h = ((h ^ b) * 0x01000193) & 0xffffffff).
    [Theory]
    [InlineData("", 0x811c9dc5u)]
    [InlineData("a", 0xe40c292cu)]
    [InlineData("foobar", 0xbf9cf968u)]
    [InlineData("w:good", 0xea2f81e9u)]
    [InlineData("w:not NEG_good", 0xc6871ee5u)]
    public void Hash_KnownStrings_MatchReferenceImplementation(string text, uint expected)
    {
        Assert.Equal(expected, Fnv1a32.Hash(Encoding.UTF8.GetBytes(text)));
    }

    [Theory]
    [InlineData("w:good", 492009)]
    [InlineData("w:not NEG_good", 466661)]
    public void IdOf_FeatureKey_IsReferenceHashModuloBuckets(string key, int expected)
    {
        var featurizer = new TextFeaturizer(new TextFeaturizerSettings { Buckets = 1 << 19 });

        Assert.Equal(expected, featurizer.IdOf(key));
    }

    [Fact]
    public void Featurize_NegatedBigram_ProducesTheIdsOfItsFeatureKeys()
    {
        var featurizer = new TextFeaturizer(new TextFeaturizerSettings { Buckets = 1 << 19, WordNgrams = 2 });

        var features = featurizer.Featurize("Not good");

        // "not" opens a negation scope, so "good" is hashed as NEG_good: ids fixed by the reference hash above.
        Assert.Equal([featurizer.IdOf("w:not"), featurizer.IdOf("w:NEG_good"), 466661], features.Ids);
    }
}
