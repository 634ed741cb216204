namespace MaaS.Models.Tests.Text;

/// <summary>The shared text data sets (MR, Netflix titles), or a skip with the reason.</summary>
internal static class TextTestData
{
    public static string MovieReviewsOrSkip() => SharedData.Require(Path.Combine("sentiment", "mr"), "rt-polarity.neg", "rt-polarity.pos");

    public static string ContentOrSkip() => SharedData.Require("content", ContentCorpus.FileName);
}
