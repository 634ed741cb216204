namespace MaaS.Models.OpenInference;

/// <summary>A decoded infer request: what the model runs, and how its outputs are written back.</summary>
/// <param name="Request">The tensors and the requested output names.</param>
/// <param name="Encoding">Which outputs go back as binary.</param>
/// <param name="Id">The request id, echoed in the response.</param>
internal readonly record struct V2InferCall(InferenceRequest Request, V2OutputEncoding Encoding, string? Id)
{
    /// <summary>Everything the body asks for, or its first problem: a null, the inputs, the output encoding, the tensors.</summary>
    public static Result<V2InferCall> Decode(V2InferBody body)
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
            || !Classifications(request.Outputs).TryGetValue(out var classifications, out error)
            || !V2TensorCodec.DecodeAll(request.Inputs, body.Binary.Span, body.HasBinaryPart).TryGetValue(out var inputs, out error))
        {
            return error;
        }

        var call = new InferenceRequest(inputs, OutputNames(request.Outputs)) { Classifications = classifications };
        if (!V2SchedulePolicy.Apply(call, request.Parameters).TryGetValue(out call, out error)
            || !V2SequenceParameters.Apply(call, request.Parameters).TryGetValue(out call, out error))
        {
            return error;
        }

        return new V2InferCall(call, encoding, request.Id);
    }

    /// <summary>
    /// The response to this call: JSON outputs carry their data; binary ones carry only their size, and their arrays are
    /// added to <paramref name="blobs"/> in output order (null when every output is JSON).
    /// </summary>
    public V2InferResponse Encode(InferenceResponse response, out List<Array>? blobs)
    {
        var written = new V2InferOutput[response.Outputs.Count];
        blobs = null;
        for (int i = 0; i < written.Length; i++)
        {
            var o = response.Outputs[i];
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
