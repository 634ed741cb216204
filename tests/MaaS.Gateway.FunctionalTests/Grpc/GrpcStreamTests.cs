using System.Runtime.InteropServices;
using Google.Protobuf;
using Grpc.Core;
using MaaS.Gateway.FunctionalTests.Tracing;
using MaaS.Grpc.Protocol;

namespace MaaS.Gateway.FunctionalTests.Grpc;

/// <summary>
/// Triton's <c>ModelStreamInfer</c> with the .NET client on the built gateway: many requests on one stream answered
/// with their ids and the unary path's outputs for every bundled model, a sequence over one stream, an error mid-stream
/// answered and the stream going on (or ending it with <c>triton_grpc_error</c>), the key's rate per request, the
/// client's cancellation, authentication once per stream, and a streamed request's trace.
/// </summary>
public sealed class GrpcStreamTests
{
    [Fact]
    public async Task ModelStreamInfer_EveryBundledModelManyRequests_IdsMatchedOutputsEqualUnary()
    {
        var ct = Ct;
        using var gateway = await GrpcGateway.StartAsync(null, ct);
        Assert.SkipWhen(gateway is null, "the gateway is not built");
        var client = gateway.Client();
        var index = await client.RepositoryIndexAsync(new RepositoryIndexRequest { Ready = true }, Admin(), deadline: Deadline(), cancellationToken: ct);
        var rng = new Random(7);
        var requests = new List<ModelInferRequest>();
        foreach (var model in index.Models.Select(m => m.Name).Distinct())
        {
            var metadata = await client.ModelMetadataAsync(new ModelMetadataRequest { Name = model }, Admin(), deadline: Deadline(), cancellationToken: ct);
            for (int i = 0; i < 3; i++)
            {
                requests.Add(Random(metadata, $"{model}#{i}", rng));
            }
        }

        var unary = new Dictionary<string, (ModelInferResponse? Answer, string? Error)>();
        foreach (var request in requests)
        {
            try
            {
                unary[request.Id] = (await client.ModelInferAsync(request, Admin(), deadline: Deadline(), cancellationToken: ct), null);
            }
            catch (RpcException e)
            {
                unary[request.Id] = (null, e.Status.Detail);
            }
        }

        var streamed = await StreamAsync(client, requests, Admin(), ct);

        Assert.True(index.Models.Count >= 8, $"{index.Models.Count} models ready");
        Assert.Equal(requests.Select(r => r.Id).Order(), streamed.Select(a => a.InferResponse.Id).Order());
        Assert.True(unary.Values.Count(u => u.Answer is not null) >= 15, "fewer than five models answered the random inputs: " + string.Join("; ", unary.Where(u => u.Value.Error is not null).Select(u => $"{u.Key}: {u.Value.Error}")));
        foreach (var answer in streamed)
        {
            var (expected, error) = unary[answer.InferResponse.Id];
            if (error is not null)
            {
                Assert.Equal(error, answer.ErrorMessage);
                continue;
            }

            Assert.True(answer.ErrorMessage.Length == 0, $"{answer.InferResponse.Id}: {answer.ErrorMessage}");
            AssertSame(expected!, answer.InferResponse);
        }
    }

    [Fact]
    public async Task ModelStreamInfer_SessionSequencesInterleavedOnOneStream_StatesAsUnary()
    {
        var ct = Ct;
        using var gateway = await GrpcGateway.StartAsync(null, ct);
        Assert.SkipWhen(gateway is null, "the gateway is not built");
        var client = gateway.Client();
        var rng = new Random(11);
        float[][] items = [.. Enumerable.Range(0, 6).Select(_ => Enumerable.Range(0, ExampleSession.Features).Select(_ => (float)rng.NextDouble()).ToArray())];

        // Unary: sequence 100 one call after another. Streamed: sequences 200 and 300 sent at once, interleaved.
        var expected = new List<ModelInferResponse>();
        for (int step = 0; step < items.Length; step++)
        {
            expected.Add(await client.ModelInferAsync(Session(items[step], 100, step, items.Length, "u"), Admin(), deadline: Deadline(), cancellationToken: ct));
        }

        var requests = Enumerable.Range(0, items.Length)
            .SelectMany(step => new[] { Session(items[step], 200, step, items.Length, "a"), Session(items[step], 300, step, items.Length, "b") }).ToList();
        var streamed = (await StreamAsync(client, requests, Admin(), ct)).ToDictionary(a => a.InferResponse.Id);

        for (int step = 0; step < items.Length; step++)
        {
            foreach (string sequence in new[] { "a", "b" })
            {
                var answer = streamed[$"{sequence}{step}"];
                Assert.True(answer.ErrorMessage.Length == 0, $"{sequence}{step}: {answer.ErrorMessage}");
                AssertSame(expected[step], answer.InferResponse);
            }
        }
    }

    [Fact]
    public async Task ModelStreamInfer_ErrorMidStreamStrictHeaderNoKeyAndTrace_AsTritonAnswersThem()
    {
        using var folder = new TempFolder("maas-trace-");
        var ct = Ct;
        using var gateway = await GrpcGateway.StartAsync(GrpcGateway.TracingEveryRequest(folder), ct);
        Assert.SkipWhen(gateway is null, "the gateway is not built");
        var client = gateway.Client();

        // One after another, so the trace files are numbered in the stream's order.
        var before = DateTime.UtcNow;
        var answers = new List<ModelStreamInferResponse>();
        using (var call = client.ModelStreamInfer(Admin(), deadline: Deadline(), cancellationToken: ct))
        {
            foreach (var request in new[] { Mlp("first"), Mlp("unknown", "no-such-model"), Mlp("bad", rows: 0), Mlp("last") })
            {
                await call.RequestStream.WriteAsync(request, ct);
                Assert.True(await call.ResponseStream.MoveNext(ct), $"no answer to {request.Id}");
                answers.Add(call.ResponseStream.Current);
            }

            await call.RequestStream.CompleteAsync();
            Assert.False(await call.ResponseStream.MoveNext(ct), "an answer too many");
        }

        var after = DateTime.UtcNow;
        var strict = new Metadata { { "x-api-key", GrpcGateway.AdminKey }, { "triton_grpc_error", "true" } };
        RpcException ended;
        ModelStreamInferResponse beforeEnd;
        using (var call = client.ModelStreamInfer(strict, deadline: Deadline(), cancellationToken: ct))
        {
            await call.RequestStream.WriteAsync(Mlp("ok"), ct);
            Assert.True(await call.ResponseStream.MoveNext(ct));
            beforeEnd = call.ResponseStream.Current;
            await call.RequestStream.WriteAsync(Mlp("bad", rows: 0), ct);
            ended = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNext(ct));
        }

        RpcException unauthenticated;
        using (var call = client.ModelStreamInfer(new Metadata(), deadline: Deadline(), cancellationToken: ct))
        {
            // Refused as the call starts, before any request: a write racing the refusal could fail as Cancelled (the
            // server has reset the stream) and take the call's status with it, as a clean-clone run saw once.
            unauthenticated = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNext(ct));
        }

        Assert.Equal(["first", "unknown", "bad", "last"], answers.Select(a => a.InferResponse.Id));
        Assert.Equal(["", "", ""], new[] { answers[0], answers[3], beforeEnd }.Select(a => a.ErrorMessage));
        Assert.Contains("no-such-model", answers[1].ErrorMessage, StringComparison.Ordinal);
        Assert.NotEqual("", answers[2].ErrorMessage);
        Assert.Equal(StatusCode.InvalidArgument, ended.StatusCode);
        Assert.Equal(answers[2].ErrorMessage, ended.Status.Detail);
        Assert.Equal(StatusCode.Unauthenticated, unauthenticated.StatusCode);
        // The unknown model's request is not traced (else it were file 1); the refused shape reached its model, which refused it.
        var files = new List<(string Name, long Ns)[]>();
        for (int n = 0; n < 3; n++)
        {
            var file = await TraceFiles.ReadAsync(folder[$"trace.json.{n}"]);
            var record = Assert.Single(file, e => e!.AsObject().ContainsKey("model_name"))!;
            Assert.True(record["model_name"]!.GetValue<string>() == "example-mlp", $"trace {n}: {record.ToJsonString()}");
            files.Add(TraceFiles.Timestamps(file, record["id"]!.GetValue<long>()));
        }

        TraceFiles.AssertInOrderWithin(files[0], TraceFiles.GrpcOrder, before, after);
        TraceFiles.AssertInOrderWithin(files[1], ["GRPC_WAIT_READ_END", "REQUEST_START", "REQUEST_END", "GRPC_SEND_START", "GRPC_SEND_END"], before, after);
        TraceFiles.AssertInOrderWithin(files[2], TraceFiles.GrpcOrder, before, after);
    }

    [Fact]
    public async Task ModelStreamInfer_KeyOverItsRateThenCancelled_ErrorAnswersAndTheWorkEnds()
    {
        var ct = Ct;
        using var gateway = await GrpcGateway.StartAsync(null, ct);
        Assert.SkipWhen(gateway is null, "the gateway is not built");
        // Two tokens and almost no refill: the stream's opening takes one, its first request the other.
        string key = await gateway.CreateKeyAsync(["app"], ct, limits: new JsonObject { ["requestsPerSecond"] = 0.01, ["burst"] = 2 });
        var client = gateway.Client();
        var limited = await StreamAsync(client, [Mlp("1"), Mlp("2"), Mlp("3")], new Metadata { { "x-api-key", key } }, ct);

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        RpcException cancelled;
        using (var call = client.ModelStreamInfer(Admin(), cancellationToken: cancel.Token))
        {
            for (int i = 0; i < 40; i++)
            {
                await call.RequestStream.WriteAsync(Mlp($"c{i}", rows: 64), ct);
            }

            await cancel.CancelAsync();
            cancelled = await Assert.ThrowsAsync<RpcException>(async () =>
            {
                while (await call.ResponseStream.MoveNext(CancellationToken.None))
                {
                }
            });
        }

        // The stream's admission ticket (and every request's grant) is given back once its work has ended.
        string inFlight = "";
        for (int i = 0; i < 600 && inFlight != "0"; i++)
        {
            using var metrics = await gateway.SendAsync(HttpMethod.Get, "/metrics", null, ct);
            var line = (await metrics.Content.ReadAsStringAsync(ct)).Split('\n').FirstOrDefault(l => l.StartsWith("maas_admission_in_flight", StringComparison.Ordinal));
            inFlight = line?.Split(' ')[^1] ?? "";
            if (inFlight != "0")
            {
                await Task.Delay(100, ct);
            }
        }

        var after = await client.ModelInferAsync(Mlp("after"), Admin(), deadline: Deadline(), cancellationToken: ct);

        Assert.Equal(["1", "2", "3"], limited.Select(a => a.InferResponse.Id).Order());
        var answered = limited.Where(a => a.ErrorMessage.Length == 0).ToList();
        Assert.True(answered.Count == 1, string.Join("; ", limited.Select(a => $"{a.InferResponse.Id}: {a.ErrorMessage}")));
        Assert.All(limited.Except(answered), a => Assert.Contains("rate", a.ErrorMessage, StringComparison.Ordinal));
        Assert.Equal(StatusCode.Cancelled, cancelled.StatusCode);
        Assert.Equal("0", inFlight);
        Assert.Equal("after", after.Id);
    }

    /// <summary>Sends every request on one stream, then reads the answers to the end.</summary>
    private static async Task<List<ModelStreamInferResponse>> StreamAsync(
        GRPCInferenceService.GRPCInferenceServiceClient client, IEnumerable<ModelInferRequest> requests, Metadata headers, CancellationToken ct)
    {
        using var call = client.ModelStreamInfer(headers, deadline: Deadline(), cancellationToken: ct);
        var reading = Task.Run(async () =>
        {
            var answers = new List<ModelStreamInferResponse>();
            while (await call.ResponseStream.MoveNext(ct))
            {
                answers.Add(call.ResponseStream.Current);
            }

            return answers;
        }, ct);
        foreach (var request in requests)
        {
            await call.RequestStream.WriteAsync(request, ct);
        }

        await call.RequestStream.CompleteAsync();
        return await reading;
    }

    private static void AssertSame(ModelInferResponse expected, ModelInferResponse actual)
    {
        string id = actual.Id;
        Assert.Equal((expected.ModelName, expected.ModelVersion), (actual.ModelName, actual.ModelVersion));
        Assert.Equal(expected.Outputs.Select(o => (o.Name, o.Datatype, string.Join(',', o.Shape))), actual.Outputs.Select(o => (o.Name, o.Datatype, string.Join(',', o.Shape))));
        for (int i = 0; i < expected.Outputs.Count; i++)
        {
            var want = expected.RawOutputContents[i].Span;
            var got = actual.RawOutputContents[i].Span;
            if (expected.Outputs[i].Datatype != "FP32")
            {
                Assert.True(want.SequenceEqual(got), $"{id}: output {expected.Outputs[i].Name} differs");
                continue;
            }

            var a = MemoryMarshal.Cast<byte, float>(want);
            var b = MemoryMarshal.Cast<byte, float>(got);
            Assert.True(a.Length == b.Length, $"{id}: {b.Length} values, expected {a.Length}");
            for (int j = 0; j < a.Length; j++)
            {
                Assert.True(Math.Abs(a[j] - b[j]) <= 1e-6, $"{id}: {expected.Outputs[i].Name}[{j}] = {b[j]}, unary {a[j]}");
            }
        }
    }

    /// <summary>A request of random values for a model's declared inputs (a variable dimension 2; texts for BYTES).</summary>
    private static ModelInferRequest Random(ModelMetadataResponse metadata, string id, Random rng)
    {
        var request = new ModelInferRequest { ModelName = metadata.Name, Id = id };
        foreach (var spec in metadata.Inputs)
        {
            long[] shape = [.. spec.Shape.Select(d => d < 0 ? 2 : d)];
            int count = (int)shape.Aggregate(1L, (a, b) => a * b);
            var input = new ModelInferRequest.Types.InferInputTensor { Name = spec.Name, Datatype = spec.Datatype };
            input.Shape.Add(shape);
            request.Inputs.Add(input);
            byte[] raw = spec.Datatype switch
            {
                "FP32" => MemoryMarshal.AsBytes(Enumerable.Range(0, count).Select(_ => (float)rng.NextDouble()).ToArray().AsSpan()).ToArray(),
                "FP64" => MemoryMarshal.AsBytes(Enumerable.Range(0, count).Select(_ => rng.NextDouble()).ToArray().AsSpan()).ToArray(),
                "INT64" => MemoryMarshal.AsBytes(Enumerable.Range(0, count).Select(_ => (long)rng.Next(0, 2)).ToArray().AsSpan()).ToArray(),
                "INT32" => MemoryMarshal.AsBytes(Enumerable.Range(0, count).Select(_ => rng.Next(0, 2)).ToArray().AsSpan()).ToArray(),
                "BYTES" => [.. Enumerable.Range(0, count).SelectMany(i => Text(i % 2 == 0 ? "a great film, loved it" : "dull and far too long"))],
                _ => new byte[count * 4],
            };
            request.RawInputContents.Add(ByteString.CopyFrom(raw));
        }

        return request;

        static byte[] Text(string text)
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(text);
            return [.. BitConverter.GetBytes(utf8.Length), .. utf8];
        }
    }

    private static ModelInferRequest Session(float[] item, long sequence, int step, int steps, string prefix)
    {
        var request = new ModelInferRequest { ModelName = ExampleSession.Name, Id = $"{prefix}{step}" };
        var input = new ModelInferRequest.Types.InferInputTensor { Name = "item", Datatype = "FP32" };
        input.Shape.Add([1, ExampleSession.Features]);
        request.Inputs.Add(input);
        request.RawInputContents.Add(ByteString.CopyFrom(MemoryMarshal.AsBytes(item.AsSpan())));
        request.Parameters.Add("sequence_id", new InferParameter { Int64Param = sequence });
        request.Parameters.Add("sequence_start", new InferParameter { BoolParam = step == 0 });
        request.Parameters.Add("sequence_end", new InferParameter { BoolParam = step == steps - 1 });
        return request;
    }

    /// <summary>An example-mlp request of <paramref name="rows"/> rows (0: a shape the model refuses).</summary>
    private static ModelInferRequest Mlp(string id, string model = "example-mlp", int rows = 1)
    {
        var request = new ModelInferRequest { ModelName = model, Id = id };
        var input = new ModelInferRequest.Types.InferInputTensor { Name = "input", Datatype = "FP32" };
        input.Shape.Add(rows == 0 ? [1, 5] : [rows, 8]);
        request.Inputs.Add(input);
        float[] data = [.. Enumerable.Range(0, (rows == 0 ? 5 : rows * 8)).Select(i => (i % 8) / 10f)];
        request.RawInputContents.Add(ByteString.CopyFrom(MemoryMarshal.AsBytes(data.AsSpan())));
        return request;
    }

    private static Metadata Admin() => new() { { "x-api-key", GrpcGateway.AdminKey } };

    private static DateTime Deadline() => DateTime.UtcNow.AddMinutes(2);
}
