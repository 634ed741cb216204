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
