namespace MaaS.Services.Agents;

/// <summary>A decision as decide had it in hand: what learning its reward needs.</summary>
internal sealed record RecentDecision(DecisionInput Input, int Chosen, bool[] Eligible, int Baseline);

/// <summary>
/// The latest decisions by id, bounded: adding past the capacity forgets the oldest. An entry is taken once (a decision's
/// reward is learnt once). Thread-safe.
/// </summary>
internal sealed class RecentDecisions(int capacity)
{
    private readonly Dictionary<string, RecentDecision> _byId = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly Lock _gate = new();

    public void Add(string decisionId, RecentDecision decision)
    {
        lock (_gate)
        {
            // Ids taken already still sit in the queue; dropping them here keeps both bounded by the capacity.
            while (_order.Count >= capacity)
            {
                _byId.Remove(_order.Dequeue());
            }
            _byId[decisionId] = decision;
            _order.Enqueue(decisionId);
        }
    }

    public RecentDecision? Take(string decisionId)
    {
        lock (_gate)
        {
            return _byId.Remove(decisionId, out RecentDecision? decision) ? decision : null;
        }
    }
}
