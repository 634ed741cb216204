using System.Security.Cryptography;

namespace MaaS.Models.Tests.Embeddings;

public sealed class SentenceEmbeddingLoaderTests
{
    [Fact]
    public void ExtractedWeights_MatchTheSizesAndHashesOfTheCard()
    {
        string version = Path.Combine(SharedData.RepositoryRoot, "models", MiniLmFixture.Name, "1");
        using var card = JsonDocument.Parse(File.ReadAllText(Path.Combine(version, "card.json")));

        foreach (var file in card.RootElement.GetProperty("source").GetProperty("files").EnumerateObject())
        {
            string path = Path.Combine(version, file.Name);
            using var stream = File.OpenRead(path);
            Assert.Equal(file.Value.GetProperty("bytes").GetInt64(), stream.Length);
            Assert.Equal(file.Value.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(stream)));
        }
    }

    [Fact]
    public void ShippedCard_ReadsAsMeanPooledL2Normalised384Dimensions()
    {
        string version = Path.Combine(SharedData.RepositoryRoot, "models", MiniLmFixture.Name, "1");
        using var card = JsonDocument.Parse(File.ReadAllText(Path.Combine(version, "card.json")));

        var settings = EmbeddingSettings.FromCard(card.RootElement);

        Assert.Equal(new EmbeddingSettings(384, 256, EmbeddingPooling.Mean, true, "last_hidden_state", "vocab.txt", true), settings);
    }

    [Fact]
    public void FromCard_BadValues_EveryProblemListed()
    {
        using var card = JsonDocument.Parse("""{ "embedding": { "dimensions": 0, "maxTokens": 1, "pooling": "max", "normalization": "l1", "tokenizer": { "kind": "bpe", "vocabulary": "../vocab.txt" } } }""");

        var error = Assert.Throws<InvalidDataException>(() => EmbeddingSettings.FromCard(card.RootElement));

        foreach (string part in new[] { "dimensions", "maxTokens", "pooling", "normalization", "tokenizer.kind", "tokenizer.vocabulary" })
        {
            Assert.Contains(part, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Load_WeightsNotExtracted_VersionNotReadyAndSaysHowToGetThem()
    {
        using var repository = new TestRepository();
        string version = Path.Combine(repository.Root, "mini", "1");
        Directory.CreateDirectory(version);
        File.WriteAllText(Path.Combine(repository.Root, "mini", "model.json"), """{ "format": "sentence-embedding", "maxBatchSize": 8 }""");
        File.WriteAllText(Path.Combine(version, "card.json"), """{ "embedding": { "dimensions": 384, "maxTokens": 256 } }""");

        await using var registry = await Registries.LoadWithEncodersAsync(repository.Root);

        var info = registry.GetModel("mini")!.FindVersion(1)!;
        Assert.False(info.IsReady);
        Assert.Contains("build MaaS.Models", info.Reason, StringComparison.Ordinal);
    }
}
