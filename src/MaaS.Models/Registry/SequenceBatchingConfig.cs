namespace MaaS.Models.Registry;

/// <summary>
/// Triton's <c>sequence_batching</c> (<c>ModelSequenceBatching</c>) in model.json's camelCase: a stateful model whose
/// requests carry a correlation id (<c>sequence_id</c>) and <c>sequence_start</c>/<c>sequence_end</c> flags. The server runs
/// a sequence's requests in arrival order, feeds the control inputs, and keeps each <see cref="State"/> output of one
/// request as the state input of the next (zeros on START), freeing it on END or after
/// <see cref="MaxSequenceIdleMicroseconds"/>. Requests of different sequences share batches (Triton's <c>oldest</c>
/// strategy, the one MaaS runs; <c>direct</c> is refused).
/// </summary>
public sealed record SequenceBatchingConfig
{
    /// <summary>How long a sequence may go without a request before it is freed, in microseconds; Triton's default 1,000,000.</summary>
    public long MaxSequenceIdleMicroseconds { get; set; } = 1_000_000;

    /// <summary>The model inputs the server fills with the sequence's control values.</summary>
    public IReadOnlyList<SequenceControlInputConfig> ControlInput { get; set; } = [];

    /// <summary>The implicit state: input/output pairs carried from one request of a sequence to the next.</summary>
    public IReadOnlyList<SequenceStateConfig> State { get; set; } = [];

    /// <summary>Triton's <c>direct</c> strategy (one batch slot per sequence); refused: MaaS runs <see cref="Oldest"/>.</summary>
    public JsonElement? Direct { get; set; }

    /// <summary>Triton's <c>oldest</c> strategy, the default here (Triton's default is direct, which MaaS does not run).</summary>
    public SequenceOldestConfig? Oldest { get; set; }

    /// <summary>
    /// MaaS's bound on live sequences of a version (their state is kept in memory): a START of a new sequence beyond it is
    /// refused 429 / RESOURCE_EXHAUSTED (as a full queue is), and the live ones go on. Triton keeps excess sequences in a
    /// backlog instead. Default 1024.
    /// </summary>
    public int MaxSequences { get; set; } = 1024;

    /// <summary>The strategy's delay for more requests to batch, in microseconds.</summary>
    public long QueueDelayMicroseconds => Oldest?.MaxQueueDelayMicroseconds ?? 0;

    internal IEnumerable<string> Check(ModelConfig config)
    {
        const string Field = "sequenceBatching";
        if (EnsembleConfigCheck.IsEnsemble(config))
        {
            yield return $"{Field} is not for an ensemble; its members keep their own schedulers";
        }

        if (MaxSequenceIdleMicroseconds <= 0)
        {
            yield return $"{Field}.maxSequenceIdleMicroseconds must be > 0";
        }

        if (MaxSequences < 1)
        {
            yield return $"{Field}.maxSequences must be >= 1";
        }

        if (Direct is not null)
        {
            yield return $"{Field}.direct is not supported: MaaS batches the requests of different sequences by the oldest strategy (give {Field}.oldest or neither)";
        }

        if (Oldest is { MaxQueueDelayMicroseconds: < 0 })
        {
            yield return $"{Field}.oldest.maxQueueDelayMicroseconds must be >= 0";
        }

        if (config.ResponseCache is { Enable: true })
        {
            yield return $"responseCache cannot be enabled with {Field}: a sequence's answers depend on its state";
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < ControlInput.Count; i++)
        {
            foreach (string error in ControlInput[i] is { } input ? input.Check($"{Field}.controlInput[{i}]", names) : [$"{Field}.controlInput[{i}] must be an object"])
            {
                yield return error;
            }
        }

        for (int i = 0; i < State.Count; i++)
        {
            foreach (string error in State[i] is { } state ? state.Check($"{Field}.state[{i}]", names) : [$"{Field}.state[{i}] must be an object"])
            {
                yield return error;
            }
        }
    }
}

/// <summary>Triton's <c>StrategyOldest</c>: requests of the candidate sequences batched oldest first.</summary>
public sealed record SequenceOldestConfig
{
    /// <summary>How long the first request of a batch waits for requests of other sequences, in microseconds; default 0.</summary>
    public long MaxQueueDelayMicroseconds { get; set; }
}

/// <summary>Triton's <c>ControlInput</c>: a model input that carries one control value.</summary>
public sealed record SequenceControlInputConfig
{
    /// <summary>The model input's name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The control it carries; exactly one.</summary>
    public IReadOnlyList<SequenceControlConfig> Control { get; set; } = [];

    internal IEnumerable<string> Check(string field, HashSet<string> names)
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            yield return $"{field}.name must not be empty";
        }
        else if (!names.Add(Name))
        {
            yield return $"{field}.name '{Name}' is named twice in sequenceBatching";
        }

        if (Control is not { Count: 1 } || Control[0] is null)
        {
            yield return $"{field}.control must hold exactly one control";
            yield break;
        }

        if (Control[0].Check($"{field}.control[0]") is { } error)
        {
            yield return error;
        }
    }
}

/// <summary>Triton's <c>Control</c>: which sequence value an input carries, and how.</summary>
public sealed record SequenceControlConfig
{
    /// <summary>The START kind: true on a sequence's first request.</summary>
    public const string Start = "CONTROL_SEQUENCE_START";

    /// <summary>The END kind: true on a sequence's last request.</summary>
    public const string End = "CONTROL_SEQUENCE_END";

    /// <summary>The READY kind: true for a row that holds a request (always, in MaaS's batches).</summary>
    public const string Ready = "CONTROL_SEQUENCE_READY";

    /// <summary>The CORRID kind: the correlation id itself.</summary>
    public const string Corrid = "CONTROL_SEQUENCE_CORRID";

    /// <summary>One of the four kinds above.</summary>
    public string Kind { get; set; } = string.Empty;

    /// <summary>The false and true values of an INT32 input.</summary>
    public IReadOnlyList<int>? Int32FalseTrue { get; set; }

    /// <summary>The false and true values of an FP32 input.</summary>
    public IReadOnlyList<float>? Fp32FalseTrue { get; set; }

    /// <summary>The false and true values of a BOOL input.</summary>
    public IReadOnlyList<bool>? BoolFalseTrue { get; set; }

    /// <summary>The CORRID input's datatype: TYPE_INT64, TYPE_INT32 (the id's low 32 bits) or TYPE_STRING.</summary>
    public string? DataType { get; set; }

    /// <summary>The datatype of the tensor this control feeds.</summary>
    public TensorDataType TensorType => Kind == Corrid
        ? (TensorDataTypes.TryParseConfigName(DataType, out var type) ? type : TensorDataType.Int64)
        : Int32FalseTrue is not null ? TensorDataType.Int32 : Fp32FalseTrue is not null ? TensorDataType.Fp32 : TensorDataType.Bool;

    internal string? Check(string field)
    {
        int given = (Int32FalseTrue is null ? 0 : 1) + (Fp32FalseTrue is null ? 0 : 1) + (BoolFalseTrue is null ? 0 : 1);
        if (Kind is not (Start or End or Ready or Corrid))
        {
            return $"{field}.kind '{Kind}' is not one of {Start}, {End}, {Ready}, {Corrid}";
        }

        if (Kind == Corrid)
        {
            return given > 0 ? $"{field}: a {Corrid} control takes dataType, not false/true values"
                : !TensorDataTypes.TryParseConfigName(DataType, out var type) || type is not (TensorDataType.Int64 or TensorDataType.Int32 or TensorDataType.Bytes)
                    ? $"{field}.dataType '{DataType}' must be TYPE_INT64, TYPE_INT32 or TYPE_STRING for {Corrid}"
                    : null;
        }

        return given != 1 ? $"{field} must give exactly one of int32FalseTrue, fp32FalseTrue, boolFalseTrue"
            : (Int32FalseTrue?.Count ?? Fp32FalseTrue?.Count ?? BoolFalseTrue!.Count) != 2 ? $"{field}: the false/true values must be two, false first"
            : DataType is not null ? $"{field}.dataType is only for {Corrid}"
            : null;
    }
}

/// <summary>Triton's <c>State</c>: an input/output pair that carries a sequence's state from one request to the next.</summary>
public sealed record SequenceStateConfig
{
    /// <summary>The model input the state is fed to.</summary>
    public string InputName { get; set; } = string.Empty;

    /// <summary>The model output the next state is read from.</summary>
    public string OutputName { get; set; } = string.Empty;

    /// <summary>The state's datatype (FP32 or TYPE_FP32...).</summary>
    public string DataType { get; set; } = string.Empty;

    /// <summary>The state's shape without the batch axis; every dimension fixed (≥ 1).</summary>
    public IReadOnlyList<long> Dims { get; set; } = [];

    /// <summary>Triton's <c>initial_state</c>: MaaS starts every sequence from zeros; only <c>zeroData</c> is taken.</summary>
    public IReadOnlyList<SequenceInitialStateConfig> InitialState { get; set; } = [];

    /// <summary>The parsed datatype.</summary>
    public TensorDataType Type => TensorDataTypes.TryParseConfigName(DataType, out var type) ? type : TensorDataType.Fp32;

    internal IEnumerable<string> Check(string field, HashSet<string> names)
    {
        if (string.IsNullOrWhiteSpace(InputName))
        {
            yield return $"{field}.inputName must not be empty";
        }
        else if (!names.Add(InputName))
        {
            yield return $"{field}.inputName '{InputName}' is named twice in sequenceBatching";
        }

        if (string.IsNullOrWhiteSpace(OutputName))
        {
            yield return $"{field}.outputName must not be empty";
        }

        if (!TensorDataTypes.TryParseConfigName(DataType, out var type) || type == TensorDataType.Bytes)
        {
            yield return $"{field}.dataType '{DataType}' is not a numeric datatype (FP32, INT64... or TYPE_FP32...)";
        }

        if (Dims is not { Count: > 0 } || Dims.Any(d => d < 1))
        {
            yield return $"{field}.dims must list at least one dimension, each fixed (>= 1)";
        }

        for (int i = 0; i < InitialState.Count; i++)
        {
            if (InitialState[i] is not { ZeroData: true, DataFile: null })
            {
                yield return $"{field}.initialState[{i}]: only zeroData is supported (every sequence starts from zeros)";
            }
        }
    }
}

/// <summary>Triton's <c>InitialState</c>; MaaS takes <c>zeroData</c> only.</summary>
public sealed record SequenceInitialStateConfig
{
    /// <summary>The initialisation's name.</summary>
    public string? Name { get; set; }

    /// <summary>Zeros.</summary>
    public bool? ZeroData { get; set; }

    /// <summary>A file of values; refused.</summary>
    public string? DataFile { get; set; }
}
