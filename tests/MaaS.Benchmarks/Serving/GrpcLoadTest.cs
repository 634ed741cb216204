using MaaS.Grpc.Protocol;
using MaaS.TestSupport.Hosting;
using Grpc.Net.Client;

namespace MaaS.Benchmarks.Serving;

/// <summary>
/// KServe V2 gRPC load on a running gateway, what wrk is for HTTP: <c>--clients</c> concurrent callers on one HTTP/2
/// channel (as a Triton client holds one), each sending one-row <c>example-mlp</c> ModelInfer calls with
/// <c>raw_input_contents</c> for <c>--seconds</c>. Prints wrk's lines (requests, Requests/sec, the 50 % and 99 %
/// latencies), so <c>load/peer.sh</c> reads both alike; any failed call is counted and fails the run. With
/// <c>--stream</c> each caller holds one <c>ModelStreamInfer</c> stream instead and sends the same request on it, one in
/// flight (write, read its answer, again): the same concurrency as the unary callers, one stream each.
/// Usage: <c>grpc-load --port 18091 [--clients 64] [--seconds 10] [--stream]</c>
/// </summary>
internal static class GrpcLoadTest
{
    public static async Task<int> RunAsync(string[] args)
    {
        int port = Option(args, "--port", 18091), clients = Option(args, "--clients", 64), seconds = Option(args, "--seconds", 10);
        bool streamed = args.Contains("--stream");
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}", new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
        });
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var request = GrpcInfer.Mlp(GrpcInfer.MlpRow);

        var stop = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(seconds);
        int errors = 0;
        var latencies = await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            var mine = new List<double>();
            if (streamed)
            {
                using var call = client.ModelStreamInfer();
                while (stop.Elapsed < deadline)
                {
                    long started = Stopwatch.GetTimestamp();
                    await call.RequestStream.WriteAsync(request);
                    if (!await call.ResponseStream.MoveNext(CancellationToken.None) || call.ResponseStream.Current.ErrorMessage.Length > 0)
                    {
                        if (Interlocked.Increment(ref errors) == 1)
                        {
                            Console.Error.WriteLine($"  first failure: {call.ResponseStream.Current?.ErrorMessage ?? "the stream ended"}");
                        }

                        break;
                    }

                    mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }

                await call.RequestStream.CompleteAsync();
                while (await call.ResponseStream.MoveNext(CancellationToken.None))
                {
                }

                return mine;
            }

            while (stop.Elapsed < deadline)
            {
                long started = Stopwatch.GetTimestamp();
                try
                {
                    await client.ModelInferAsync(request);
                    mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                catch (global::Grpc.Core.RpcException)
                {
                    Interlocked.Increment(ref errors);
                }
            }

            return mine;
        }));
        double elapsed = stop.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        double Quantile(double q) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)(q * all.Length))];
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"  {all.Length} requests in {elapsed:F2}s, {clients} gRPC {(streamed ? "streams" : "clients")} on one channel"));
        Console.WriteLine(string.Create(inv, $"     50%    {Quantile(0.50):F2}ms"));
        Console.WriteLine(string.Create(inv, $"     99%    {Quantile(0.99):F2}ms"));
        Console.WriteLine(string.Create(inv, $"Requests/sec: {all.Length / elapsed:F2}"));
        if (errors > 0)
        {
            Console.WriteLine(string.Create(inv, $"  Non-2xx or socket errors: {errors} failed calls"));
        }

        return errors == 0 ? 0 : 1;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
