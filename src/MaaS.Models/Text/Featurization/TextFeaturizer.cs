namespace MaaS.Models.Text.Featurization;

/// <summary>
/// Turns text into hashed n-gram features; the one code path used by the trainers and by serving, so a model sees
/// the same ids in both. Thread-safe: an instance holds only immutable settings (scratch space is per thread).
/// </summary>
public sealed partial class TextFeaturizer
{
    private static readonly byte[] WordPrefix = "w:"u8.ToArray();
    private static readonly byte[] CharPrefix = "c:"u8.ToArray();
    private static readonly uint CharPrefixState = Fnv1a32.Hash(CharPrefix);
    private static readonly uint WordPrefixState = Fnv1a32.Hash(WordPrefix);

    [ThreadStatic]
    private static Scratch? t_scratch;

    /// <summary>Creates a featurizer.</summary>
    /// <exception cref="ArgumentException">The settings are invalid.</exception>
    public TextFeaturizer(TextFeaturizerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var errors = settings.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(settings));
        }

        Settings = settings;
    }

    /// <summary>The settings this featurizer applies.</summary>
    public TextFeaturizerSettings Settings { get; }

    /// <summary>Featurizes one text. Defined for any string: empty or unreadable text gives zero features.</summary>
    /// <param name="text">Raw text.</param>
    /// <param name="withTerms">Also return the n-gram behind each id (for explanations; allocates more).</param>
    public TextFeatures Featurize(string text, bool withTerms = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        return withTerms ? FeaturizeReference(text, withTerms: true) : FeaturizeFast(text);
    }

    // The string-per-token path: it keeps each n-gram's text for explanations, and is the scalar reference the span
    // path is tested against.
    internal TextFeatures FeaturizeReference(string text, bool withTerms)
    {
        var scratch = t_scratch ??= new Scratch();
        scratch.Reset();
        string normalized = TextNormalizer.Normalize(text);
        bool truncated = Tokenizer.Tokenize(normalized, Settings.MaxTokens, Settings.MarkNegation, scratch.Tokens);
        var tokens = scratch.Tokens;
        foreach (var token in tokens)
        {
            scratch.Forms.Add(Encoding.UTF8.GetBytes(token.Form));
        }

        int max = Settings.MaxFeatures;
        for (int n = 1; n <= Settings.WordNgrams && !scratch.Full(max); n++)
        {
            for (int start = 0; start + n <= tokens.Count; start++)
            {
                var h = Fnv1a32.Create();
                h.Append(WordPrefix);
                for (int k = 0; k < n; k++)
                {
                    if (k > 0)
                    {
                        h.Append((byte)' ');
                    }

                    h.Append(scratch.Forms[start + k]);
                }

                string? term = withTerms ? string.Join(' ', tokens.Skip(start).Take(n).Select(t => t.Form)) : null;
                if (!Add(scratch, h.Value, term, max))
                {
                    truncated = true;
                    break;
                }
            }
        }

        int wordFeatures = scratch.Ids.Count;
        if (Settings.CharNgramMin > 0 && tokens.Count > 0 && !scratch.Full(max))
        {
            truncated |= AddCharNgrams(scratch, withTerms, max);
        }

        int count = scratch.Ids.Count;
        float weight = Settings.Weighting == FeatureWeighting.L2Normalized && count > 0 ? 1f / MathF.Sqrt(count) : 1f;
        var weights = new float[count];
        Array.Fill(weights, weight);
        return new TextFeatures([.. scratch.Ids], weights, withTerms ? [.. scratch.Terms] : null, tokens.Count, truncated, wordFeatures);
    }

    /// <summary>Featurizes and pads many texts to one bucket length (see <see cref="Pad"/>).</summary>
    public FeatureBatch FeaturizeBatch(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var rows = new TextFeatures[texts.Count];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = Featurize(texts[i]);
        }

        return Pad(rows);
    }

    /// <summary>
    /// Pads feature rows to the smallest bucket length that holds the longest row, so requests of similar size share
    /// tensor shapes and can be batched together.
    /// </summary>
    public FeatureBatch Pad(IReadOnlyList<TextFeatures> rows) => PadTo(rows, BucketLength(Longest(rows)));

    /// <summary>
    /// Pads feature rows only to the longest of them (at least 1), for rows of similar length (see
    /// <see cref="Inference.LengthGroups"/>) that need not share a bucket shape with other batches.
    /// </summary>
    public static FeatureBatch PadToLongest(IReadOnlyList<TextFeatures> rows) => PadTo(rows, Math.Max(1, Longest(rows)));

    private static int Longest(IReadOnlyList<TextFeatures> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int longest = 0;
        foreach (var row in rows)
        {
            longest = Math.Max(longest, row.Count);
        }

        return longest;
    }

    private static FeatureBatch PadTo(IReadOnlyList<TextFeatures> rows, int length)
    {
        var ids = new long[rows.Count * length];
        var weights = new float[rows.Count * length];
        for (int r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            for (int i = 0; i < row.Count; i++)
            {
                ids[r * length + i] = row.Ids[i];
                weights[r * length + i] = row.Weights[i];
            }
        }

        return new FeatureBatch(ids, weights, rows.Count, length);
    }

    /// <summary>The smallest bucket length holding <paramref name="count"/> features.</summary>
    public int BucketLength(int count)
    {
        foreach (int length in Settings.BucketLengths)
        {
            if (length >= count)
            {
                return length;
            }
        }

        return Settings.MaxFeatures;
    }

    /// <summary>The id of a feature key as hashed (for example <c>w:good</c>, <c>w:not NEG_good</c>, <c>c:&lt;go</c>).</summary>
    public int IdOf(string featureKey) => (int)(Fnv1a32.Hash(Encoding.UTF8.GetBytes(featureKey)) % (uint)Settings.Buckets);

    private bool AddCharNgrams(Scratch scratch, bool withTerms, int max)
    {
        IEnumerable<string> units = Settings.CharNgramsSpanWords
            ? [" " + string.Join(' ', scratch.Tokens.Select(t => t.Text)) + " "]
            : scratch.Tokens.Where(t => t.Kind == TokenKind.Word).Select(t => "<" + t.Text + ">");
        foreach (string unit in units)
        {
            byte[] padded = Encoding.UTF8.GetBytes(unit);
            // Byte offset of each code point, so n-grams never split a UTF-8 sequence.
            var starts = scratch.RuneStarts;
            starts.Clear();
            for (int b = 0; b < padded.Length; b++)
            {
                if ((padded[b] & 0xC0) != 0x80)
                {
                    starts.Add(b);
                }
            }

            int runes = starts.Count;
            starts.Add(padded.Length);
            // n-major order with one running FNV state per start position: growing every n-gram by one code point
            // costs that code point's bytes only, and the ids come out exactly as hashing each n-gram afresh.
            var states = scratch.States;
            states.Clear();
            for (int st = 0; st < runes; st++)
            {
                states.Add(CharPrefixState);
            }

            for (int n = 1; n <= Settings.CharNgramMax; n++)
            {
                for (int st = 0; st + n <= runes; st++)
                {
                    var h = Fnv1a32.Resume(states[st]);
                    h.Append(padded.AsSpan(starts[st + n - 1], starts[st + n] - starts[st + n - 1]));
                    states[st] = h.Value;
                    if (n < Settings.CharNgramMin)
                    {
                        continue;
                    }

                    string? term = withTerms ? "c:" + Encoding.UTF8.GetString(padded.AsSpan(starts[st], starts[st + n] - starts[st])) : null;
                    if (!Add(scratch, h.Value, term, max))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    // Adds an id unless already present; false when the feature limit is reached.
    private bool Add(Scratch scratch, uint hash, string? term, int max)
    {
        int id = (int)(hash % (uint)Settings.Buckets);
        if (scratch.Ids.Count >= max)
        {
            return scratch.Seen.Contains(id);
        }

        if (!scratch.Seen.Add(id))
        {
            return true;
        }

        scratch.Ids.Add(id);
        if (term is not null)
        {
            scratch.Terms.Add(term);
        }

        return true;
    }

    private sealed class Scratch
    {
        public List<Token> Tokens { get; } = [];
        public List<byte[]> Forms { get; } = [];
        public List<int> Ids { get; } = [];
        public List<string> Terms { get; } = [];
        public HashSet<int> Seen { get; } = [];
        public List<int> RuneStarts { get; } = [];
        public List<uint> States { get; } = [];

        public bool Full(int max) => Ids.Count >= max;

        public void Reset()
        {
            Tokens.Clear();
            Forms.Clear();
            Ids.Clear();
            Terms.Clear();
            Seen.Clear();
        }
    }
}
