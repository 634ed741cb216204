using System.Runtime.InteropServices;
using MaaS.Models.Authoring;

namespace MaaS.Benchmarks.Serving;

/// <summary>
/// One large tensor three ways on an in-process gateway: a [1, 262144] FP32 input through a cheap graph (Mul by a
/// constant, written at run time with MaaS.Models.Authoring; never committed) and its [1, 262144] output, sent as /v2
/// JSON, as Triton's binary tensor body, and through system shared memory (a /dev/shm object registered as two
/// regions). After an unrecorded second of each, rounds interleave the modes (JSON, binary, shm, JSON, ...), each <c>--seconds</c> long with
/// <c>--clients</c> sequential callers; every answer is checked once per mode. Prints per mode and round the requests per
/// second and the process's CPU per request (gateway and client together: the bodies are built once, the answers read
/// as bytes, so the client's share is the socket copy), then each mode's median ratio to JSON.
/// Usage: <c>shm-transfer [--port 18095] [--rounds 3] [--seconds 5] [--clients 2]</c>
/// </summary>
internal static class SharedMemoryTransfer
{
    private const int Elements = 262_144;

    public static async Task<int> RunAsync(string[] args)
    {
        int port = Option(args, "--port", 18095), rounds = Option(args, "--rounds", 3), seconds = Option(args, "--seconds", 5), clients = Option(args, "--clients", 2);
        string root = Directory.CreateTempSubdirectory("maas-shm-transfer-").FullName;
        string shm = "/dev/shm/maas-shm-transfer-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        try
        {
            WriteModel(root);
            float[] input = [.. Enumerable.Range(0, Elements).Select(i => (i % 1000) / 1000f)];
            byte[] raw = MemoryMarshal.AsBytes(input.AsSpan()).ToArray();
            using (var file = new FileStream(shm, FileMode.Create))
            {
                file.Write(raw);
                file.SetLength(2L * raw.Length);
            }

            InProcessGateway.Start(port, root, batching: false, "shm-transfer", [.. InProcessGateway.UnboundedBudget, "--Serving:SharedMemory:Enabled=true", "--Auth:Limits:MaxRequestBodyBytes=67108864"]);
            await InProcessGateway.WaitReadyAsync(port);
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            string key = "/" + Path.GetFileName(shm);
            foreach (var (name, offset) in new[] { ("in", 0L), ("out", (long)raw.Length) })
            {
                using var registered = await client.PostAsync($"/v2/systemsharedmemory/region/{name}/register",
                    new StringContent($$"""{"key":"{{key}}","offset":{{offset}},"byte_size":{{raw.Length}}}"""));
                registered.EnsureSuccessStatusCode();
            }

            string jsonBody = $$"""{"inputs":[{"name":"x","shape":[1,{{Elements}}],"datatype":"FP32","data":[{{string.Join(',', input.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}}]}]}""";
            string binaryHeader = $$$"""{"inputs":[{"name":"x","shape":[1,{{{Elements}}}],"datatype":"FP32","parameters":{"binary_data_size":{{{raw.Length}}}}}],"parameters":{"binary_data_output":true}}""";
            string shmBody = $$$"""{"inputs":[{"name":"x","shape":[1,{{{Elements}}}],"datatype":"FP32","parameters":{"shared_memory_region":"in","shared_memory_byte_size":{{{raw.Length}}}}}],"outputs":[{"name":"y","parameters":{"shared_memory_region":"out","shared_memory_byte_size":{{{raw.Length}}}}}]}""";
            var modes = new (string Name, Func<HttpRequestMessage> Request)[]
            {
                ("json", () => new HttpRequestMessage(HttpMethod.Post, "/v2/models/wide/infer") { Content = new StringContent(jsonBody) }),
                ("binary", () =>
                {
                    var request = new HttpRequestMessage(HttpMethod.Post, "/v2/models/wide/infer") { Content = new ByteArrayContent([.. Encoding.UTF8.GetBytes(binaryHeader), .. raw]) };
                    request.Headers.Add("Inference-Header-Content-Length", Encoding.UTF8.GetByteCount(binaryHeader).ToString(CultureInfo.InvariantCulture));
                    return request;
                }),
                ("shm", () => new HttpRequestMessage(HttpMethod.Post, "/v2/models/wide/infer") { Content = new StringContent(shmBody) }),
            };
            foreach (var (name, request) in modes)
            {
                await CheckAsync(client, name, request, shm, raw.Length, input);
            }

            // One unrecorded second per mode first: the first JSON round otherwise pays the JIT and the pools' growth.
            foreach (var (_, request) in modes)
            {
                await MeasureAsync(client, request, clients, TimeSpan.FromSeconds(1));
            }

            var results = modes.ToDictionary(m => m.Name, _ => new List<(double Rate, double CpuMs)>());
            for (int round = 0; round < rounds; round++)
            {
                foreach (var (name, request) in modes)
                {
                    var (rate, cpu) = await MeasureAsync(client, request, clients, TimeSpan.FromSeconds(seconds));
                    results[name].Add((rate, cpu));
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round + 1} {name,-6} {rate,8:F1} req/s  {cpu,7:F2} ms CPU/request"));
                }
            }

            foreach (var (name, _) in modes)
            {
                var rate = results[name].Select((r, i) => r.Rate / results["json"][i].Rate).Order().ToArray();
                var cpu = results[name].Select((r, i) => r.CpuMs / results["json"][i].CpuMs).Order().ToArray();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{name,-6} vs json: throughput x{rate[rate.Length / 2]:F2} (range {rate[0]:F2}-{rate[^1]:F2}), CPU/request x{cpu[cpu.Length / 2]:F3} (range {cpu[0]:F3}-{cpu[^1]:F3})"));
            }

            return 0;
        }
        finally
        {
            File.Delete(shm);
            Directory.Delete(root, recursive: true);
        }
    }

    private static void WriteModel(string root)
    {
        var builder = new OnnxGraphBuilder("wide") { ProducerName = "maas-benchmarks" };
        builder.AddInput("x", OnnxElementType.Float, 1, Elements);
        builder.AddNode("Mul", ["x", builder.AddInitializer("two", OnnxTensor.FromFloats([2f], 1))], ["y"]);
        builder.AddOutput("y", OnnxElementType.Float, 1, Elements);
        string folder = Path.Combine(root, "wide");
        Directory.CreateDirectory(Path.Combine(folder, "1"));
        File.WriteAllText(Path.Combine(folder, "model.json"), """{"name":"wide","format":"onnx","maxBatchSize":0}""");
        File.WriteAllBytes(Path.Combine(folder, "1", "model.onnx"), builder.ToBytes());
    }

    // One call per mode, its output compared with 2x the input (JSON, binary blob or the output region).
    private static async Task CheckAsync(HttpClient client, string mode, Func<HttpRequestMessage> request, string shm, int bytes, float[] input)
    {
        using var message = request();
        using var response = await client.SendAsync(message);
        byte[] body = await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{mode}: {(int)response.StatusCode} {Encoding.UTF8.GetString(body)}");
        }

        float[] output = mode switch
        {
            "json" => [.. JsonDocument.Parse(body).RootElement.GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(e => e.GetSingle())],
            "binary" => MemoryMarshal.Cast<byte, float>(body.AsSpan(body.Length - bytes)).ToArray(),
            _ => MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(shm).AsSpan(bytes, bytes)).ToArray(),
        };
        for (int i = 0; i < input.Length; i++)
        {
            if (Math.Abs(output[i] - 2 * input[i]) > 1e-6)
            {
                throw new InvalidOperationException($"{mode}: y[{i}] = {output[i]}, expected {2 * input[i]}");
            }
        }
    }

    private static async Task<(double Rate, double CpuMs)> MeasureAsync(HttpClient client, Func<HttpRequestMessage> request, int clients, TimeSpan duration)
    {
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        int count = 0;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async caller =>
        {
            while (clock.Elapsed < duration)
            {
                using var message = request();
                using var response = await client.SendAsync(message);
                _ = await response.Content.ReadAsByteArrayAsync();
                response.EnsureSuccessStatusCode();
                Interlocked.Increment(ref count);
            }
        }));
        double elapsed = clock.Elapsed.TotalSeconds;
        process.Refresh();
        return (count / elapsed, (process.TotalProcessorTime - cpu).TotalMilliseconds / Math.Max(1, count));
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
