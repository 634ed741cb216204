namespace MaaS.Recommendations.Evaluation;

/// <summary>One group's share of the exposure (genre, kind or provider).</summary>
/// <param name="Group">The group's name.</param>
/// <param name="RecommendedShare">Share of the recommended slots: each slot splits 1 evenly over its item's groups.</param>
/// <param name="ProfileShare">The same share over the users' profiles (what they consumed), the baseline to compare with.</param>
public sealed record GroupExposure(string Group, double RecommendedShare, double ProfileShare);

/// <summary>Beyond-accuracy measures of a set of top-K lists, the bias side of an evaluation.</summary>
/// <param name="Users">Users whose lists were measured.</param>
/// <param name="Coverage">Distinct recommended items / catalogue items.</param>
/// <param name="Gini">Gini coefficient of the exposure (slots) over every catalogue item, unrecommended ones counting 0:
/// 0 when every item is shown equally often, (n − 1) / n when one item takes every slot.</param>
/// <param name="Novelty">Mean self-information −log2(p(i)) of the recommended slots, p(i) the share of training users
/// who consumed the item (an item none consumed counts as one); in bits.</param>
/// <param name="Arp">Average recommendation popularity: per user, the mean popularity (training users) of the list; averaged over users.</param>
/// <param name="ProfileArp">The same over each user's profile: the popularity of what the users consumed.</param>
/// <param name="PopularityLift"><see cref="Arp"/> / <see cref="ProfileArp"/>: above 1 the lists are more popular than the users' own taste.</param>
/// <param name="Groups">Exposure by group, largest recommended share first; empty when no groups were given.</param>
public sealed record BeyondAccuracyMetrics(
    int Users, double Coverage, double Gini, double Novelty, double Arp, double ProfileArp, double PopularityLift, IReadOnlyList<GroupExposure> Groups);

/// <summary>Item popularity from training: distinct users per item, and the number of users.</summary>
/// <param name="UsersPerItem">Distinct training users per item id.</param>
/// <param name="Users">Distinct training users.</param>
public sealed record ItemPopularity(IReadOnlyDictionary<string, int> UsersPerItem, int Users)
{
    /// <summary>Counts the distinct users of each item in <paramref name="train"/>.</summary>
    public static ItemPopularity Of(IEnumerable<InteractionEvent> train)
    {
        ArgumentNullException.ThrowIfNull(train);
        var pairs = new HashSet<(string User, string Item)>();
        var users = new HashSet<string>(StringComparer.Ordinal);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var e in train)
        {
            users.Add(e.UserId);
            if (pairs.Add((e.UserId, e.ItemId)))
            {
                counts[e.ItemId] = counts.GetValueOrDefault(e.ItemId) + 1;
            }
        }

        return new ItemPopularity(counts, users.Count);
    }

    /// <summary>Training users of an item; 0 when none.</summary>
    public int Of(string itemId) => UsersPerItem.GetValueOrDefault(itemId);
}

/// <summary>
/// Computes <see cref="BeyondAccuracyMetrics"/>: coverage and Gini of exposure (Adomavicius &amp; Kwon), novelty as
/// self-information (Zhou et al. 2010), average recommendation popularity and popularity lift (Abdollahpouri et al.),
/// and exposure by group. Pure and stateless.
/// </summary>
public static class BeyondAccuracy
{
    /// <summary>Measures the first <paramref name="k"/> items of each list.</summary>
    /// <param name="recommendations">Per user, items best first.</param>
    /// <param name="profiles">Per user, the items of the user's training history (for the profile popularity and group shares).</param>
    /// <param name="popularity">Training popularity.</param>
    /// <param name="catalogue">Every item that could have been recommended (coverage and Gini denominator); recommended items outside it are added.</param>
    /// <param name="k">Cut-off.</param>
    /// <param name="groupsOf">An item's groups (genres, kind, provider); null skips <see cref="BeyondAccuracyMetrics.Groups"/>.</param>
    public static BeyondAccuracyMetrics Evaluate(
        IReadOnlyDictionary<string, IReadOnlyList<string>> recommendations,
        IReadOnlyDictionary<string, IReadOnlyCollection<string>> profiles,
        ItemPopularity popularity,
        IReadOnlyCollection<string> catalogue,
        int k,
        Func<string, IReadOnlyList<string>>? groupsOf = null)
    {
        ArgumentNullException.ThrowIfNull(recommendations);
        ArgumentNullException.ThrowIfNull(profiles);
        ArgumentNullException.ThrowIfNull(popularity);
        ArgumentNullException.ThrowIfNull(catalogue);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);

        var exposure = new Dictionary<string, int>(catalogue.Count, StringComparer.Ordinal);
        foreach (string item in catalogue)
        {
            exposure[item] = 0;
        }

        var recommendedGroups = new Dictionary<string, double>(StringComparer.Ordinal);
        var profileGroups = new Dictionary<string, double>(StringComparer.Ordinal);
        double selfInformation = 0, arp = 0, profileArp = 0;
        long slots = 0;
        int users = 0, profiled = 0;
        double totalUsers = Math.Max(1, popularity.Users);
        foreach (var (user, list) in recommendations)
        {
            int limit = Math.Min(k, list.Count);
            if (limit == 0)
            {
                continue;
            }

            users++;
            double listPopularity = 0;
            for (int r = 0; r < limit; r++)
            {
                string item = list[r];
                exposure[item] = exposure.GetValueOrDefault(item) + 1;
                int n = popularity.Of(item);
                listPopularity += n;
                selfInformation += -Math.Log2(Math.Max(n, 1) / totalUsers);
                AddGroups(recommendedGroups, groupsOf, item);
            }

            slots += limit;
            arp += listPopularity / limit;
            if (profiles.TryGetValue(user, out var profile) && profile.Count > 0)
            {
                profiled++;
                double profilePopularity = 0;
                foreach (string item in profile)
                {
                    profilePopularity += popularity.Of(item);
                    AddGroups(profileGroups, groupsOf, item);
                }

                profileArp += profilePopularity / profile.Count;
            }
        }

        if (users == 0)
        {
            return new BeyondAccuracyMetrics(0, 0, 0, 0, 0, 0, double.NaN, []);
        }

        int recommended = exposure.Values.Count(x => x > 0);
        double meanArp = arp / users;
        double meanProfileArp = profiled == 0 ? double.NaN : profileArp / profiled;
        return new BeyondAccuracyMetrics(
            users,
            (double)recommended / exposure.Count,
            Gini([.. exposure.Values]),
            selfInformation / slots,
            meanArp,
            meanProfileArp,
            meanProfileArp > 0 ? meanArp / meanProfileArp : double.NaN,
            Shares(recommendedGroups, profileGroups));
    }

    /// <summary>Gini coefficient of non-negative values: Σ (2i − n − 1) x₍ᵢ₎ / (n Σ x) over the values sorted ascending, i from 1; 0 for none or all zero.</summary>
    public static double Gini(int[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        int n = values.Length;
        long total = 0;
        foreach (int v in values)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(v);
            total += v;
        }

        if (n == 0 || total == 0)
        {
            return 0;
        }

        var sorted = values.ToArray();
        Array.Sort(sorted);
        double weighted = 0;
        for (int i = 0; i < n; i++)
        {
            weighted += ((2.0 * (i + 1)) - n - 1) * sorted[i];
        }

        return weighted / ((double)n * total);
    }

    private static void AddGroups(Dictionary<string, double> shares, Func<string, IReadOnlyList<string>>? groupsOf, string item)
    {
        if (groupsOf is null || groupsOf(item) is not { Count: > 0 } groups)
        {
            return;
        }

        double part = 1.0 / groups.Count;
        foreach (string g in groups)
        {
            shares[g] = shares.GetValueOrDefault(g) + part;
        }
    }

    private static List<GroupExposure> Shares(Dictionary<string, double> recommended, Dictionary<string, double> profiles)
    {
        double recommendedTotal = recommended.Values.Sum(), profileTotal = profiles.Values.Sum();
        return [.. recommended.Keys.Union(profiles.Keys, StringComparer.Ordinal)
            .Select(g => new GroupExposure(
                g,
                recommendedTotal > 0 ? recommended.GetValueOrDefault(g) / recommendedTotal : 0,
                profileTotal > 0 ? profiles.GetValueOrDefault(g) / profileTotal : 0))
            .OrderByDescending(e => e.RecommendedShare).ThenBy(e => e.Group, StringComparer.Ordinal)];
    }
}
