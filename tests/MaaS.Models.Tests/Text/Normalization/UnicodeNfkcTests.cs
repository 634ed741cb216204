using MaaS.Models.Text.Normalization;

namespace MaaS.Models.Tests.Text.Normalization;

public sealed class UnicodeNfkcTests
{
    // Checksums from Python 3.11's unicodedata (Unicode 14.0), the independent reference:
    //   h = FNV-1a-32 over, for each input, unicodedata.normalize('NFKC', input).encode('utf-8') + b'\0'.
    private const uint EveryCodePointChecksum = 0x4c79d3f7;     // input: chr(cp) for every non-surrogate cp
    private const uint CombiningMarksChecksum = 0xa50f1a76;     // input: chr(cp) + U+0301 + U+0323, cp in 0x20..0x2FFF
    private const uint HangulJamoChecksum = 0xc48507a4;         // input: L + V + U+11A8 for L in 1100..1112, V in 1161..1175

    [Theory]
    [InlineData("ﬁne Ｆｕｌｌ ①", "fine Full 1")]
    [InlineData("e\u0301cole", "\u00e9cole")]
    [InlineData("\u212B", "\u00C5")]
    [InlineData("１/２ x²", "1/2 x2")]
    [InlineData("ｶﾞ", "\u30AC")]
    [InlineData("a\u0323\u0301", "\u1EA1\u0301")]
    [InlineData("plain ascii", "plain ascii")]
    public void Normalize_KnownStrings_MatchPythonNfkc(string input, string expected)
    {
        Assert.Equal(expected, UnicodeNfkc.Normalize(input));
    }

    [Fact]
    public void Normalize_EveryCodePoint_MatchesPythonChecksum()
    {
        uint checksum = Checksum(AllCodePoints().Select(cp => char.ConvertFromUtf32(cp)));

        Assert.Equal(EveryCodePointChecksum, checksum);
    }

    [Fact]
    public void Normalize_BaseWithTwoMarks_ReordersAndComposesLikePython()
    {
        var inputs = Enumerable.Range(0x20, 0x3000 - 0x20).Where(cp => cp is < 0xD800 or > 0xDFFF)
            .Select(cp => char.ConvertFromUtf32(cp) + "\u0301\u0323");

        Assert.Equal(CombiningMarksChecksum, Checksum(inputs));
    }

    [Fact]
    public void Normalize_HangulJamo_ComposesSyllablesLikePython()
    {
        var inputs = from l in Enumerable.Range(0x1100, 0x13)
                     from v in Enumerable.Range(0x1161, 0x15)
                     select $"{(char)l}{(char)v}\u11A8";

        Assert.Equal(HangulJamoChecksum, Checksum(inputs));
    }

    [Fact]
    public void Normalize_LoneSurrogate_BecomesReplacementCharacter()
    {
        Assert.Equal("a\uFFFDb\uFFFD", UnicodeNfkc.Normalize("a\uD800b\uDC00"));
    }

    private static IEnumerable<int> AllCodePoints() => Enumerable.Range(0, 0x110000).Where(cp => cp is < 0xD800 or > 0xDFFF);

    private static uint Checksum(IEnumerable<string> inputs)
    {
        var buffer = new List<byte>();
        foreach (string input in inputs)
        {
            buffer.AddRange(Encoding.UTF8.GetBytes(UnicodeNfkc.Normalize(input)));
            buffer.Add(0);
        }

        return Fnv1a32.Hash(buffer.ToArray());
    }
}
