using MaaS.Services.Agents;

namespace MaaS.Services.Tests.Agents;

public sealed class AgentOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        var result = new AgentOptionsValidator().Validate(null, new AgentOptions());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Validate_EverySettingOutOfRange_EachRefusedByName()
    {
        var options = new AgentOptions
        {
            SweepSeconds = 0,
            SnapshotEveryRewards = 0,
            SnapshotSeconds = double.NaN,
            Retention = new AgentRetentionOptions
            {
                MaxDecisionAge = TimeSpan.Zero,
                Tenants = { ["acme"] = TimeSpan.FromDays(-1) },
                Interval = TimeSpan.Zero,
                BatchSize = 10_001,
            },
        };

        var result = new AgentOptionsValidator().Validate(null, options);

        Assert.Equal(
            ["Agents:SweepSeconds", "Agents:SnapshotEveryRewards", "Agents:SnapshotSeconds", "Agents:Retention:MaxDecisionAge",
             "Agents:Retention:Tenants:acme", "Agents:Retention:Interval", "Agents:Retention:BatchSize"],
            result.Failures!.Select(f => f.Split(' ')[0]));
    }
}
