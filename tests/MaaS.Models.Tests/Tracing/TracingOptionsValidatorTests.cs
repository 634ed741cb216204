using MaaS.Models.Tracing;

namespace MaaS.Models.Tests.Tracing;

/// <summary>What the start-up validation of <c>Serving:Trace</c> refuses: a level Triton does not name, a level without a
/// file, a file whose folder does not exist, a rate below 1; and what it accepts.</summary>
public sealed class TracingOptionsValidatorTests
{
    [Theory]
    [InlineData("TIMESTAMPS,ALL", "trace.json", 1000, "Level 'TIMESTAMPS,ALL'")]
    [InlineData("OFF,TENSORS", "trace.json", 1000, "Level 'OFF,TENSORS'")]
    [InlineData("TIMESTAMPS", null, 1000, "needs Serving:Trace:File")]
    [InlineData("OFF", "no-such-folder/trace.json", 1000, "File's folder does not exist")]
    [InlineData("OFF", null, 0, "Rate")]
    public void Validate_Bad_FailsNamingIt(string level, string? file, int rate, string named)
    {
        using var folder = new TempFolder("maas-trace-options-");
        var options = new TracingOptions { Level = level, File = file is null ? null : folder[file], Rate = rate };

        var result = new TracingOptionsValidator().Validate(null, options);

        Assert.True(result.Failed, $"{level} {file} {rate} passed");
        Assert.Contains(result.Failures!, f => f.Contains(named, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("OFF", null)]
    [InlineData("TIMESTAMPS", "trace.json")]
    [InlineData(" TIMESTAMPS , TENSORS ", "trace.json")]
    public void Validate_Good_Passes(string level, string? file)
    {
        using var folder = new TempFolder("maas-trace-options-");
        var options = new TracingOptions { Level = level, File = file is null ? null : folder[file] };

        var result = new TracingOptionsValidator().Validate(null, options);

        Assert.True(result.Succeeded, string.Join("; ", result.Failures ?? []));
    }
}
