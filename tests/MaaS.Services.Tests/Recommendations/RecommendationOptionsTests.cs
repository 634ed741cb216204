namespace MaaS.Services.Tests.Recommendations;

public sealed class RecommendationOptionsTests
{
    [Fact]
    public void Defaults_Valid_FeedPolledEverySecond()
    {
        var options = new RecommendationOptions();

        Assert.True(new RecommendationOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(1, options.CatalogueFeedPollSeconds);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(3601)]
    public void CatalogueFeedPollSeconds_OutOfRange_RefusedNamingIt(double seconds)
    {
        var result = new RecommendationOptionsValidator().Validate(null, new RecommendationOptions { CatalogueFeedPollSeconds = seconds });

        Assert.True(result.Failed, $"{seconds} s was accepted");
        Assert.Contains(nameof(RecommendationOptions.CatalogueFeedPollSeconds), result.FailureMessage, StringComparison.Ordinal);
    }
}
