using System.Collections.Concurrent;

namespace MaaS.Models.Embeddings;

/// <summary>
/// A sentence encoder served as one tensor model: text (BYTES, tokenised here, as Triton serves tokenised models) or
/// word piece ids in, one pooled and normalised embedding per row out. Rows are grouped by length and each group runs
/// padded only to its own longest row. Owns the encoder; thread-safe (runs share the encoder session).
/// </summary>
public sealed class SentenceEmbeddingModel : ITensorModel
{
    /// <summary>Platform reported in metadata.</summary>
    public const string PlatformName = "maas_sentence_embedding";

    /// <summary>Texts, BYTES [batch]; give this or <see cref="IdsInput"/>.</summary>
    public const string TextInput = "text";

    /// <summary>Word piece ids, INT64 [batch, tokens], <c>[CLS]</c> first and <c>[SEP]</c> last, as the vocabulary numbers them.</summary>
    public const string IdsInput = "input_ids";

    /// <summary>Optional with <see cref="IdsInput"/>: 1 for tokens to pool, 0 for padding, INT64 [batch, tokens].</summary>
    public const string MaskInput = "attention_mask";

    /// <summary>FP32 [batch, dimensions].</summary>
    public const string EmbeddingOutput = "embedding";

    /// <summary>Word pieces each row was embedded from, special tokens included, INT64 [batch].</summary>
    public const string TokensOutput = "tokens";

    /// <summary>True for texts cut at the token limit, BOOL [batch].</summary>
    public const string TruncatedOutput = "truncated";

    // Padded word pieces per encoder run: bounds one run's activations (attention grows with rows × tokens²).
    private const int MaxCellsPerRun = 16_384;

    // Padding a group may add whatever its size: about what one more encoder call costs, in word pieces.
    private const int FreeCells = 96;

    /// <summary>
    /// Padded word pieces a piece of a split group keeps at least: below it a run's fixed cost (the weights read once
    /// per run) outweighs what spreading the rows over cores saves. Search queries are 6–20 word pieces: split into
    /// twice as many pieces as cores, a batch of 4 queries ran as 4 runs of one row and cost 1.6–1.9× the CPU of one run
    /// of 4, and a batch of 8 1.3–1.7× (docs/benchmarks.md, "Hybrid search's CPU and the encoder's pieces").
    /// </summary>
    internal const int MinCellsPerPiece = 64;

    private readonly ITensorModel _encoder;
    private readonly bool _takesTokenTypes;
    private int _embedding;

    /// <summary>Wraps an encoder that takes <c>input_ids</c>, <c>attention_mask</c> (and <c>token_type_ids</c>) and returns token states.</summary>
    /// <param name="encoder">Owned from here on: disposed with this model.</param>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="settings">From the model card.</param>
    public SentenceEmbeddingModel(ITensorModel encoder, WordPieceTokenizer tokenizer, EmbeddingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(settings);
        var problems = new List<string>();
        foreach (string input in new[] { IdsInput, MaskInput })
        {
            if (encoder.Signature.FindInput(input) is not { DataType: TensorDataType.Int64, Shape.Length: 2 })
            {
                problems.Add($"an INT64 [batch, tokens] input '{input}'");
            }
        }

        var output = encoder.Signature.FindOutput(settings.Output);
        if (output is not { DataType: TensorDataType.Fp32, Shape.Length: 3 } || (output.Shape[2] >= 0 && output.Shape[2] != settings.Dimensions))
        {
            problems.Add($"an FP32 [batch, tokens, {settings.Dimensions}] output '{settings.Output}'");
        }

        if (problems.Count > 0)
        {
            throw new InvalidDataException($"The encoder needs {string.Join(", ", problems)}.");
        }

        _encoder = encoder;
        _takesTokenTypes = encoder.Signature.FindInput("token_type_ids") is not null;
        Tokenizer = tokenizer;
        Settings = settings;
        string?[] rows = ["batch"];
        string?[] tokens = ["batch", "tokens"];
        Signature = new ModelSignature(
            [
                new TensorSpec(TextInput, TensorDataType.Bytes, [-1], rows, Optional: true),
                new TensorSpec(IdsInput, TensorDataType.Int64, [-1, -1], tokens, Optional: true),
                new TensorSpec(MaskInput, TensorDataType.Int64, [-1, -1], tokens, Optional: true),
            ],
            [
                new TensorSpec(EmbeddingOutput, TensorDataType.Fp32, [-1, settings.Dimensions]),
                new TensorSpec(TokensOutput, TensorDataType.Int64, [-1]),
                new TensorSpec(TruncatedOutput, TensorDataType.Bool, [-1]),
            ],
            new Dictionary<string, ValueRange>(StringComparer.Ordinal)
            {
                [IdsInput] = new(0, tokenizer.VocabularySize - 1),
                [MaskInput] = new(0, 1),
            });
        Properties = new Dictionary<string, string>(encoder.Properties, StringComparer.Ordinal)
        {
            ["dimensions"] = settings.Dimensions.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["max_tokens"] = settings.MaxTokens.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["pooling"] = settings.Pooling.ToString().ToLowerInvariant(),
            ["normalization"] = settings.Normalize ? "l2" : "none",
            ["vocabulary_size"] = tokenizer.VocabularySize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    /// <inheritdoc />
    public string Platform => PlatformName;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Properties { get; }

    /// <inheritdoc />
    public ModelSignature Signature { get; }

    /// <summary>The tokenizer text goes through.</summary>
    public WordPieceTokenizer Tokenizer { get; }

    /// <summary>Dimensions, token limit, pooling and normalisation.</summary>
    public EmbeddingSettings Settings { get; }

    /// <inheritdoc />
    public IReadOnlyList<InferTensor> Run(IReadOnlyList<InferTensor> inputs, IReadOnlyList<string> outputNames, out RunTimings timings)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        var rows = ReadRows(inputs);
        var tokenized = System.Diagnostics.Stopwatch.GetElapsedTime(start);
        float[] embeddings = Embed(rows, out var encoder);
        timings = encoder with { Input = encoder.Input + tokenized };
        int n = rows.Length;
        var outputs = new InferTensor[outputNames.Count];
        for (int i = 0; i < outputs.Length; i++)
        {
            outputs[i] = outputNames[i] switch
            {
                EmbeddingOutput => InferTensor.Fp32(EmbeddingOutput, embeddings, n, Settings.Dimensions),
                TokensOutput => InferTensor.Int64(TokensOutput, [.. rows.Select(r => (long)r.Tokens)], n),
                TruncatedOutput => InferTensor.Bool(TruncatedOutput, [.. rows.Select(r => r.Truncated)], n),
                var other => throw new ArgumentException($"Unknown output '{other}'.", nameof(outputNames)),
            };
        }

        return outputs;
    }

    /// <summary>
    /// Embeds tokenised rows: groups by length, one encoder run per group padded to its longest row, then pooling and
    /// normalisation per row. Returns [rows.Length, Dimensions] row-major.
    /// </summary>
    internal float[] Embed(IReadOnlyList<TokenRow> rows, out RunTimings timings)
    {
        // A lone batch spreads its groups over the cores; calls that overlap (a second batcher instance, direct calls)
        // share them: run concurrently on top of each other they measured 2–13 % slower than one group at a time each
        // (docs/benchmarks.md, "The 32-text path").
        int others = Interlocked.Increment(ref _embedding) - 1;
        try
        {
            int concurrency = Math.Max(1, Environment.ProcessorCount - others);
            return Embed(rows, Plan(rows, pieces: concurrency > 1 ? 2 * concurrency : 1, minCellsPerPiece: MinCellsPerPiece), concurrency, out timings);
        }
        finally
        {
            Interlocked.Decrement(ref _embedding);
        }
    }

    /// <summary>The length groups <see cref="Embed(IReadOnlyList{TokenRow}, out RunTimings)"/> runs <paramref name="rows"/> in.</summary>
    /// <param name="rows">Rows to embed.</param>
    /// <param name="maxPaddingRatio">Padded cells allowed per real cell.</param>
    /// <param name="pieces">Groups wanted at least, where rows allow (<see cref="LengthGroups.Split"/>): runs spread over
    /// cores finish together only when no one group holds most of the work.</param>
    /// <param name="minCellsPerPiece">Padded cells a piece of a split group keeps at least (<see cref="LengthGroups.Split"/>).</param>
    internal static IReadOnlyList<int[]> Plan(IReadOnlyList<TokenRow> rows, double maxPaddingRatio = LengthGroups.DefaultMaxPaddingRatio, int pieces = 1, int minCellsPerPiece = 0)
    {
        int[] lengths = [.. rows.Select(r => r.Ids.Length)];
        var groups = LengthGroups.Plan(lengths, MaxCellsPerRun, maxPaddingRatio, FreeCells);
        return pieces > groups.Count ? LengthGroups.Split(groups, lengths, pieces, minCellsPerPiece) : groups;
    }

    /// <summary>
    /// Embeds <paramref name="rows"/> in the given <paramref name="groups"/>, up to <paramref name="concurrency"/> encoder
    /// runs at once. One request's groups used to run one after another, and a batcher of one instance runs one batch of
    /// a version at a time, so a batch of mixed lengths kept one run going at once: ORT's intra-op pool alone does not fill
    /// the cores on runs this small (docs/benchmarks.md, "The 32-text path").
    /// </summary>
    internal float[] Embed(IReadOnlyList<TokenRow> rows, IReadOnlyList<int[]> groups, int concurrency, out RunTimings timings)
    {
        var result = new float[rows.Count * Settings.Dimensions];
        int[] lengths = [.. rows.Select(r => r.Ids.Length)];
        if (groups.Count == 1 || concurrency <= 1)
        {
            timings = default;
            foreach (int[] group in groups)
            {
                timings = Add(timings, EmbedGroup(rows, lengths, group, result));
            }

            return result;
        }

        // Largest groups first, handed out one at a time: the last run to finish is a small one.
        int[][] order = [.. groups.OrderByDescending(g => (long)g.Length * LengthGroups.Longest(lengths, g))];
        var gate = new Lock();
        RunTimings total = default;
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            Parallel.ForEach(
                Partitioner.Create(order, EnumerablePartitionerOptions.NoBuffering),
                new ParallelOptions { MaxDegreeOfParallelism = concurrency },
                group =>
                {
                    var run = EmbedGroup(rows, lengths, group, result);
                    lock (gate)
                    {
                        total = Add(total, run);
                    }
                });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            // Callers tell model faults from bad input by the exception's type, as from a sequential run.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }

        // The runs overlapped, so their sum overstates the time taken: the statistics get the elapsed time, split as
        // the runs split theirs.
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(start);
        var summed = total.Input + total.Infer + total.Output;
        double share = summed > TimeSpan.Zero ? elapsed / summed : 0;
        timings = new RunTimings(total.Input * share, total.Infer * share, total.Output * share);
        return result;
    }

    private static RunTimings Add(RunTimings a, RunTimings b) => new(a.Input + b.Input, a.Infer + b.Infer, a.Output + b.Output);

    /// <summary>One encoder run for the rows at <paramref name="group"/>, pooled into their places in <paramref name="result"/>.</summary>
    private RunTimings EmbedGroup(IReadOnlyList<TokenRow> rows, int[] lengths, int[] group, float[] result)
    {
        int d = Settings.Dimensions;
        int longest = LengthGroups.Longest(lengths, group);
        int g = group.Length;
        var ids = new long[g * longest];
        var mask = new long[g * longest];
        for (int r = 0; r < g; r++)
        {
            var row = rows[group[r]];
            row.Ids.CopyTo(ids.AsSpan(r * longest));
            if (row.Mask is null)
            {
                mask.AsSpan(r * longest, row.Ids.Length).Fill(1);
            }
            else
            {
                row.Mask.CopyTo(mask.AsSpan(r * longest));
            }
        }

        List<InferTensor> inputs =
        [
            InferTensor.Int64(IdsInput, ids, g, longest),
            InferTensor.Int64(MaskInput, mask, g, longest),
        ];
        if (_takesTokenTypes)
        {
            inputs.Add(InferTensor.Int64("token_type_ids", new long[g * longest], g, longest));
        }

        var states = _encoder.Run(inputs, [Settings.Output], out var run);
        if (states[0].Data is not float[] hidden || hidden.Length != g * longest * d)
        {
            throw new ModelRunException($"the encoder returned no [{g}, {longest}, {d}] token states", mayBeInput: false);
        }

        for (int r = 0; r < g; r++)
        {
            var target = result.AsSpan(group[r] * d, d);
            Pool(hidden.AsSpan(r * longest * d, longest * d), mask.AsSpan(r * longest, longest), target);
            if (Settings.Normalize)
            {
                // As sentence-transformers does: x / max(‖x‖, 1e-12).
                TensorPrimitives.Divide(target, MathF.Max(TensorPrimitives.Norm(target), 1e-12f), target);
            }
        }

        return run;
    }

    /// <inheritdoc />
    public void Dispose() => _encoder.Dispose();

    private void Pool(ReadOnlySpan<float> states, ReadOnlySpan<long> mask, Span<float> target)
    {
        int d = target.Length;
        if (Settings.Pooling == EmbeddingPooling.Cls)
        {
            states[..d].CopyTo(target);
            return;
        }

        target.Clear();
        float count = 0;
        for (int t = 0; t < mask.Length; t++)
        {
            if (mask[t] != 0)
            {
                TensorPrimitives.Add(target, states.Slice(t * d, d), target);
                count++;
            }
        }

        // Mean over attended tokens; sentence-transformers clamps the count at 1e-9.
        TensorPrimitives.Divide(target, MathF.Max(count, 1e-9f), target);
    }

    private TokenRow[] ReadRows(IReadOnlyList<InferTensor> inputs)
    {
        InferTensor? text = null, ids = null, mask = null;
        foreach (var input in inputs)
        {
            switch (input.Name)
            {
                case TextInput: text = input; break;
                case IdsInput: ids = input; break;
                case MaskInput: mask = input; break;
                default: throw new ModelInputException($"unexpected input '{input.Name}'");
            }
        }

        if (text is not null)
        {
            if (ids is not null || mask is not null)
            {
                throw new ModelInputException($"give either '{TextInput}' or '{IdsInput}' (with an optional '{MaskInput}'), not both");
            }

            var texts = (string[])text.Data;
            var rows = new TokenRow[texts.Length];
            for (int i = 0; i < rows.Length; i++)
            {
                var encoded = Tokenizer.Encode(texts[i], Settings.MaxTokens);
                rows[i] = new TokenRow(encoded.Ids, null, encoded.Ids.Length, encoded.Truncated);
            }

            return rows;
        }

        if (ids is null)
        {
            throw new ModelInputException($"give '{TextInput}' (BYTES [batch]) or '{IdsInput}' (INT64 [batch, tokens])");
        }

        return TokenRows((long[])ids.Data, (long[]?)mask?.Data, (int)ids.Shape[0], (int)ids.Shape[1]);
    }

    private TokenRow[] TokenRows(long[] ids, long[]? mask, int count, int width)
    {
        var rows = new TokenRow[count];
        for (int i = 0; i < count; i++)
        {
            // A row ends after its last attended token: trailing padding is dropped, so it joins rows of its real length.
            int length = width;
            if (mask is not null)
            {
                length = mask.AsSpan(i * width, width).LastIndexOfAnyExcept(0L) + 1;
                if (length == 0)
                {
                    throw new ModelInputException($"row {i} of '{MaskInput}' attends to no token");
                }
            }

            if (length == 0 || length > Settings.MaxTokens)
            {
                throw new ModelInputException($"row {i} has {length} tokens; this model takes 1 to {Settings.MaxTokens}");
            }

            var rowMask = mask?.AsSpan(i * width, length).ToArray();
            int tokens = rowMask is null ? length : rowMask.Count(m => m != 0);
            rows[i] = new TokenRow(ids.AsSpan(i * width, length).ToArray(), rowMask, tokens, false);
        }

        return rows;
    }
}

/// <summary>One row to embed.</summary>
/// <param name="Ids">Word piece ids, no padding after the last attended token.</param>
/// <param name="Mask">Attention per id (0 or 1), or null for all ones.</param>
/// <param name="Tokens">Attended tokens.</param>
/// <param name="Truncated">The text was cut at the token limit.</param>
internal sealed record TokenRow(long[] Ids, long[]? Mask, int Tokens, bool Truncated);
