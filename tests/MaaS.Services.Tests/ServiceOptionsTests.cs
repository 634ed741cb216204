using MaaS.Services.Batches;
using MaaS.Services.Jobs;
using MaaS.Services.Training;

namespace MaaS.Services.Tests;

/// <summary>
/// The options classes of MaaS.Services against their <c>[OptionsValidator]</c>s: the defaults a host gets without
/// configuration pass, a setting out of its range is refused by name, and the defaults that carry a decision hold it.
/// </summary>
public sealed class ServiceOptionsTests
{
    [Theory]
    [InlineData(nameof(BatchOptions))]
    [InlineData(nameof(JobOptions))]
    [InlineData(nameof(MarketOptions))]
    [InlineData(nameof(RecommendationOptions))]
    [InlineData(nameof(TrainingOptions))]
    public void Validate_Defaults_Succeeds(string options)
    {
        var result = options switch
        {
            nameof(BatchOptions) => new BatchOptionsValidator().Validate(null, new BatchOptions()),
            nameof(JobOptions) => new JobOptionsValidator().Validate(null, new JobOptions()),
            nameof(MarketOptions) => new MarketOptionsValidator().Validate(null, new MarketOptions()),
            nameof(RecommendationOptions) => new RecommendationOptionsValidator().Validate(null, new RecommendationOptions()),
            nameof(TrainingOptions) => new TrainingOptionsValidator().Validate(null, new TrainingOptions()),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options, "No such options class here."),
        };

        Assert.True(result.Succeeded, $"{options}' defaults were refused: {result.FailureMessage}");
    }

    [Theory]
    [InlineData(nameof(JobOptions.Niceness), -1)]
    [InlineData(nameof(JobOptions.Niceness), 20)]
    [InlineData(nameof(JobOptions.KindConcurrency), 0)]
    [InlineData(nameof(JobOptions.KindConcurrency), 65)]
    [InlineData(nameof(JobOptions.MaxEndedAgeSeconds), 0)]
    [InlineData(nameof(JobOptions.MaxEndedAgeSeconds), -5)]
    [InlineData(nameof(JobOptions.TenantMaxEndedAgeSeconds), 0)]
    [InlineData(nameof(JobOptions.TenantMaxEndedAgeSeconds), 3_153_600_001)]
    [InlineData(nameof(BatchOptions.ExpirySweepSeconds), 0)]
    [InlineData(nameof(BatchOptions.ExpirySweepSeconds), 3601)]
    [InlineData(nameof(BatchOptions.DefaultFileExpirySeconds), 3599)]
    [InlineData(nameof(BatchOptions.DefaultFileExpirySeconds), 3_153_600_001)]
    [InlineData(nameof(BatchOptions.TenantDefaultFileExpirySeconds), 3599)]
    [InlineData(nameof(BatchOptions.TenantDefaultFileExpirySeconds), 3_153_600_001)]
    [InlineData(nameof(RecommendationOptions.CatalogueFeedPollSeconds), 0)]
    [InlineData(nameof(RecommendationOptions.CatalogueFeedPollSeconds), -1)]
    [InlineData(nameof(RecommendationOptions.CatalogueFeedPollSeconds), 3601)]
    public void Validate_SettingOutOfRange_RefusedNamingIt(string setting, double value)
    {
        var result = setting switch
        {
            nameof(JobOptions.Niceness) => new JobOptionsValidator().Validate(null, new JobOptions { Niceness = (int)value }),
            nameof(JobOptions.KindConcurrency) => new JobOptionsValidator().Validate(null, new JobOptions { KindConcurrency = { ["openai-batch"] = (int)value } }),
            nameof(JobOptions.MaxEndedAgeSeconds) => new JobOptionsValidator().Validate(null, new JobOptions { MaxEndedAgeSeconds = value }),
            nameof(JobOptions.TenantMaxEndedAgeSeconds) => new JobOptionsValidator().Validate(null, new JobOptions { TenantMaxEndedAgeSeconds = { ["acme"] = value } }),
            nameof(BatchOptions.ExpirySweepSeconds) => new BatchOptionsValidator().Validate(null, new BatchOptions { ExpirySweepSeconds = value }),
            nameof(BatchOptions.DefaultFileExpirySeconds) => new BatchOptionsValidator().Validate(null, new BatchOptions { DefaultFileExpirySeconds = (long)value }),
            nameof(BatchOptions.TenantDefaultFileExpirySeconds) =>
                new BatchOptionsValidator().Validate(null, new BatchOptions { TenantDefaultFileExpirySeconds = { ["acme"] = (long)value } }),
            nameof(RecommendationOptions.CatalogueFeedPollSeconds) =>
                new RecommendationOptionsValidator().Validate(null, new RecommendationOptions { CatalogueFeedPollSeconds = value }),
            _ => throw new ArgumentOutOfRangeException(nameof(setting), setting, "No such setting here."),
        };

        Assert.True(result.Failed, $"{setting} = {value} was accepted");
        Assert.Contains(setting, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void JobOptions_Defaults_JobsNicedBelowServingButNotToTheLeast()
    {
        Assert.Equal(10, new JobOptions().Niceness);
    }

    [Fact]
    public void MarketOptions_Defaults_TheQuotaCarriesThem()
    {
        var quota = new MarketOptions().Quota();

        Assert.Equal((50, 2L << 30), (quota.MaxModels, quota.MaxBytes));
    }

    [Fact]
    public void RecommendationOptions_Defaults_FeedPolledEverySecond()
    {
        Assert.Equal(1, new RecommendationOptions().CatalogueFeedPollSeconds);
    }
}
