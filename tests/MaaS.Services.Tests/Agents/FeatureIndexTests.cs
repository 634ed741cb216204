using System.Text;
using MaaS.Services.Agents;

namespace MaaS.Services.Tests.Agents;

/// <summary>The UTF-8 name-to-slot index the decision log is read back through (<see cref="DecisionCodec"/>).</summary>
public sealed class FeatureIndexTests
{
    [Fact]
    public void Find_ExpectedSlotOrLookup_FindsEachNameAndNothingElse()
    {
        var index = new FeatureIndex(["a", "bb", "été"]);

        Assert.Equal(1, index.Find("bb"u8, 1));
        Assert.Equal(1, index.Find("bb"u8, 0));
        Assert.Equal(2, index.Find(Encoding.UTF8.GetBytes("été"), 7));
        Assert.Equal(0, index.Find("a"u8, -1));
        Assert.Equal(-1, index.Find("b"u8, 1));
        Assert.Equal(-1, index.Find("A"u8, 0));
        Assert.Equal(-1, index.Find(new byte[300], 0));
        Assert.Equal(-1, index.Find([0xC3], 2));
    }
}
