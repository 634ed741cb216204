namespace MaaS.Services.Tests.Market;

public sealed class MarketOptionsTests
{
    [Fact]
    public void AddModelMarket_QuotasOutOfRange_ResolvingTheOptionsNamesEveryBrokenSetting()
    {
        var services = new ServiceCollection();
        services.AddModelMarket();
        services.Configure<MarketOptions>(o => (o.MaxModelsPerTenant, o.MaxBytesPerTenant) = (0, 100));
        using var provider = services.BuildServiceProvider();

        var thrown = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<MarketOptions>>().Value);

        Assert.Equal(2, thrown.Failures.Count());
        Assert.Contains(thrown.Failures, f => f.Contains(nameof(MarketOptions.MaxModelsPerTenant), StringComparison.Ordinal));
        Assert.Contains(thrown.Failures, f => f.Contains(nameof(MarketOptions.MaxBytesPerTenant), StringComparison.Ordinal));
    }
}
