namespace MaaS.Recommendations.Evaluation;

/// <summary>One validation fold's numbers for one blend (or for CF alone).</summary>
/// <param name="WarmNdcg">nDCG@K on the warm validation: the fold's held-out events, no item held out.</param>
/// <param name="WarmMap">MAP on the warm validation.</param>
/// <param name="MixNdcg">All-user nDCG@K on the cold-item validation (a share of items held out of the fit, their
/// events added to the truth), ranking all items.</param>
/// <param name="ColdRecall">Recall@K of the held-out items on the cold-item validation, ranking all items (how often a
/// new item a user goes on to consume reaches that user's page).</param>
/// <param name="WarmUsers">Per user, nDCG@K on the warm validation (for paired comparisons).</param>
/// <param name="MixUsers">Per user, nDCG@K on the cold-item validation.</param>
public sealed record HybridFold(double WarmNdcg, double WarmMap, double MixNdcg, double ColdRecall, IReadOnlyDictionary<string, double> WarmUsers, IReadOnlyDictionary<string, double> MixUsers);

/// <summary>One blend tried during tuning and its per-fold validation numbers.</summary>
/// <param name="Options">The blend.</param>
/// <param name="Folds">One entry per validation fold, in seed order.</param>
public sealed record HybridTrial(HybridOptions Options, IReadOnlyList<HybridFold> Folds)
{
    /// <summary>Mean warm validation nDCG over the folds.</summary>
    public double WarmNdcg => Folds.Average(f => f.WarmNdcg);

    /// <summary>Mean warm validation MAP over the folds.</summary>
    public double WarmMap => Folds.Average(f => f.WarmMap);

    /// <summary>Mean all-user nDCG on the cold-item validation over the folds.</summary>
    public double MixNdcg => Folds.Average(f => f.MixNdcg);

    /// <summary>Mean cold-item validation recall over the folds.</summary>
    public double ColdRecall => Folds.Average(f => f.ColdRecall);
}

/// <summary>What <see cref="HybridTuner.Tune"/> found and chose.</summary>
/// <param name="Trials">Every blend, in the rule's order (the chosen one first).</param>
/// <param name="Cf">CF alone on the same folds (its cold recall is 0: it cannot rank an unseen item).</param>
/// <param name="Reference">The rule's reference blend (<see cref="HybridTuner.Reference"/>) on the same folds.</param>
/// <param name="Seeds">The folds' seeds.</param>
/// <param name="Feasible">How many blends the rule admits (<see cref="HybridTuner.Admits"/>).</param>
public sealed record HybridTuning(IReadOnlyList<HybridTrial> Trials, IReadOnlyList<HybridFold> Cf, IReadOnlyList<HybridFold> Reference, IReadOnlyList<int> Seeds, int Feasible)
{
    /// <summary>The chosen blend.</summary>
    public HybridTrial Chosen => Trials[0];
}

/// <summary>
/// Chooses the blend on validation data carved from the training events only; the test split is never read.
/// Each fold (one seed) is a per-user stratified split of train (75% fit). It yields two validations: a <b>warm</b> one
/// (both indexes fitted on the fold's fit part, its held-out events the truth, as the test protocol does) and a
/// <b>cold-item</b> one (a seeded 10% of items also held out of the fit, their events added to the truth, as
/// <see cref="ColdItemProtocol"/> does). The rule (<see cref="Order"/>) comes from the product requirements: a
/// catalogue item is recommendable the moment it is PUT, so a hybrid page keeps <see cref="RequiredNewItemSlots"/>
/// new-item slot (a product setting, not tuned); the least the hybrid can do to keep that promise is
/// <see cref="Reference"/> (CF for every item with an interaction, content only for items without, one slot); any more
/// content must not be measurably worse than that, neither for warm recommendations nor overall when new items are
/// present; content may reshape the ranking of items CF already knows (β &gt; 0) only where that measurably helps
/// them; and among the blends that keep those promises the one that brings new items to the users who go on to consume
/// them most often wins. "Measurably" is a paired z-statistic over users (<see cref="PairedZ"/>) against
/// <see cref="ZBar"/>. Stateless.
/// </summary>
public static class HybridTuner
{
    /// <summary>The folds' seeds when none are given: 42, 43, 44.</summary>
    public static IReadOnlyList<int> DefaultSeeds { get; } = [42, 43, 44];

    /// <summary>Scores every blend on every fold and orders them by <see cref="Order"/>.</summary>
    public static HybridTuning Tune(IReadOnlyList<InteractionEvent> train, IReadOnlyList<ContentItem> catalogue, IndexBuildOptions cf, IEnumerable<HybridOptions>? grid = null,
        ContentOptions? content = null, double trainRatio = 0.75, IReadOnlyList<int>? seeds = null, int k = 10, double coldShare = 0.1)
    {
        ArgumentNullException.ThrowIfNull(train);
        var options = (grid ?? HybridOptions.TuningGrid).ToArray();
        seeds ??= DefaultSeeds;
        var contentIndex = ContentIndex.Build(catalogue, content);
        var folds = options.Select(_ => new List<HybridFold>()).ToArray();
        var cfFolds = new List<HybridFold>();
        var referenceFolds = new List<HybridFold>();
        foreach (int seed in seeds)
        {
            var (fit, validation) = StratifiedSplit.Split(train, trainRatio, seed);
            var warm = new Validation(fit, validation, cf, contentIndex, k);
            var cold = ColdItemProtocol.Split(fit, validation, coldShare, seed);
            var mix = new Validation(cold.Train, cold.Test, cf, contentIndex, k, cold.ColdItems);
            cfFolds.Add(Fold(warm, mix, null, RecommendationStrategy.CollaborativeFiltering));
            referenceFolds.Add(Fold(warm, mix, Reference, RecommendationStrategy.Hybrid));
            for (int o = 0; o < options.Length; o++)
            {
                folds[o].Add(Fold(warm, mix, options[o], RecommendationStrategy.Hybrid));
            }
        }

        var trials = options.Select((o, i) => new HybridTrial(o, folds[i])).ToList();
        var (ordered, admitted) = Ordered(trials, referenceFolds);
        return new HybridTuning(ordered, cfFolds, referenceFolds, [.. seeds], admitted);
    }

    /// <summary>New-item slots every admitted blend keeps (the cold-start promise; a product setting, not tuned).</summary>
    public const int RequiredNewItemSlots = 1;

    /// <summary>The least intervention that keeps the promise, the rule's reference: β = 0 (CF for every item with an
    /// interaction), the grid's smallest α (0.1), <see cref="RequiredNewItemSlots"/> slot.</summary>
    public static HybridOptions Reference { get; } = new(0f, 0.1f, RequiredNewItemSlots);

    /// <summary>|z| at which a paired difference from the baseline counts as measured rather than noise (about a 2.3% one-sided level).</summary>
    public const double ZBar = 2.0;

    /// <summary>
    /// The selection rule. A blend is <b>admitted</b> (<see cref="Admits"/>) when it keeps at least
    /// <see cref="RequiredNewItemSlots"/> slot and its paired z against the reference (<paramref name="reference"/>, the
    /// folds of <see cref="Reference"/>) is at least −<see cref="ZBar"/> on the warm validation and on the cold-item
    /// validation (not measurably worse), and, if β &gt; 0 (content reaches items CF knows), at least +<see cref="ZBar"/>
    /// on the warm validation (measurably better there). Admitted blends come first, by most cold-item validation recall (mean over folds), then most warm
    /// validation nDCG, then the least intervention: fewest new-item slots, smallest β, smallest α. The rest follow by
    /// warm validation nDCG and the same tie-breaks; if none is admitted the first of them is the fallback and
    /// <see cref="HybridTuning.Feasible"/> is 0.
    /// </summary>
    public static IReadOnlyList<HybridTrial> Order(IReadOnlyList<HybridTrial> trials, IReadOnlyList<HybridFold> reference) =>
        Ordered(trials, reference).Trials;

    /// <summary><see cref="Order"/>, and how many of the ordered trials (the first ones) the rule admits.</summary>
    private static (IReadOnlyList<HybridTrial> Trials, int Admitted) Ordered(IReadOnlyList<HybridTrial> trials, IReadOnlyList<HybridFold> reference)
    {
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentNullException.ThrowIfNull(reference);
        var admits = trials.ToLookup(t => Admits(t, reference));
        var admitted = admits[true].OrderByDescending(t => t.ColdRecall).ThenByDescending(t => t.WarmNdcg);
        var rest = admits[false].OrderByDescending(t => t.WarmNdcg);
        return ([.. Settle(admitted), .. Settle(rest)], admits[true].Count());
    }

    /// <summary>Whether the rule admits a blend (see <see cref="Order"/>).</summary>
    public static bool Admits(HybridTrial trial, IReadOnlyList<HybridFold> reference)
    {
        ArgumentNullException.ThrowIfNull(trial);
        if (trial.Options.NewItemSlots < RequiredNewItemSlots)
        {
            return false;
        }

        double warm = PairedZ(trial.Folds, reference, f => f.WarmUsers);
        double mix = PairedZ(trial.Folds, reference, f => f.MixUsers);
        return warm >= -ZBar && mix >= -ZBar && (trial.Options.Beta <= 0f || warm >= ZBar);
    }

    /// <summary>
    /// Paired z of a blend's per-user nDCG against a baseline's (CF or the reference): per user (present in every fold of both), the difference
    /// averaged over the folds; z = mean / (standard deviation / √users). Folds share users, so a user counts once.
    /// 0 when there is no difference at all, ±∞ when every user differs alike.
    /// </summary>
    public static double PairedZ(IReadOnlyList<HybridFold> trial, IReadOnlyList<HybridFold> baseline, Func<HybridFold, IReadOnlyDictionary<string, double>> users)
    {
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(users);
        if (trial.Count != baseline.Count || baseline.Count == 0)
        {
            throw new ArgumentException("A trial needs one fold per baseline fold.", nameof(trial));
        }

        var differences = new List<double>();
        foreach (string user in users(baseline[0]).Keys)
        {
            double sum = 0;
            bool everywhere = true;
            for (int f = 0; f < baseline.Count && everywhere; f++)
            {
                everywhere = users(trial[f]).TryGetValue(user, out double h) & users(baseline[f]).TryGetValue(user, out double c);
                sum += h - c;
            }

            if (everywhere)
            {
                differences.Add(sum / baseline.Count);
            }
        }

        if (differences.Count < 2)
        {
            return 0;
        }

        double mean = differences.Average();
        double variance = differences.Sum(d => (d - mean) * (d - mean)) / (differences.Count - 1);
        if (variance <= 0)
        {
            return mean == 0 ? 0 : mean > 0 ? double.PositiveInfinity : double.NegativeInfinity;
        }

        return mean / Math.Sqrt(variance / differences.Count);
    }

    private static IOrderedEnumerable<HybridTrial> Settle(IOrderedEnumerable<HybridTrial> ordered) =>
        ordered.ThenBy(t => t.Options.NewItemSlots).ThenBy(t => t.Options.Beta).ThenBy(t => t.Options.ContentWeight);

    private static HybridFold Fold(Validation warm, Validation mix, HybridOptions? options, RecommendationStrategy strategy)
    {
        var (warmMetrics, _, warmUsers) = warm.Score(options, strategy);
        var (mixMetrics, coldRecall, mixUsers) = mix.Score(options, strategy);
        return new HybridFold(warmMetrics.Ndcg, warmMetrics.Map, mixMetrics.Ndcg, coldRecall, warmUsers, mixUsers);
    }

    /// <summary>One validation: a fitted CF index, its counts, the truth and (for the cold-item one) the held-out items' truth.</summary>
    private sealed class Validation
    {
        private readonly List<InteractionEvent> _fit;
        private readonly ItemIndex _cf;
        private readonly ContentIndex _content;
        private readonly Dictionary<string, int> _counts;
        private readonly Dictionary<string, HashSet<string>> _truth;
        private readonly Dictionary<string, HashSet<string>>? _coldTruth;
        private readonly int _k;

        public Validation(List<InteractionEvent> fit, List<InteractionEvent> truth, IndexBuildOptions cf, ContentIndex content, int k, HashSet<string>? coldItems = null)
        {
            _fit = fit;
            _cf = ItemIndex.Build(fit, cf);
            _content = content;
            _counts = ColdItemProtocol.Counts(fit);
            _truth = InteractionFiles.GroupByUser(truth);
            _coldTruth = coldItems is null ? null : InteractionFiles.GroupByUser(truth.Where(e => coldItems.Contains(e.ItemId)));
            _k = k;
        }

        /// <summary>All-user metrics, (cold-item validation only) the held-out items' recall, and per-user nDCG, from one ranking per user.</summary>
        public (RankingMetrics All, double ColdRecall, Dictionary<string, double> Users) Score(HybridOptions? options, RecommendationStrategy strategy)
        {
            var recommender = new HybridRecommender(_cf, _content, _counts, options);
            var (predictions, items) = OfflineEvaluator.Predict(recommender.Items, _fit, _truth.Keys, _k, OfflineEvaluator.Ranker(recommender, strategy, null), null);
            var all = RankingEvaluator.Evaluate(_truth, predictions, _k, items);
            double cold = _coldTruth is null ? 0 : RankingEvaluator.Evaluate(_coldTruth, predictions, _k, items).Recall;
            var users = new Dictionary<string, double>(predictions.Count, StringComparer.Ordinal);
            foreach (var (user, ranked) in predictions)
            {
                if (_truth[user].Count > 0)
                {
                    users[user] = RankingEvaluator.UserNdcg(_truth[user], ranked, _k);
                }
            }

            return (all, cold, users);
        }
    }
}
