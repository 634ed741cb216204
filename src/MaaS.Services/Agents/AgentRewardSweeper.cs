using Microsoft.Extensions.Hosting;

namespace MaaS.Services.Agents;

/// <summary>Closes reward windows: every <see cref="AgentOptions.SweepSeconds"/>, each loaded agent's overdue decisions get the default reward.</summary>
internal sealed class AgentRewardSweeper(AgentService agents, IOptions<AgentOptions> options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(0.05, options.Value.SweepSeconds)), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await agents.SweepAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown: the next process closes what is left when it loads the agent.
        }
    }
}

/// <summary>Settings of the agent service (section <c>Agents</c>).</summary>
public sealed class AgentOptions
{
    public const string SectionName = "Agents";

    /// <summary>How often closed reward windows are swept, in seconds (default 1).</summary>
    public double SweepSeconds { get; set; } = 1;
}
