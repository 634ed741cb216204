namespace MaaS.Models.Embeddings;

/// <summary>How a sentence-embedding model turns token states into one vector.</summary>
public enum EmbeddingPooling
{
    /// <summary>Mean of the token states over the attention mask (sentence-transformers' default).</summary>
    Mean,
    /// <summary>The state of the first token, <c>[CLS]</c>.</summary>
    Cls,
}

/// <summary>
/// What serving needs to know about a sentence-embedding model, read from the <c>embedding</c> block of its
/// <c>card.json</c>: the card is the model's one description, for people and for the loader. Immutable.
/// </summary>
/// <param name="Dimensions">Length of each embedding (the last axis of the encoder's output).</param>
/// <param name="MaxTokens">Most word pieces per text, special tokens included; longer texts are cut.</param>
/// <param name="Pooling">Token states to one vector.</param>
/// <param name="Normalize">Scale each embedding to unit L2 norm (cosine similarity is then a dot product).</param>
/// <param name="Output">The encoder output holding token states, [batch, tokens, dimensions].</param>
/// <param name="Vocabulary">The WordPiece vocabulary file in the version folder.</param>
/// <param name="Lowercase">Uncased vocabulary: lower-case and strip accents before word pieces.</param>
public sealed record EmbeddingSettings(
    int Dimensions, int MaxTokens, EmbeddingPooling Pooling, bool Normalize, string Output, string Vocabulary, bool Lowercase)
{
    /// <summary>The card member holding these settings.</summary>
    public const string CardMember = "embedding";

    /// <summary>Reads the settings from a card, listing every problem in the exception.</summary>
    /// <exception cref="InvalidDataException">The card lacks the block or a value is invalid.</exception>
    public static EmbeddingSettings FromCard(JsonElement? card)
    {
        if (card is not { ValueKind: JsonValueKind.Object } root || !root.TryGetProperty(CardMember, out var block) || block.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"card.json needs an '{CardMember}' object (dimensions, maxTokens, pooling, normalization, tokenizer).");
        }

        var errors = new List<string>();
        int dimensions = Int(block, "dimensions", 1, 65_536, errors);
        int maxTokens = Int(block, "maxTokens", 2, 8_192, errors);
        string pooling = Text(block, "pooling", "mean");
        string normalization = Text(block, "normalization", "l2");
        string output = Text(block, "output", "last_hidden_state");
        var tokenizer = block.TryGetProperty("tokenizer", out var t) && t.ValueKind == JsonValueKind.Object ? t : default;
        string kind = tokenizer.ValueKind == JsonValueKind.Object ? Text(tokenizer, "kind", "bert-wordpiece") : "bert-wordpiece";
        string vocabulary = tokenizer.ValueKind == JsonValueKind.Object ? Text(tokenizer, "vocabulary", "vocab.txt") : "vocab.txt";
        bool lowercase = tokenizer.ValueKind != JsonValueKind.Object || !tokenizer.TryGetProperty("lowercase", out var lc) || lc.ValueKind != JsonValueKind.False;
        if (pooling is not ("mean" or "cls"))
        {
            errors.Add($"pooling must be 'mean' or 'cls', not '{pooling}'");
        }

        if (normalization is not ("l2" or "none"))
        {
            errors.Add($"normalization must be 'l2' or 'none', not '{normalization}'");
        }

        if (kind != "bert-wordpiece")
        {
            errors.Add($"tokenizer.kind must be 'bert-wordpiece', not '{kind}'");
        }

        if (vocabulary.Length == 0 || Path.GetFileName(vocabulary) != vocabulary)
        {
            errors.Add("tokenizer.vocabulary must be a file name inside the version folder");
        }

        if (errors.Count > 0)
        {
            throw new InvalidDataException($"card.json '{CardMember}' is not valid: {string.Join("; ", errors)}.");
        }

        return new EmbeddingSettings(dimensions, maxTokens, pooling == "cls" ? EmbeddingPooling.Cls : EmbeddingPooling.Mean, normalization == "l2", output, vocabulary, lowercase);
    }

    private static int Int(JsonElement block, string name, int min, int max, List<string> errors)
    {
        if (block.TryGetProperty(name, out var value) && value.TryGetInt32(out int n) && n >= min && n <= max)
        {
            return n;
        }

        errors.Add($"{name} must be an integer in [{min}, {max}]");
        return min;
    }

    private static string Text(JsonElement block, string name, string fallback) =>
        block.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : fallback;
}
