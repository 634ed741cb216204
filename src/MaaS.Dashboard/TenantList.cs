namespace MaaS.Dashboard;

/// <summary>The tenants the operator can pick: the operator's own, those with traffic, and those with a catalogue in memory.</summary>
internal static class TenantList
{
    public static IReadOnlyList<string> Known(DashboardViewer viewer, TrafficRing ring, TenantStates states)
    {
        if (!viewer.IsOperator)
        {
            return [viewer.Tenant];
        }

        var tenants = new SortedSet<string>(StringComparer.Ordinal) { viewer.Tenant };
        foreach (var (key, _) in ring.Read(k => k.Kind == TrafficSeriesKind.Family, 1, 1).Series)
        {
            if (key.Tenant is not TrafficRing.Anonymous and not TrafficRing.Overflow)
            {
                tenants.Add(key.Tenant);
            }
        }

        foreach (var state in states.All)
        {
            tenants.Add(state.Tenant);
        }

        return [.. tenants];
    }

    /// <summary>
    /// Whether a page may read the tenant's catalogue: the viewer's own, or one this replica already holds. The operator
    /// typing a name must not make the replica load (and keep) a catalogue nobody uses.
    /// </summary>
    public static bool IsLoaded(DashboardViewer viewer, string tenant, TenantStates states) =>
        tenant == viewer.Tenant || states.All.Any(s => s.Tenant == tenant);
}
