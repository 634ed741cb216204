using MaaS.Models.Inference;
using Kind = MaaS.Grpc.Protocol.ModelSequenceBatching.Types.Control.Types.Kind;

namespace MaaS.Grpc;

/// <summary>The <c>sequence_batching</c> <c>/v2/models/…/config</c> answers, in the gRPC message (same values, Triton's field numbers).</summary>
internal static class GrpcSequenceBatching
{
    public static ModelSequenceBatching Map(V2SequenceBatching sequences)
    {
        var answer = new ModelSequenceBatching
        {
            MaxSequenceIdleMicroseconds = (ulong)sequences.MaxSequenceIdleMicroseconds,
            Oldest = new ModelSequenceBatching.Types.StrategyOldest
            {
                MaxCandidateSequences = sequences.Oldest.MaxCandidateSequences,
                MaxQueueDelayMicroseconds = (ulong)sequences.Oldest.MaxQueueDelayMicroseconds,
            },
        };
        foreach (var input in sequences.ControlInput)
        {
            var mapped = new ModelSequenceBatching.Types.ControlInput { Name = input.Name };
            foreach (var control in input.Control)
            {
                var kind = control.Kind switch
                {
                    "CONTROL_SEQUENCE_START" => Kind.ControlSequenceStart,
                    "CONTROL_SEQUENCE_END" => Kind.ControlSequenceEnd,
                    "CONTROL_SEQUENCE_READY" => Kind.ControlSequenceReady,
                    _ => Kind.ControlSequenceCorrid,
                };
                var one = new ModelSequenceBatching.Types.Control { Kind = kind, DataType = Type(control.DataType) };
                one.Int32FalseTrue.Add(control.Int32FalseTrue ?? []);
                one.Fp32FalseTrue.Add(control.Fp32FalseTrue ?? []);
                one.BoolFalseTrue.Add(control.BoolFalseTrue ?? []);
                mapped.Control.Add(one);
            }

            answer.ControlInput.Add(mapped);
        }

        foreach (var state in sequences.State)
        {
            var mapped = new ModelSequenceBatching.Types.State { InputName = state.InputName, OutputName = state.OutputName, DataType = Type(state.DataType) };
            mapped.Dims.Add(state.Dims);
            answer.State.Add(mapped);
        }

        return answer;
    }

    private static DataType Type(string? name) =>
        TensorDataTypes.TryParseConfigName(name, out var type) ? InferenceGrpcService.ConfigType(type) : DataType.TypeInvalid;
}
