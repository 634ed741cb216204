using System.Text;
using Google.Protobuf;
using MaaS.Models.Inference;
using MaaS.Models.SharedMemory;

namespace MaaS.Grpc;

/// <summary>
/// Maps <c>ModelInfer</c> messages to the inference path's tensors and back. Raw contents use Triton's binary tensor
/// encoding, which <see cref="V2BinaryTensors"/> already reads and writes for HTTP's binary extension, so both
/// protocols decode the same bytes the same way; typed <c>contents</c> are read for clients that send them. Outputs
/// always go back as <c>raw_output_contents</c>, as Triton answers. Stateless and thread-safe.
/// </summary>
internal static class GrpcTensors
{
    // Strict: invalid UTF-8 in a BYTES element is the caller's mistake, not a string to guess at.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The request's tensors and requested outputs, or its first problem.</summary>
    /// <param name="request">The call's message.</param>
    /// <param name="sharedMemory">The call's shared memory, owned and disposed by the caller; null refuses shared-memory tensors.</param>
    public static Result<InferenceRequest> Decode(ModelInferRequest request, SharedMemoryCall? sharedMemory = null)
    {
        if (request.Inputs.Count == 0)
        {
            return V2Mapping.Invalid("the request needs at least one input");
        }

        // Triton's rule: raw_input_contents holds the inputs that are not in shared memory, in input order.
        var places = new SharedMemoryTensor?[request.Inputs.Count];
        int rawInputs = 0;
        for (int i = 0; i < places.Length; i++)
        {
            if (!Place(request.Inputs[i].Parameters, $"input '{request.Inputs[i].Name}'").TryGetValue(out places[i], out var error))
            {
                return error;
            }

            rawInputs += places[i] is null ? 1 : 0;
        }

        var raw = request.RawInputContents;
        if (raw.Count > 0 && raw.Count != rawInputs)
        {
            return V2Mapping.Invalid(rawInputs == request.Inputs.Count
                ? $"raw_input_contents has {raw.Count} entries but the request has {request.Inputs.Count} inputs; give one per input, in input order"
                : $"raw_input_contents has {raw.Count} entries but the request has {rawInputs} inputs outside shared memory; give one for each of those, in input order");
        }

        var tensors = new InferTensor[request.Inputs.Count];
        for (int i = 0, next = 0; i < tensors.Length; i++)
        {
            var input = request.Inputs[i];
            var decoded = places[i] is { } place ? Shared(input, place, sharedMemory) : Decode(input, raw.Count > 0 ? raw[next++] : null);
            if (!decoded.TryGetValue(out var tensor, out var error))
            {
                return error;
            }

            tensors[i] = tensor;
        }

        for (int i = 0; i < request.Outputs.Count; i++)
        {
            var output = request.Outputs[i];
            if (output.Parameters.Count == 0)
            {
                continue;
            }

            if (!Place(output.Parameters, $"output '{output.Name}'").TryGetValue(out var place, out var error))
            {
                return error;
            }

            if (place is { } p && (sharedMemory is null ? SharedMemoryRegistry.Disabled : sharedMemory.AddOutput(output.Name, p)) is { } notPlaced)
            {
                return notPlaced;
            }
        }

        string[]? outputs = request.Outputs.Count == 0 ? null : [.. request.Outputs.Select(o => o.Name)];
        Dictionary<string, int>? classifications = null;
        // By index: RepeatedField's enumerator is an object, and most calls name no outputs at all.
        for (int i = 0; i < request.Outputs.Count; i++)
        {
            var output = request.Outputs[i];
            if (!output.Parameters.TryGetValue(ClassificationOutputs.Parameter, out var parameter))
            {
                continue;
            }

            // Triton takes the count as int64_param only.
            long? count = parameter.ParameterChoiceCase == InferParameter.ParameterChoiceOneofCase.Int64Param ? parameter.Int64Param : null;
            if (ClassificationOutputs.Add(ref classifications, output.Name, count) is { } error)
            {
                return error;
            }
        }

        var call = new InferenceRequest(tensors, outputs) { Classifications = classifications };
        return request.Parameters.Count == 0 ? call
            : SchedulePolicy(call, request.Parameters).TryGetValue(out var scheduled, out var refused) ? Sequence(scheduled, request.Parameters) : refused;
    }

    /// <summary>
    /// Triton's sequence parameters as tritonclient sends them: <c>sequence_id</c> as int64_param (uint64_param too) or
    /// string_param, <c>sequence_start</c> and <c>sequence_end</c> as bool_param.
    /// </summary>
    private static Result<InferenceRequest> Sequence(InferenceRequest call, Google.Protobuf.Collections.MapField<string, InferParameter> parameters)
    {
        bool hasId = parameters.TryGetValue(V2SequenceParameters.Id, out var id);
        bool hasStart = parameters.TryGetValue(V2SequenceParameters.Start, out var start);
        bool hasEnd = parameters.TryGetValue(V2SequenceParameters.End, out var end);
        if (!hasId && !hasStart && !hasEnd)
        {
            return call;
        }

        SequenceId sequence = default;
        if (hasId)
        {
            switch (id!.ParameterChoiceCase)
            {
                case InferParameter.ParameterChoiceOneofCase.Int64Param when id.Int64Param >= 0:
                    sequence = new SequenceId((ulong)id.Int64Param);
                    break;
                case InferParameter.ParameterChoiceOneofCase.Uint64Param:
                    sequence = new SequenceId(id.Uint64Param);
                    break;
                case InferParameter.ParameterChoiceOneofCase.StringParam:
                    sequence = new SequenceId(0, id.StringParam);
                    break;
                default:
                    return V2SequenceParameters.InvalidId(id.ParameterChoiceCase == InferParameter.ParameterChoiceOneofCase.Int64Param
                        ? "a negative int64_param, not" : $"a {id.ParameterChoiceCase}, not an int64_param, uint64_param or string_param holding");
            }
        }

        foreach (var (name, parameter) in new[] { (V2SequenceParameters.Start, start), (V2SequenceParameters.End, end) })
        {
            if (parameter is not null && parameter.ParameterChoiceCase != InferParameter.ParameterChoiceOneofCase.BoolParam)
            {
                return V2SequenceParameters.InvalidFlag(name, $"{parameter.ParameterChoiceCase}, not a bool_param holding");
            }
        }

        return call with { Sequence = new SequenceControl(sequence, start?.BoolParam == true, end?.BoolParam == true) };
    }

    /// <summary>Triton's <c>priority</c> and <c>timeout</c> parameters, as tritonclient sends them (uint64_param and int64_param; either is taken).</summary>
    private static Result<InferenceRequest> SchedulePolicy(InferenceRequest call, Google.Protobuf.Collections.MapField<string, InferParameter> parameters)
    {
        ulong? priority = null, timeout = null;
        foreach (var name in (ReadOnlySpan<string>)[V2SchedulePolicy.Priority, V2SchedulePolicy.Timeout])
        {
            if (!parameters.TryGetValue(name, out var parameter))
            {
                continue;
            }

            ulong? value = parameter.ParameterChoiceCase switch
            {
                InferParameter.ParameterChoiceOneofCase.Uint64Param => parameter.Uint64Param,
                InferParameter.ParameterChoiceOneofCase.Int64Param when parameter.Int64Param >= 0 => (ulong)parameter.Int64Param,
                _ => null,
            };
            if (value is null)
            {
                return V2SchedulePolicy.Invalid(name, parameter.ParameterChoiceCase == InferParameter.ParameterChoiceOneofCase.Int64Param
                    ? "a negative int64_param, not" : $"a {parameter.ParameterChoiceCase}, not a uint64_param or int64_param holding");
            }

            _ = name == V2SchedulePolicy.Priority ? priority = value : timeout = value;
        }

        return priority is null && timeout is null ? call : call with { Priority = priority ?? 0, QueueTimeoutMicroseconds = timeout ?? 0 };
    }

    /// <summary>
    /// The answer to a call: output metadata in order, each output's bytes in <c>raw_output_contents</c>; an output the
    /// call asked for in shared memory is written there and has an empty entry, its parameters saying where it went.
    /// Fails only when such an output's place is too small for it.
    /// </summary>
    public static Result<ModelInferResponse> Encode(InferenceResponse response, string id, SharedMemoryCall? sharedMemory = null)
    {
        var answer = new ModelInferResponse
        {
            ModelName = response.ModelName,
            ModelVersion = V2Mapping.Text(response.ModelVersion),
            Id = id,
        };
        foreach (var output in response.Outputs)
        {
            var tensor = new ModelInferResponse.Types.InferOutputTensor { Name = output.Name, Datatype = output.DataType.ToProtocolName() };
            tensor.Shape.Add(output.Shape);
            answer.Outputs.Add(tensor);
            if (sharedMemory is { HasOutputs: true })
            {
                if (!sharedMemory.WriteOutput(output).TryGetValue(out var place, out var error))
                {
                    return error;
                }

                if (place is { } p)
                {
                    tensor.Parameters.Add(SharedMemoryTensor.RegionParameter, new InferParameter { StringParam = p.Region });
                    tensor.Parameters.Add(SharedMemoryTensor.ByteSizeParameter, new InferParameter { Int64Param = p.ByteSize });
                    if (p.Offset != 0)
                    {
                        tensor.Parameters.Add(SharedMemoryTensor.OffsetParameter, new InferParameter { Int64Param = p.Offset });
                    }

                    answer.RawOutputContents.Add(ByteString.Empty);
                    continue;
                }
            }

            var bytes = new ArrayBufferWriter<byte>(checked((int)V2BinaryTensors.EncodedSize(output.Data)));
            V2BinaryTensors.Write(bytes, output.Data);
            // The writer is this call's own and never written again: wrap it rather than copy.
            answer.RawOutputContents.Add(UnsafeByteOperations.UnsafeWrap(bytes.WrittenMemory));
        }

        return answer;
    }

    /// <summary>
    /// Whether any input or requested output names a shared memory region: only such a call needs a
    /// <see cref="SharedMemoryCall"/>; for any other one a null call is never consulted.
    /// </summary>
    public static bool NamesSharedMemory(ModelInferRequest request)
    {
        foreach (var input in request.Inputs)
        {
            if (input.Parameters.ContainsKey(SharedMemoryTensor.RegionParameter))
            {
                return true;
            }
        }

        foreach (var output in request.Outputs)
        {
            if (output.Parameters.ContainsKey(SharedMemoryTensor.RegionParameter))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A tensor's place in shared memory from its parameters as tritonclient sends them (<c>shared_memory_region</c> as
    /// string_param, <c>shared_memory_byte_size</c> and <c>shared_memory_offset</c> as int64_param; uint64_param too),
    /// null when it has none, or why they are wrong.
    /// </summary>
    private static Result<SharedMemoryTensor?> Place(Google.Protobuf.Collections.MapField<string, InferParameter> parameters, string owner)
    {
        if (parameters.Count == 0)
        {
            return Result<SharedMemoryTensor?>.Ok(null);
        }

        string? region = null;
        if (parameters.TryGetValue(SharedMemoryTensor.RegionParameter, out var name))
        {
            if (name.ParameterChoiceCase != InferParameter.ParameterChoiceOneofCase.StringParam)
            {
                return V2Mapping.Invalid($"{owner} has parameters.{SharedMemoryTensor.RegionParameter} as a {name.ParameterChoiceCase}, not a string_param");
            }

            region = name.StringParam;
        }

        static long? Whole(Google.Protobuf.Collections.MapField<string, InferParameter> parameters, string key) =>
            !parameters.TryGetValue(key, out var value) ? null
            : value.ParameterChoiceCase switch
            {
                InferParameter.ParameterChoiceOneofCase.Int64Param when value.Int64Param >= 0 => value.Int64Param,
                InferParameter.ParameterChoiceOneofCase.Uint64Param when value.Uint64Param <= long.MaxValue => (long)value.Uint64Param,
                _ => -1,
            };

        return SharedMemoryTensor.From(owner, region, Whole(parameters, SharedMemoryTensor.ByteSizeParameter), Whole(parameters, SharedMemoryTensor.OffsetParameter));
    }

    // An input read from shared memory: the shape checked as any input's, no contents of its own.
    private static Result<InferTensor> Shared(ModelInferRequest.Types.InferInputTensor input, SharedMemoryTensor place, SharedMemoryCall? sharedMemory)
    {
        if (!Declared(input).TryGetValue(out var declared, out var error))
        {
            return error;
        }

        if (input.Contents is not null)
        {
            return V2Mapping.Invalid($"input '{input.Name}' has parameters.{SharedMemoryTensor.RegionParameter} and also contents; give one");
        }

        return sharedMemory is null ? SharedMemoryRegistry.Disabled : sharedMemory.ReadInput(input.Name, declared.Type, declared.Shape, declared.Count, place);
    }

    // The name, datatype and shape every input declares, checked.
    private static Result<(TensorDataType Type, long[] Shape, long Count)> Declared(ModelInferRequest.Types.InferInputTensor input)
    {
        if (string.IsNullOrEmpty(input.Name))
        {
            return V2Mapping.Invalid("every input needs a name");
        }

        if (!TensorDataTypes.TryParse(input.Datatype, out var type))
        {
            return V2Mapping.Invalid($"input '{input.Name}' has an unknown datatype '{input.Datatype}'");
        }

        long[] shape = [.. input.Shape];
        long count = ShapeMath.Product(shape);
        if (count < 0)
        {
            return V2Mapping.Invalid($"input '{input.Name}' has a negative dimension in shape {ShapeMath.Format(shape)}");
        }

        if (count > V2TensorCodec.MaxElements)
        {
            return V2Mapping.Invalid($"input '{input.Name}' has {count} elements; at most {V2TensorCodec.MaxElements} are accepted");
        }

        return (type, shape, count);
    }

    private static Result<InferTensor> Decode(ModelInferRequest.Types.InferInputTensor input, ByteString? raw)
    {
        if (!Declared(input).TryGetValue(out var declared, out var invalid))
        {
            return invalid;
        }

        var (type, shape, count) = declared;

        Result<Array> data;
        if (raw is not null)
        {
            if (input.Contents is not null)
            {
                return V2Mapping.Invalid($"input '{input.Name}' has contents but the request has raw_input_contents; give one or the other");
            }

            // Checked here so the message names this protocol's field rather than HTTP's binary_data_size.
            long size = count * V2BinaryTensors.ElementSize(type);
            if (type != TensorDataType.Bytes && raw.Length != size)
            {
                return V2Mapping.Invalid($"input '{input.Name}' has {raw.Length} bytes in raw_input_contents but its shape needs {count} {type.ToProtocolName()} elements = {size} bytes");
            }

            data = V2BinaryTensors.Decode(input.Name, type, (int)count, raw.Span);
        }
        else if (input.Contents is { } contents)
        {
            data = Typed(input.Name, type, (int)count, contents);
        }
        else
        {
            return V2Mapping.Invalid($"input '{input.Name}' has no contents and the request has no raw_input_contents");
        }

        return data.TryGetValue(out var array, out var problem) ? new InferTensor(input.Name, type, shape, array) : problem;
    }

    private static Result<Array> Typed(string name, TensorDataType type, int count, InferTensorContents contents)
    {
        Result<Array> Counted<T>(ICollection<T> values, Func<T[]> convert) =>
            values.Count == count
                ? convert()
                : V2Mapping.Invalid($"input '{name}' has {values.Count} {type.ToProtocolName()} elements in contents but its shape needs {count}");

        switch (type)
        {
            case TensorDataType.Bool: return Counted(contents.BoolContents, () => [.. contents.BoolContents]);
            case TensorDataType.Int32: return Counted(contents.IntContents, () => [.. contents.IntContents]);
            case TensorDataType.Int64: return Counted(contents.Int64Contents, () => [.. contents.Int64Contents]);
            case TensorDataType.Fp32: return Counted(contents.Fp32Contents, () => [.. contents.Fp32Contents]);
            case TensorDataType.Fp64: return Counted(contents.Fp64Contents, () => [.. contents.Fp64Contents]);
            case TensorDataType.Int8:
                return contents.IntContents.Any(v => v is < sbyte.MinValue or > sbyte.MaxValue)
                    ? V2Mapping.Invalid($"input '{name}' has an INT8 element outside [-128, 127]")
                    : Counted(contents.IntContents, () => [.. contents.IntContents.Select(v => (sbyte)v)]);
            case TensorDataType.Uint8:
                return contents.UintContents.Any(v => v > byte.MaxValue)
                    ? V2Mapping.Invalid($"input '{name}' has a UINT8 element above 255")
                    : Counted(contents.UintContents, () => [.. contents.UintContents.Select(v => (byte)v)]);
            case TensorDataType.Bytes:
                if (contents.BytesContents.Count != count)
                {
                    return V2Mapping.Invalid($"input '{name}' has {contents.BytesContents.Count} BYTES elements in contents but its shape needs {count}");
                }

                var strings = new string[count];
                for (int i = 0; i < count; i++)
                {
                    try
                    {
                        strings[i] = StrictUtf8.GetString(contents.BytesContents[i].Span);
                    }
                    catch (DecoderFallbackException)
                    {
                        return V2Mapping.Invalid($"input '{name}' element {i} is not valid UTF-8");
                    }
                }

                return strings;
            default:
                return V2Mapping.Invalid($"input '{name}' has datatype {type.ToProtocolName()}, which has no typed contents: send it in raw_input_contents");
        }
    }
}
