using MaaS.Services.Jobs;

namespace MaaS.Services.Tests.Jobs;

public sealed class JobOptionsTests
{
    [Fact]
    public void Defaults_Valid_AndJobsNicedBelowServingButNotToTheLeast()
    {
        var options = new JobOptions();

        Assert.True(new JobOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(10, options.Niceness);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(20)]
    public void Validate_NicenessOutOfRange_NamesIt(int niceness)
    {
        var result = new JobOptionsValidator().Validate(null, new JobOptions { Niceness = niceness });

        Assert.True(result.Failed, $"nice {niceness} was accepted");
        Assert.Contains(nameof(JobOptions.Niceness), result.FailureMessage, StringComparison.Ordinal);
    }
}
