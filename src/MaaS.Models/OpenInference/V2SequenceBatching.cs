namespace MaaS.Models.OpenInference;

/// <summary>Triton's <c>sequence_batching</c> in a model configuration answer; HTTP and gRPC answer the same values.</summary>
/// <param name="MaxSequenceIdleMicroseconds">How long a sequence may idle before it is freed.</param>
/// <param name="ControlInput">The control inputs the server fills.</param>
/// <param name="State">The implicit state pairs.</param>
/// <param name="Oldest">The strategy; <c>max_candidate_sequences</c> carries MaaS's bound on live sequences (<c>maxSequences</c>).</param>
internal sealed record V2SequenceBatching(
    [property: JsonPropertyName("max_sequence_idle_microseconds")] long MaxSequenceIdleMicroseconds,
    [property: JsonPropertyName("control_input")] IReadOnlyList<V2ControlInput> ControlInput,
    IReadOnlyList<V2SequenceState> State,
    V2SequenceOldest Oldest)
{
    /// <summary>The model's sequence batching as Triton writes it, or null for a model without.</summary>
    public static V2SequenceBatching? Of(ModelConfig config) => config.SequenceBatching is not { } sequences ? null : new(
        sequences.MaxSequenceIdleMicroseconds,
        [.. sequences.ControlInput.Select(input => new V2ControlInput(input.Name, [.. input.Control.Select(Control)]))],
        [.. sequences.State.Select(state => new V2SequenceState(state.InputName, state.OutputName, V2Mapping.ConfigTypeName(state.Type), [.. state.Dims]))],
        new V2SequenceOldest(sequences.MaxSequences, sequences.QueueDelayMicroseconds));

    private static V2SequenceControl Control(SequenceControlConfig control) => new(
        control.Kind,
        control.Int32FalseTrue?.ToArray(),
        control.Fp32FalseTrue?.ToArray(),
        control.BoolFalseTrue?.ToArray(),
        control.Kind == SequenceControlConfig.Corrid ? V2Mapping.ConfigTypeName(control.TensorType) : null);
}

/// <summary>Triton's <c>ControlInput</c>.</summary>
/// <param name="Name">The model input.</param>
/// <param name="Control">Its control.</param>
internal sealed record V2ControlInput(string Name, IReadOnlyList<V2SequenceControl> Control);

/// <summary>Triton's <c>Control</c>: the kind, and the false/true values or the CORRID datatype.</summary>
/// <param name="Kind">CONTROL_SEQUENCE_START, _END, _READY or _CORRID.</param>
/// <param name="Int32FalseTrue">An INT32 input's values.</param>
/// <param name="Fp32FalseTrue">An FP32 input's values.</param>
/// <param name="BoolFalseTrue">A BOOL input's values.</param>
/// <param name="DataType">CORRID's datatype.</param>
internal sealed record V2SequenceControl(
    string Kind,
    [property: JsonPropertyName("int32_false_true")] int[]? Int32FalseTrue,
    [property: JsonPropertyName("fp32_false_true")] float[]? Fp32FalseTrue,
    [property: JsonPropertyName("bool_false_true")] bool[]? BoolFalseTrue,
    [property: JsonPropertyName("data_type")] string? DataType);

/// <summary>Triton's <c>State</c>.</summary>
/// <param name="InputName">The state input.</param>
/// <param name="OutputName">The state output.</param>
/// <param name="DataType">Its datatype (TYPE_FP32...).</param>
/// <param name="Dims">Its shape without the batch axis.</param>
internal sealed record V2SequenceState(
    [property: JsonPropertyName("input_name")] string InputName,
    [property: JsonPropertyName("output_name")] string OutputName,
    [property: JsonPropertyName("data_type")] string DataType,
    long[] Dims);

/// <summary>Triton's <c>StrategyOldest</c>.</summary>
/// <param name="MaxCandidateSequences">MaaS's bound on live sequences (beyond it a START is refused, not backlogged).</param>
/// <param name="MaxQueueDelayMicroseconds">How long a batch waits for requests of other sequences.</param>
internal sealed record V2SequenceOldest(
    [property: JsonPropertyName("max_candidate_sequences")] int MaxCandidateSequences,
    [property: JsonPropertyName("max_queue_delay_microseconds")] long MaxQueueDelayMicroseconds);
