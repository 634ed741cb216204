using System.Net.Http.Headers;
using MaaS.Grpc.Protocol;

namespace MaaS.Gateway.FunctionalTests.Grpc;

/// <summary>
/// The built gateway as its own process with authentication on, the gRPC port open beside the HTTP one, and the
/// repository's bundled models (<c>models/</c>, read in place: nothing here writes to it). Ready once the registry has
/// loaded them. Dispose stops it and deletes its data folder.
/// </summary>
internal sealed class GrpcGateway : IDisposable
{
    public const string AdminKey = "test-bootstrap-admin-key-0123456789abcdef";

    private readonly GatewayProcess _process;
    private readonly string _data;
    private readonly List<global::Grpc.Net.Client.GrpcChannel> _channels = [];

    private GrpcGateway(GatewayProcess process, string data, int grpcPort)
    {
        _process = process;
        _data = data;
        GrpcPort = grpcPort;
        Http = new HttpClient { BaseAddress = process.Address, Timeout = TimeSpan.FromSeconds(60) };
    }

    public HttpClient Http { get; }

    public int GrpcPort { get; }

    public string ModelsDirectory => Path.Combine(SharedData.RepositoryRoot, "models");

    /// <summary>Starts it, or returns null when the gateway is not built (the caller skips).</summary>
    public static async Task<GrpcGateway?> StartAsync(IDictionary<string, string>? settings, CancellationToken cancellationToken)
    {
        if (GatewayProcess.FindGatewayDll() is not { } dll)
        {
            return null;
        }

        for (int attempt = 1; ; attempt++)
        {
            string data = Directory.CreateTempSubdirectory("maas-grpc-").FullName;
            int grpcPort = ChildProcess.FreePort();
            var process = new GatewayProcess(dll, ChildProcess.FreePort(), Settings(data, grpcPort, settings));
            try
            {
                await process.StartAsync(GatewayProcess.DefaultStartTimeout, cancellationToken);
                return new GrpcGateway(process, data, grpcPort);
            }
            catch (Exception e)
            {
                // Either port may have been taken between FreePort and the gateway's bind (GatewayProcess.LostItsPort).
                bool again = e is InvalidOperationException && attempt < 3 && process.LostItsPort;
                process.Dispose();
                Directory.Delete(data, recursive: true);
                if (!again)
                {
                    throw;
                }
            }
        }
    }

    private static Dictionary<string, string> Settings(string data, int grpcPort, IDictionary<string, string>? settings)
    {
        var all = new Dictionary<string, string>
        {
            ["Storage:DataDirectory"] = data,
            ["Storage:SeedDemoDataWhenEmpty"] = "false",
            ["Serving:RepositoryPath"] = Path.Combine(SharedData.RepositoryRoot, "models"),
            ["Recommendations:RebuildIntervalSeconds"] = "0",
            ["Serilog:MinimumLevel:Default"] = "Warning",
            ["Auth:Enabled"] = "true",
            ["Auth:BootstrapAdminKey"] = AdminKey,
            ["Grpc:Port"] = grpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }

        return all;
    }

    /// <summary>Settings that trace every inference at TIMESTAMPS into <paramref name="folder"/>'s trace.json, a file per trace (trace.json.0, …).</summary>
    public static Dictionary<string, string> TracingEveryRequest(TempFolder folder) => new()
    {
        ["Serving:Trace:File"] = folder["trace.json"],
        ["Serving:Trace:Level"] = "TIMESTAMPS",
        ["Serving:Trace:Rate"] = "1",
        ["Serving:Trace:LogFrequency"] = "1",
    };

    /// <summary>Creates a key of <paramref name="tenant"/> (the operator's by default) with <paramref name="roles"/>; returns its text.</summary>
    public async Task<string> CreateKeyAsync(string[] roles, CancellationToken cancellationToken, string tenant = "default", JsonObject? limits = null)
    {
        var body = new JsonObject
        {
            ["name"] = "grpc-" + string.Join('+', roles),
            ["tenant"] = tenant,
            ["roles"] = new JsonArray([.. roles.Select(r => (JsonNode)JsonValue.Create(r))]),
        };
        if (limits is not null)
        {
            body["limits"] = limits;
        }

        using var response = await SendAsync(HttpMethod.Post, "/v1/keys", body, cancellationToken);
        string text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"creating a key failed: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!["key"]!.GetValue<string>();
    }

    /// <summary>A call with the admin key; <paramref name="body"/> as JSON when given.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        return await Http.SendAsync(request, cancellationToken);
    }

    public async Task<JsonNode> GetJsonAsync(HttpMethod method, string path, JsonNode? body, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(method, path, body, cancellationToken);
        string text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>A client of the gRPC port (cleartext HTTP/2); dispose it.</summary>
    public global::Grpc.Net.Client.GrpcChannel Channel() =>
        global::Grpc.Net.Client.GrpcChannel.ForAddress($"http://127.0.0.1:{GrpcPort}");

    /// <summary>A client of the inference service over a channel of its own, which the gateway's dispose closes.</summary>
    public GRPCInferenceService.GRPCInferenceServiceClient Client()
    {
        var channel = Channel();
        lock (_channels)
        {
            _channels.Add(channel);
        }

        return new GRPCInferenceService.GRPCInferenceServiceClient(channel);
    }

    /// <summary>The gateway's last output lines, for failure messages.</summary>
    public string Tail => _process.Tail;

    public void Dispose()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        Http.Dispose();
        _process.Dispose();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
