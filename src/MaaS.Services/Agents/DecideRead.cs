namespace MaaS.Services.Agents;

/// <summary>A decide request read and checked against its agent: what <see cref="DecideValidation.Validate"/> gives, and the request's other fields.</summary>
/// <param name="Input">The context and candidates in the agent's schema order.</param>
/// <param name="Excluded">Per candidate, whether the request excluded it.</param>
/// <param name="Explain">Whether the rules that fired are asked for.</param>
/// <param name="Baseline">The apprentice baseline action the request names, if any.</param>
internal sealed record DecideRead(DecisionInput Input, bool[] Excluded, bool Explain, string? Baseline)
{
    /// <summary>
    /// The context as the decision log stores it, when the request's own JSON object is that text (<see cref="DecideReader"/>);
    /// null to write it from <see cref="Input"/> (<see cref="DecisionCodec.WriteContext"/>).
    /// </summary>
    public string? LogContext { get; init; }

    /// <summary>The slots of a multi-slot decide (only the bound path reads them); null for a single decision.</summary>
    public IReadOnlyList<SlotRead>? Slots { get; init; }

    /// <summary>Whether the decision is logged inactive, awaiting activation (<see cref="DecideRequest.DeferActivation"/>).</summary>
    public bool DeferActivation { get; init; }
}

/// <summary>One slot of a multi-slot decide, checked against its agent.</summary>
/// <param name="Id">The slot's id.</param>
/// <param name="Context">The shared context with the slot's features laid over it, in the agent's order.</param>
/// <param name="Excluded">Per candidate, whether the slot excludes it.</param>
/// <param name="Baseline">The apprentice baseline the slot names, if any.</param>
internal sealed record SlotRead(string Id, double[] Context, bool[] Excluded, string? Baseline);
