using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using MaaS.Models.Examples;
using MaaS.TestSupport.Models;
using Microsoft.Extensions.DependencyInjection;

namespace MaaS.TestSupport.Hosting;

/// <summary>
/// The real gateway with authentication on, its own SQLite file for keys and listings, the bootstrap admin key of
/// the operator tenant "default", and helpers to mint keys through <c>POST /v1/keys</c> and call with them.
/// </summary>
public sealed class SecureGateway : IAsyncDisposable
{
    public const string BootstrapKey = "test-bootstrap-admin-key-0123456789abcdef";
    private readonly string _data;

    private SecureGateway(GatewayHost host, string data)
    {
        Host = host;
        _data = data;
    }

    public GatewayHost Host { get; }

    public HttpClient Client => Host.Client;

    public TestRepository Repository => Host.Repository;

    public static SecureGateway Start(Action<TestRepository>? setup = null, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        string data = Directory.CreateTempSubdirectory("maas-auth-").FullName;
        var all = new Dictionary<string, string?>
        {
            ["Auth:Enabled"] = "true",
            ["Auth:BootstrapAdminKey"] = BootstrapKey,
            ["Storage:Sqlite:Path"] = Path.Combine(data, "maas.db"),
            ["Storage:Sqlite:Durability"] = "Normal",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            all[k] = v;
        }

        var host = GatewayHost.Start(setup ?? (r => r.WithExampleMlp()), all, services);
        return new SecureGateway(host, data);
    }

    /// <summary>Creates a key in <paramref name="tenant"/> with the bootstrap key; returns the key text.</summary>
    public async Task<string> CreateKeyAsync(string tenant, string[] roles, object? limits = null)
    {
        var body = new JsonObject
        {
            ["name"] = $"{tenant}-{string.Join('+', roles)}",
            ["tenant"] = tenant,
            ["roles"] = new JsonArray([.. roles.Select(r => (JsonNode)JsonValue.Create(r))]),
        };
        if (limits is not null)
        {
            body["limits"] = System.Text.Json.JsonSerializer.SerializeToNode(limits);
        }

        using var response = await SendAsync(HttpMethod.Post, "/v1/keys", BootstrapKey, body.ToJsonString());
        string text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"creating a key for {tenant} failed: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!["key"]!.GetValue<string>();
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? key, string? json = null, bool apiKeyHeader = false)
    {
        using var request = new HttpRequestMessage(method, path);
        Authorize(request, key, apiKeyHeader);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return await Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public async Task<(HttpResponseMessage Response, JsonNode? Body)> SendJsonAsync(HttpMethod method, string path, string? key, string? json = null)
    {
        var response = await SendAsync(method, path, key, json);
        string text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        JsonNode? body = null;
        try
        {
            body = string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            body = JsonValue.Create(text);
        }

        return (response, body);
    }

    /// <summary>
    /// Waits until this gateway has <paramref name="count"/> costed requests in flight (admitted, so past the per-key
    /// rate limiter, and not yet answered), so requests whose bodies a test holds back have their places before the next
    /// request is sent; fails after a minute saying what it saw, rather than asserting on a state never reached.
    /// </summary>
    /// <remarks>
    /// Read from this host's own admission gauge (<c>maas_admission_in_flight</c>), not from /metrics: every in-process
    /// gateway of the test process exports to prometheus-net's one static registry, where the gauge is the value of
    /// whichever host's instrument was observed last, so another test's gateway could answer for this one.
    /// </remarks>
    public async Task WaitForInFlightAsync(int count)
    {
        var ct = TestContext.Current.CancellationToken;
        var own = Host.Services.GetRequiredService<IMeterFactory>();
        long? last = null;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, listening) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, own) && instrument.Meter.Name == "MaaS.Admission" && instrument.Name == "in_flight")
                {
                    listening.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => last = value);
        listener.Start();
        for (var clock = System.Diagnostics.Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromSeconds(60); await Task.Delay(50, ct))
        {
            listener.RecordObservableInstruments();
            if (last == count)
            {
                return;
            }
        }

        Assert.Fail($"the held requests did not reach {count} in flight within 60 s (last: {last?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no such gauge"})");
    }

    /// <summary>Uploads a model (multipart: file 'model', JSON 'card').</summary>
    public async Task<(HttpResponseMessage Response, JsonNode? Body)> PublishAsync(string? key, byte[] onnx, string card)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/models");
        Authorize(request, key, apiKeyHeader: false);
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(onnx);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "model", "model.onnx");
        form.Add(new StringContent(card, Encoding.UTF8, "application/json"), "card");
        request.Content = form;
        var response = await Client.SendAsync(request, TestContext.Current.CancellationToken);
        string text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response, string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text));
    }

    /// <summary>
    /// Publishes the small example MLP (8→16→3, 1 KB) as <paramref name="name"/> in the key's tenant; the test fails
    /// unless it is created. Returns the name it is served under (<c>tenant.name</c>).
    /// </summary>
    public async Task<string> PublishMlpAsync(string key, string name, string visibility = "private")
    {
        var (response, body) = await PublishAsync(key, ExampleMlp.BuildOnnx([16]), MlpCard(name, visibility));
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"publishing {name} ({visibility}): {(int)response.StatusCode} {body}");
        return body!["name"]!.GetValue<string>();
    }

    /// <summary>A card for the example MLP (labels match its 3 classes).</summary>
    public static string MlpCard(string name, string visibility = "private", string[]? labels = null, string task = "classification") =>
        new JsonObject
        {
            ["name"] = name,
            ["task"] = task,
            ["description"] = "three-class MLP for tests",
            ["tags"] = new JsonArray("test", "tabular"),
            ["labels"] = new JsonArray([.. (labels ?? [.. ExampleMlp.Labels]).Select(l => (JsonNode)JsonValue.Create(l))]),
            ["visibility"] = visibility,
            ["metrics"] = new JsonObject { ["accuracy"] = 0.91 },
        }.ToJsonString();

    /// <summary>A valid example-mlp request body (one row of 8 features), for every test that needs one.</summary>
    public static string MlpInferBody { get; } = V2Json.Infer("input", "FP32", [1, 8], GrpcInfer.MlpRow.ToArray());

    public static void Authorize(HttpRequestMessage request, string? key, bool apiKeyHeader)
    {
        if (key is null)
        {
            return;
        }

        if (apiKeyHeader)
        {
            request.Headers.TryAddWithoutValidation("X-Api-Key", key);
        }
        else
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
