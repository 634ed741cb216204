using MaaS.Models.SharedMemory;

namespace MaaS.Models.OpenInference;

/// <summary>A decoded infer request: what the model runs, and how its outputs are written back.</summary>
/// <param name="Request">The tensors and the requested output names.</param>
/// <param name="Encoding">Which outputs go back as binary.</param>
/// <param name="Id">The request id, echoed in the response.</param>
/// <param name="SharedMemory">The call's shared memory (inputs read, outputs to write), null when the host serves none.</param>
internal readonly record struct V2InferCall(InferenceRequest Request, V2OutputEncoding Encoding, string? Id, SharedMemoryCall? SharedMemory = null)
{
    /// <summary>Everything the body asks for, or its first problem: a null, the inputs, the output encoding, the tensors.</summary>
    /// <param name="body">The request body.</param>
    /// <param name="sharedMemory">The call's shared memory, owned and disposed by the caller; null refuses shared-memory tensors.</param>
    public static Result<V2InferCall> Decode(V2InferBody body, SharedMemoryCall? sharedMemory = null)
    {
        var request = body.Request;
        if (V2NullCheck.Find(request) is { } path)
        {
            return V2Mapping.Invalid($"'{path}' is null; null is not a value in an infer request (leave out a member that has no value)");
        }

        if (request.Inputs is not { Count: > 0 })
        {
            return V2Mapping.Invalid("the request needs at least one input");
        }

        if (!V2OutputEncoding.Parse(request).TryGetValue(out var encoding, out var error)
            || !Classifications(request.Outputs).TryGetValue(out var classifications, out error))
        {
            return error;
        }

        if (SharedMemoryOutputs(request.Outputs, sharedMemory) is { } refused)
        {
            return refused;
        }

        if (!V2TensorCodec.DecodeAll(request.Inputs, body.Binary.Span, body.HasBinaryPart, sharedMemory).TryGetValue(out var inputs, out error))
        {
            return error;
        }

        var call = new InferenceRequest(inputs, OutputNames(request.Outputs)) { Classifications = classifications };
        if (!V2SchedulePolicy.Apply(call, request.Parameters).TryGetValue(out call, out error)
            || !V2SequenceParameters.Apply(call, request.Parameters).TryGetValue(out call, out error))
        {
            return error;
        }

        return new V2InferCall(call, encoding, request.Id, sharedMemory);
    }

    /// <summary>
    /// The response to this call: JSON outputs carry their data; binary ones carry only their size, and their arrays are
    /// added to <paramref name="blobs"/> in output order (null when every output is JSON); shared memory ones are
    /// written to their region and carry only its place. Fails only when an output's region is too small for it.
    /// </summary>
    public Result<V2InferResponse> Encode(InferenceResponse response, out List<Array>? blobs)
    {
        var written = new V2InferOutput[response.Outputs.Count];
        blobs = null;
        for (int i = 0; i < written.Length; i++)
        {
            var o = response.Outputs[i];
            if (SharedMemory is { HasOutputs: true } shared)
            {
                if (!shared.WriteOutput(o).TryGetValue(out var place, out var error))
                {
                    blobs = null;
                    return error;
                }

                if (place is { } p)
                {
                    written[i] = new V2InferOutput(o.Name, o.DataType.ToProtocolName(), o.Shape, null, new V2OutputParameters(null)
                    {
                        SharedMemoryRegion = p.Region,
                        SharedMemoryByteSize = p.ByteSize,
                        SharedMemoryOffset = p.Offset != 0 ? p.Offset : null,
                    });
                    continue;
                }
            }

            if (Encoding.IsBinary(o.Name))
            {
                (blobs ??= []).Add(o.Data);
                written[i] = new V2InferOutput(o.Name, o.DataType.ToProtocolName(), o.Shape, null, new V2OutputParameters(V2BinaryTensors.EncodedSize(o.Data)));
            }
            else
            {
                written[i] = new V2InferOutput(o.Name, o.DataType.ToProtocolName(), o.Shape, o.Data);
            }
        }

        return new V2InferResponse(response.ModelName, V2Mapping.Text(response.ModelVersion), Id, written);
    }

    /// <summary>
    /// Whether any input or requested output names a shared memory region: only such a call needs a
    /// <see cref="SharedMemoryCall"/>; for any other one a null call is never consulted.
    /// </summary>
    public static bool NamesSharedMemory(V2InferRequest request)
    {
        foreach (var input in request.Inputs)
        {
            if (input.Parameters?.ContainsKey(SharedMemoryTensor.RegionParameter) == true)
            {
                return true;
            }
        }

        foreach (var output in request.Outputs ?? [])
        {
            if (output.Parameters?.ContainsKey(SharedMemoryTensor.RegionParameter) == true)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Notes the outputs asked for in shared memory (their parameters name a region); the first problem, or null.</summary>
    private static Error? SharedMemoryOutputs(List<V2RequestedOutput>? outputs, SharedMemoryCall? sharedMemory)
    {
        foreach (var output in outputs ?? [])
        {
            if (!V2TensorCodec.SharedMemoryPlace(output.Parameters, $"output '{output.Name}'").TryGetValue(out var place, out var error))
            {
                return error;
            }

            if (place is { } p && (sharedMemory is null ? SharedMemoryRegistry.Disabled : sharedMemory.AddOutput(output.Name, p)) is { } refused)
            {
                return refused;
            }
        }

        return null;
    }

    /// <summary>The outputs asked for as their top classes (parameters.classification, a whole number), or null when none is.</summary>
    private static Result<Dictionary<string, int>?> Classifications(List<V2RequestedOutput>? outputs)
    {
        Dictionary<string, int>? counts = null;
        if (outputs is null)
        {
            return counts;
        }

        foreach (var output in outputs)
        {
            if (output.Parameters is null || !output.Parameters.TryGetValue(ClassificationOutputs.Parameter, out var element))
            {
                continue;
            }

            long? count = element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out long whole) ? whole : null;
            if (ClassificationOutputs.Add(ref counts, output.Name, count) is { } error)
            {
                return error;
            }
        }

        return counts;
    }

    private static string[]? OutputNames(List<V2RequestedOutput>? outputs)
    {
        if (outputs is null)
        {
            return null;
        }

        var names = new string[outputs.Count];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = outputs[i].Name;
        }

        return names;
    }
}
