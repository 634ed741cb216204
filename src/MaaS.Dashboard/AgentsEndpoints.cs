using MaaS.Services.Agents;

namespace MaaS.Dashboard;

/// <summary>
/// Game agents of one tenant through the same <see cref="AgentService"/> as <c>/v1/agents</c>: policy, exploration,
/// decisions, outcomes and mean reward; for the chosen agent its mean reward and decisions over time, from the
/// decision log.
/// </summary>
internal static class AgentsEndpoints
{
    // A log this short is read whole and cut into even buckets; a longer one is shown by the store's hourly counts.
    private const int ReadWhole = 5_000;
    private const int Buckets = 24;
    private const int Listed = 100;

    internal static async Task<IResult> AgentsAsync(
        string? tenant, string? agent, HttpContext http, IStorage storage)
    {
        var page = DashboardPage.Of(http);
        if (page.Scope(tenant) is not { } scope)
        {
            return page.OtherTenant();
        }

        var stored = await storage.Agents.ListAsync(scope, null, Listed, http.RequestAborted);
        if (!stored.TryGetValue(out var records, out var error))
        {
            return page.Refused(error, "Agents unavailable");
        }

        // The table reads each agent's stored definition and its log's aggregates (one query each); nothing loads or
        // replays a policy, so the first view on a replica costs the same as any other.
        var rows = new List<AgentRow>();
        foreach (var record in records)
        {
            var stats = await storage.Agents.StatsAsync(scope, record.Name, http.RequestAborted);
            if (stats.TryGetValue(out var s, out _) && AgentRow.From(record, s) is { } row)
            {
                rows.Add(row);
            }
        }

        var selected = rows.FirstOrDefault(r => r.Name == agent) ?? rows.FirstOrDefault();
        var (labels, rewards, decisions) = selected is null ? ([], [], []) : await CurveAsync(storage, scope, selected, http.RequestAborted);
        string who = selected is null ? "No agent" : $"Agent {selected.Name}";
        string rewardChart = SvgCharts.Line("chart-agent-reward", "Mean reward over time", $"{who}: mean recorded reward per time bucket of its decision log.",
            labels, [new ChartSeries("mean reward", rewards)], "reward");
        string decisionsChart = SvgCharts.Line("chart-agent-decisions", "Decisions over time", $"{who}: decisions per time bucket of its decision log.",
            labels, [new ChartSeries("decisions", decisions)], "decisions");
        return page.Show<AgentsPage>(new AgentsModel(page.Request, scope, page.Tenants, rows, selected, rewardChart, decisionsChart));
    }

    /// <summary>Mean reward and decisions per bucket: even buckets over a short log, the store's hours over a long one.</summary>
    private static async Task<(List<string> Labels, List<double?> Rewards, List<double?> Decisions)> CurveAsync(
        IStorage storage, string tenant, AgentRow agent, CancellationToken cancellationToken)
    {
        if (agent.Decisions > ReadWhole || agent.Decisions == 0)
        {
            return (
                [.. agent.Hours.Select(h => h.Hour.ToString("MM-dd HH:00", CultureInfo.InvariantCulture))],
                [.. agent.Hours.Select(h => h.MeanReward)],
                [.. agent.Hours.Select(h => (double?)h.Decisions)]);
        }

        var read = await storage.Agents.ReadAsync(tenant, agent.Name, 0, ReadWhole, cancellationToken).ConfigureAwait(false);
        if (!read.TryGetValue(out var log, out _) || log.Count == 0)
        {
            return ([], [], []);
        }

        var first = log[0].DecidedAt;
        var span = log[^1].DecidedAt - first;
        int buckets = span <= TimeSpan.Zero ? 1 : Buckets;
        double width = span.Ticks / (double)buckets;
        var sums = new double[buckets];
        var rewarded = new int[buckets];
        var counts = new int[buckets];
        foreach (var decision in log)
        {
            int b = buckets == 1 ? 0 : Math.Min(buckets - 1, (int)((decision.DecidedAt - first).Ticks / width));
            counts[b]++;
            // An outcome kept for a decision awaiting activation is not a reward yet (the API's figures leave it out too).
            if (decision is { Reward: { } reward, Inactive: false })
            {
                sums[b] += reward;
                rewarded[b]++;
            }
        }

        string format = span < TimeSpan.FromMinutes(1) ? "HH:mm:ss.ff" : span < TimeSpan.FromHours(1) ? "HH:mm:ss" : span < TimeSpan.FromDays(2) ? "MM-dd HH:mm" : "yyyy-MM-dd";
        return (
            [.. Enumerable.Range(0, buckets).Select(b => first.AddTicks((long)(b * width)).ToString(format, CultureInfo.InvariantCulture))],
            [.. Enumerable.Range(0, buckets).Select(b => rewarded[b] > 0 ? sums[b] / rewarded[b] : (double?)null)],
            [.. counts.Select(c => (double?)c)]);
    }
}

/// <summary>One agent as the table shows it: its stored definition and its decision log's aggregates.</summary>
public sealed record AgentRow(
    string Name, long Version, AgentPolicySpec? Policy, long Decisions, long Outcomes, long Defaulted, double? MeanReward, IReadOnlyList<AgentHourView> Hours)
{
    /// <summary>The row of a stored agent; null when its definition cannot be read (the API reports that agent's error).</summary>
    public static AgentRow? From(AgentRecord record, AgentLogStats stats)
    {
        AgentDefinitionRequest? definition;
        try
        {
            definition = JsonSerializer.Deserialize(record.Definition, DashboardJsonContext.Default.AgentDefinitionRequest);
        }
        catch (JsonException)
        {
            return null;
        }

        long rewarded = stats.Outcomes + stats.Defaulted;
        return definition is null ? null : new AgentRow(
            record.Name, record.Version, definition.Policy, stats.Decisions, stats.Outcomes, stats.Defaulted,
            rewarded > 0 ? stats.RewardSum / rewarded : null,
            [.. stats.Hours.Select(h => new AgentHourView(h.Hour, h.Decisions, h.Rewarded, h.Rewarded > 0 ? h.RewardSum / h.Rewarded : null))]);
    }
}

/// <summary>What the agents page shows.</summary>
public sealed record AgentsModel(
    DashboardRequest Request, string Tenant, IReadOnlyList<string> Tenants, IReadOnlyList<AgentRow> Agents, AgentRow? Selected,
    string RewardChart, string DecisionsChart);
