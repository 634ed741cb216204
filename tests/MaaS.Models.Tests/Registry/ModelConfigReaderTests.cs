namespace MaaS.Models.Tests.Registry;

/// <summary>model.json's numeric settings: a value outside its range refuses the file naming the field.</summary>
public sealed class ModelConfigReaderTests
{
    [Theory]
    [InlineData("instances", 0)]
    [InlineData("instances", ModelConfig.MaxInstances + 1)]
    [InlineData("intraOpThreads", 0)]
    [InlineData("intraOpThreads", 1025)]
    public void TryParse_CountOutOfRange_RefusedNamingTheField(string field, int value)
    {
        Assert.Null(ModelConfigReader.TryParse($$"""{ "{{field}}": {{value}} }""", out string? error));
        Assert.Contains(field, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_CountsInRangeOrAbsent_Read()
    {
        var set = ModelConfigReader.TryParse("""{ "instances": 2, "intraOpThreads": 2 }""", out _)!;
        var absent = ModelConfigReader.TryParse("{}", out _)!;

        Assert.Equal<(int?, int?)>((2, 2), (set.Instances, set.IntraOpThreads));
        Assert.Equal<(int?, int?)>((null, null), (absent.Instances, absent.IntraOpThreads));
    }
}
