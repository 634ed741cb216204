namespace MaaS.Gateway.FunctionalTests.Tracing;

/// <summary>Reading what a gateway's trace writer wrote: Triton's trace file, a JSON array, grouped by trace id.</summary>
internal static class TraceFiles
{
    /// <summary>Triton's timestamps of a traced HTTP inference, in the order a request passes them.</summary>
    public static readonly string[] HttpOrder =
        ["HTTP_RECV_START", "HTTP_RECV_END", "REQUEST_START", "QUEUE_START", "COMPUTE_START", "COMPUTE_INPUT_END", "COMPUTE_OUTPUT_START",
         "COMPUTE_END", "REQUEST_END", "HTTP_SEND_START", "HTTP_SEND_END"];

    /// <summary>The same over gRPC: the handler starts once the message is read, so only the read's end is known.</summary>
    public static readonly string[] GrpcOrder =
        ["GRPC_WAIT_READ_END", "REQUEST_START", "QUEUE_START", "COMPUTE_START", "COMPUTE_INPUT_END", "COMPUTE_OUTPUT_START",
         "COMPUTE_END", "REQUEST_END", "GRPC_SEND_START", "GRPC_SEND_END"];

    /// <summary>
    /// The file's elements once it is a whole JSON array: the writer closes a numbered file after its last trace, off
    /// the request path, so a test waits for it (bounded: a minute).
    /// </summary>
    public static async Task<JsonArray> ReadAsync(string path)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            if (File.Exists(path))
            {
                try
                {
                    if (JsonNode.Parse(await File.ReadAllTextAsync(path, Ct)) is JsonArray array)
                    {
                        return array;
                    }
                }
                catch (System.Text.Json.JsonException)
                {
                    // Still being written.
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"{path} was not written as a whole JSON array within a minute");
            await Task.Delay(20, Ct);
        }
    }

    /// <summary>The element of <paramref name="id"/> that holds <paramref name="member"/>.</summary>
    public static JsonObject Element(JsonArray file, long id, string member) =>
        Assert.Single(file, e => e!["id"]!.GetValue<long>() == id && e.AsObject().ContainsKey(member))!.AsObject();

    /// <summary>The trace's timestamps as (name, ns), in file order.</summary>
    public static (string Name, long Ns)[] Timestamps(JsonArray file, long id) =>
        [.. Element(file, id, "timestamps")["timestamps"]!.AsArray().Select(t => (t!["name"]!.GetValue<string>(), t["ns"]!.GetValue<long>()))];

    /// <summary>
    /// The timestamps are Triton's, in its order, never decreasing, and inside the request's wall time as the client saw
    /// it (nanoseconds since the Unix epoch), but for the send's end, which the server stamps once the answer is out.
    /// </summary>
    public static void AssertInOrderWithin((string Name, long Ns)[] stamps, string[] order, DateTime before, DateTime after)
    {
        Assert.Equal(order, stamps.Select(s => s.Name));
        for (int i = 1; i < stamps.Length; i++)
        {
            Assert.True(stamps[i].Ns >= stamps[i - 1].Ns, $"{stamps[i].Name} {stamps[i].Ns} before {stamps[i - 1].Name} {stamps[i - 1].Ns}");
        }

        // The server converts its monotonic clock from one reading of the wall clock at start: 1 ms of slack for the two to drift.
        long from = UnixNs(before) - 1_000_000, to = UnixNs(after) + 1_000_000;
        foreach (var (name, ns) in stamps.Where(s => !s.Name.EndsWith("_SEND_END", StringComparison.Ordinal)))
        {
            Assert.True(ns >= from && ns <= to, $"{name} {ns} outside the request's wall time [{from}, {to}]");
        }
    }

    public static long UnixNs(DateTime utc) => (utc - DateTime.UnixEpoch).Ticks * 100;
}
