namespace MaaS.Models.Inference;

/// <summary>
/// Triton's sequence batcher with implicit state (model.json's <c>sequenceBatching</c>), in front of the version's own
/// executor (a <see cref="DynamicBatcher"/> when the model batches). Each request names its sequence (correlation id,
/// START, END); the requests of one sequence run one after another in arrival order, each fed the state outputs of the
/// one before (zeros on START) and the configured control values, while requests of different sequences share the
/// inner batcher's batches (Triton's <c>oldest</c> strategy). A sequence is freed by END once that request is accepted,
/// or by the reaper after <c>maxSequenceIdleMicroseconds</c> without a request. Clients see the model without its
/// control and state tensors (<see cref="Signature"/>). At most <c>maxSequences</c> live at once and
/// <c>dynamicBatching.maxQueueSize</c> requests wait: one more is refused (<see cref="ErrorCode.Overloaded"/>), and
/// what was accepted goes on. Thread-safe.
/// </summary>
internal sealed class SequenceBatcher : InferenceExecutor
{
    private readonly string _model;
    private readonly InferenceExecutor _inner;
    private readonly Dictionary<string, int> _inputIndex;
    private readonly int _inputCount;
    private readonly StateSlot[] _states;
    private readonly ControlSlot[] _controls;
    private readonly string[] _allOutputs;
    private readonly bool _batched;
    private readonly long _idleTicks;
    private readonly int _maxSequences;
    private readonly int _maxPending;
    private readonly TimeProvider _time;
    private readonly Dictionary<SequenceId, Sequence> _live = [];
    private readonly Lock _lock = new();
    private readonly ITimer _reaper;
    private int _pending;

    /// <summary>Checks the model against the configuration; throws <see cref="InvalidDataException"/> naming the first mismatch.</summary>
    public SequenceBatcher(string model, ModelSignature signature, ModelConfig config, InferenceExecutor inner, TimeProvider time)
    {
        var sequences = config.SequenceBatching!;
        _model = model;
        _inner = inner;
        _time = time;
        _batched = config.MaxBatchSize > 0;
        _maxSequences = sequences.MaxSequences;
        _maxPending = config.DynamicBatching.MaxQueueSize;
        _idleTicks = (long)(sequences.MaxSequenceIdleMicroseconds / 1e6 * time.TimestampFrequency);
        _inputCount = signature.Inputs.Count;
        _inputIndex = signature.Inputs.Select((spec, i) => (spec.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        _states = [.. sequences.State.Select((state, i) => StateSlot.Of(signature, state, $"sequenceBatching.state[{i}]", _batched))];
        _controls = [.. sequences.ControlInput.Select((input, i) => ControlSlot.Of(signature, input, $"sequenceBatching.controlInput[{i}]", _batched))];
        var hiddenInputs = _states.Select(s => s.Input).Concat(_controls.Select(c => c.Input)).ToHashSet(StringComparer.Ordinal);
        var hiddenOutputs = _states.Select(s => s.Output).ToHashSet(StringComparer.Ordinal);
        // A new signature, not a copy: its cached dimension groups and batch key are its own inputs'.
        Signature = new ModelSignature(
            [.. signature.Inputs.Where(i => !hiddenInputs.Contains(i.Name))],
            [.. signature.Outputs.Where(o => !hiddenOutputs.Contains(o.Name))],
            signature.InputRanges);
        if (Signature.Inputs.Count == 0 || Signature.Outputs.Count == 0)
        {
            throw new InvalidDataException("sequenceBatching leaves the model no input or no output of the client's own");
        }

        _allOutputs = [.. Signature.OutputNames, .. _states.Select(s => s.Output)];
        var period = TimeSpan.FromMicroseconds(Math.Clamp(sequences.MaxSequenceIdleMicroseconds / 4, 5_000, 1_000_000));
        _reaper = time.CreateTimer(static state => ((SequenceBatcher)state!).Reap(), this, period, period);
    }

    /// <summary>The model as clients see it: without the control and state inputs and the state outputs.</summary>
    public ModelSignature Signature { get; }

    /// <summary>Sequences started and not yet ended or reaped.</summary>
    public int LiveSequences
    {
        get
        {
            lock (_lock)
            {
                return _live.Count;
            }
        }
    }

    public override ValueTask<Result<ExecutionResult>> ExecuteAsync(ValidatedRequest request, CancellationToken cancellationToken, CancellationToken timeout)
    {
        if (request.Sequence is not { Id.IsNone: false } control)
        {
            return Refuse(ErrorCode.InvalidRequest, $"inference request to model '{_model}' must specify a non-zero or non-empty correlation ID");
        }

        if (request.Rows != 1)
        {
            return Refuse(ErrorCode.InvalidRequest, $"inference request to model '{_model}' must specify batch-size 1 due to requirements of sequence batcher");
        }

        Sequence? sequence;
        Task before;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_pending >= _maxPending)
            {
                return Refuse(ErrorCode.Overloaded, $"the queue of this model is full ({_maxPending} requests waiting)");
            }

            if (!_live.TryGetValue(control.Id, out sequence))
            {
                if (!control.Start)
                {
                    return Refuse(ErrorCode.InvalidRequest,
                        $"inference request for sequence {control.Id} to model '{_model}' must specify the START flag on the first request of the sequence");
                }

                if (_live.Count >= _maxSequences)
                {
                    return Refuse(ErrorCode.Overloaded, $"the sequence slots of model '{_model}' are full ({_maxSequences} live sequences); retry once one ends");
                }

                sequence = new Sequence();
                _live.Add(control.Id, sequence);
            }

            if (control.End)
            {
                _live.Remove(control.Id);
            }

            _pending++;
            sequence.InFlight++;
            sequence.LastUsed = _time.GetTimestamp();
            before = sequence.Tail;
            sequence.Tail = done.Task;
        }

        return RunAsync(sequence, before, done, request, control, cancellationToken, timeout);
    }

    public override async ValueTask DisposeAsync()
    {
        await _reaper.DisposeAsync().ConfigureAwait(false);
        await _inner.DisposeAsync().ConfigureAwait(false);
    }

    private static ValueTask<Result<ExecutionResult>> Refuse(ErrorCode code, string message) =>
        ValueTask.FromResult(Result<ExecutionResult>.Fail(code, message));

    private async ValueTask<Result<ExecutionResult>> RunAsync(
        Sequence sequence, Task before, TaskCompletionSource done, ValidatedRequest request, SequenceControl control,
        CancellationToken cancellationToken, CancellationToken timeout)
    {
        try
        {
            // The request before this one in the sequence has finished (it never faults: see finally), so its state is there.
            await before.ConfigureAwait(false);
            var full = request with { Inputs = Inputs(request, sequence, control), OutputNames = Outputs(request.OutputNames) };
            var result = await _inner.ExecuteAsync(full, cancellationToken, timeout).ConfigureAwait(false);
            if (!result.IsSuccess)
            {
                return result;
            }

            var outputs = result.Value.Outputs;
            int own = request.OutputNames.Length;
            var state = new InferTensor[_states.Length];
            for (int s = 0; s < _states.Length; s++)
            {
                var output = outputs[own + s];
                if (_states[s].Problem(output) is { } problem)
                {
                    return Result<ExecutionResult>.Fail(ErrorCode.InferenceFailed, $"inference failed: {problem}");
                }

                state[s] = output with { Name = _states[s].Input };
            }

            sequence.State = state;
            return Result<ExecutionResult>.Ok(result.Value with { Outputs = outputs[..own] });
        }
        finally
        {
            lock (_lock)
            {
                _pending--;
                sequence.InFlight--;
                sequence.LastUsed = _time.GetTimestamp();
            }

            done.SetResult();
        }
    }

    /// <summary>The model's every input: the client's, the sequence's state (zeros on START) and the control values.</summary>
    private InferTensor[] Inputs(ValidatedRequest request, Sequence sequence, SequenceControl control)
    {
        // Typed without '?' (as InputValidator does): the slots of optional inputs not given stay null.
        var slots = new InferTensor[_inputCount];
        foreach (var input in request.Inputs)
        {
            slots[_inputIndex[input.Name]] = input;
        }

        var state = control.Start ? null : sequence.State;
        for (int s = 0; s < _states.Length; s++)
        {
            slots[_states[s].Index] = state?[s] ?? _states[s].Zeros;
        }

        foreach (var slot in _controls)
        {
            slots[slot.Index] = slot.Tensor(control);
        }

        return Array.IndexOf(slots, null) < 0 ? slots : [.. slots.OfType<InferTensor>()];
    }

    // The client's outputs first, then the states'; a request that names none shares one array, so batches keep the
    // merged run's shared output list (BatchExecution.MergedOutputNames).
    private string[] Outputs(string[] requested) =>
        ReferenceEquals(requested, Signature.OutputNames) ? _allOutputs : [.. requested, .. _states.Select(s => s.Output)];

    private void Reap()
    {
        long now = _time.GetTimestamp();
        lock (_lock)
        {
            List<SequenceId>? idle = null;
            foreach (var (id, sequence) in _live)
            {
                if (sequence.InFlight == 0 && now - sequence.LastUsed > _idleTicks)
                {
                    (idle ??= []).Add(id);
                }
            }

            foreach (var id in idle ?? [])
            {
                _live.Remove(id);
            }
        }
    }

    /// <summary>One live sequence. <see cref="State"/> is read and written only by the sequence's running request (one at a time).</summary>
    private sealed class Sequence
    {
        /// <summary>Completes when the sequence's latest accepted request has finished.</summary>
        public Task Tail { get; set; } = Task.CompletedTask;

        /// <summary>The state outputs of the last request that succeeded, as inputs; null: zeros.</summary>
        public InferTensor[]? State { get; set; }

        public int InFlight { get; set; }

        public long LastUsed { get; set; }
    }

    /// <summary>A state pair: where its input goes, the output it comes from, and its zeros.</summary>
    private sealed record StateSlot(int Index, string Input, string Output, long[] Shape, InferTensor Zeros)
    {
        public static StateSlot Of(ModelSignature signature, SequenceStateConfig state, string field, bool batched)
        {
            long[] shape = batched ? [1, .. state.Dims] : [.. state.Dims];
            var input = Find(signature.Inputs, state.InputName, $"{field}.inputName", "an input");
            var output = Find(signature.Outputs, state.OutputName, $"{field}.outputName", "an output");
            foreach (var spec in new[] { input, output })
            {
                if (spec.DataType != state.Type || !Fits(spec.Shape, shape))
                {
                    throw new InvalidDataException(
                        $"{field}: the model's '{spec.Name}' is {spec.DataType.ToProtocolName()} {ShapeMath.Format(spec.Shape)}, not the state's {state.Type.ToProtocolName()} {ShapeMath.Format(shape)}");
                }
            }

            int index = signature.Inputs.ToList().IndexOf(input);
            return new StateSlot(index, input.Name, output.Name, shape, new InferTensor(input.Name, state.Type, shape, state.Type.NewArray((int)ShapeMath.Product(shape))));
        }

        public string? Problem(InferTensor output) =>
            output.Shape.AsSpan().SequenceEqual(Shape) ? null
                : $"state output '{Output}' has shape {ShapeMath.Format(output.Shape)}, not the state's {ShapeMath.Format(Shape)}";
    }

    /// <summary>A control input: where it goes and its tensors (the two flags' values made once; CORRID per request).</summary>
    private sealed class ControlSlot(int index, string name, SequenceControlConfig control, long[] shape)
    {
        private readonly InferTensor? _false = control.Kind == SequenceControlConfig.Corrid ? null : Flag(name, control, shape, 0);
        private readonly InferTensor? _true = control.Kind == SequenceControlConfig.Corrid ? null : Flag(name, control, shape, 1);

        public int Index { get; } = index;

        public string Input { get; } = name;

        public static ControlSlot Of(ModelSignature signature, SequenceControlInputConfig input, string field, bool batched)
        {
            var control = input.Control[0];
            long[] shape = batched ? [1, 1] : [1];
            var spec = Find(signature.Inputs, input.Name, $"{field}.name", "an input");
            if (spec.DataType != control.TensorType || !Fits(spec.Shape, shape))
            {
                throw new InvalidDataException(
                    $"{field}: the model's '{spec.Name}' is {spec.DataType.ToProtocolName()} {ShapeMath.Format(spec.Shape)}, not the control's {control.TensorType.ToProtocolName()} {ShapeMath.Format(shape)}");
            }

            return new ControlSlot(signature.Inputs.ToList().IndexOf(spec), spec.Name, control, shape);
        }

        public InferTensor Tensor(SequenceControl sequence) => control.Kind switch
        {
            SequenceControlConfig.Start => sequence.Start ? _true! : _false!,
            SequenceControlConfig.End => sequence.End ? _true! : _false!,
            SequenceControlConfig.Ready => _true!,
            _ => control.TensorType switch
            {
                TensorDataType.Bytes => new InferTensor(Input, TensorDataType.Bytes, shape, new[] { sequence.Id.ToString() }),
                TensorDataType.Int32 => new InferTensor(Input, TensorDataType.Int32, shape, new[] { unchecked((int)sequence.Id.Number) }),
                _ => new InferTensor(Input, TensorDataType.Int64, shape, new[] { unchecked((long)sequence.Id.Number) }),
            },
        };

        private static InferTensor Flag(string name, SequenceControlConfig control, long[] shape, int which) =>
            control.Int32FalseTrue is { } ints ? new InferTensor(name, TensorDataType.Int32, shape, new[] { ints[which] })
            : control.Fp32FalseTrue is { } floats ? new InferTensor(name, TensorDataType.Fp32, shape, new[] { floats[which] })
            : new InferTensor(name, TensorDataType.Bool, shape, new[] { control.BoolFalseTrue![which] });
    }

    private static TensorSpec Find(IReadOnlyList<TensorSpec> specs, string name, string field, string what) =>
        specs.FirstOrDefault(s => s.Name == name)
        ?? throw new InvalidDataException($"{field} '{name}' is not {what} of the model (it has {string.Join(", ", specs.Select(s => $"'{s.Name}'"))})");

    // A declared dimension of -1 takes any size.
    private static bool Fits(long[] declared, long[] shape) =>
        declared.Length == shape.Length && declared.Zip(shape).All(p => p.First < 0 || p.First == p.Second);
}
