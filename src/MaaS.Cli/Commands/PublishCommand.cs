using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.Json;

namespace MaaS.Cli.Commands;

/// <summary>
/// <c>maas publish &lt;folder&gt; --gateway &lt;url&gt;</c>: uploads a model folder to the gateway's model market
/// (<c>POST /v1/models</c>, multipart: the ONNX file as <c>model</c>, the card JSON as <c>card</c>) and prints the
/// published name and version. The folder is a version folder (model.onnx, optional card.json, model.json in its
/// parent) or a model folder (model.json and numbered version folders, of which the highest is published), as
/// <c>maas train</c> writes them. The gateway checks the card and the model; this command only assembles them.
/// Exit codes: 0 published, 1 refused by the gateway, 2 unusable folder or options, 3 gateway unreachable.
/// </summary>
internal static class PublishCommand
{
    /// <summary>Card fields a model.json may supply when the version's card.json lacks them.</summary>
    private static readonly string[] FromConfig = ["task", "description", "tags", "labels"];

    // Uploads go up to the gateway's Auth:Limits:MaxUploadBytes (64 MiB by default); slow links need minutes.
    private static readonly TimeSpan UploadTimeout = TimeSpan.FromMinutes(10);

    public static Command Create()
    {
        var folder = new Argument<DirectoryInfo>("folder")
        {
            Description = "Model folder (model.json + numbered versions; the highest is published) or one version folder (model.onnx [+ card.json]).",
        };
        var gateway = new Option<string>("--gateway") { Description = "Gateway base URL, e.g. http://127.0.0.1:8080.", Required = true };
        var key = new Option<string?>("--key")
        {
            Description = "Admin API key of the publishing tenant (sent as 'Authorization: Bearer'). Default: $MAAS_API_KEY.",
        };
        var name = new Option<string?>("--name") { Description = "Model name in the market. Default: the card's name, else the model folder's name." };
        var visibility = new Option<string?>("--visibility") { Description = "Who may see it. Default: the card's visibility, else private." };
        visibility.AcceptOnlyFromAmong("private", "tenant", "public");
        var command = new Command("publish", "Publish a model folder to a gateway's model market as the model's next version.")
        {
            folder, gateway, key, name, visibility,
        };
        command.SetAction((parse, ct) => RunAsync(
            parse.GetRequiredValue(folder),
            parse.GetRequiredValue(gateway),
            // Keys on the command line end up in shell history; the environment keeps them out of it.
            parse.GetValue(key) ?? Environment.GetEnvironmentVariable("MAAS_API_KEY"),
            parse.GetValue(name),
            parse.GetValue(visibility),
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error,
            ct));
        return command;
    }

    private static async Task<int> RunAsync(
        DirectoryInfo folder, string gateway, string? key, string? name, string? visibility, TextWriter output, TextWriter error, CancellationToken ct)
    {
        if (!Uri.TryCreate(gateway, UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https"))
        {
            await error.WriteLineAsync($"publish: --gateway must be an absolute http(s) URL, not '{gateway}'.").ConfigureAwait(false);
            return 2;
        }

        if (!folder.Exists)
        {
            await error.WriteLineAsync($"publish: {folder.FullName}: no such folder.").ConfigureAwait(false);
            return 2;
        }

        if (FindVersion(folder) is not var (versionDirectory, modelDirectory))
        {
            await error.WriteLineAsync($"publish: {folder.FullName}: no {RepositoryFiles.Onnx} in it nor in a numbered version folder under it.").ConfigureAwait(false);
            return 2;
        }

        JsonObject card;
        try
        {
            card = BuildCard(versionDirectory, modelDirectory, name, visibility);
        }
        catch (InvalidDataException e)
        {
            await error.WriteLineAsync($"publish: {e.Message}").ConfigureAwait(false);
            return 2;
        }

        var endpoint = new Uri(baseUri.AbsoluteUri.EndsWith('/') ? baseUri : new Uri(baseUri.AbsoluteUri + "/"), "v1/models");
        string onnxPath = Path.Combine(versionDirectory.FullName, RepositoryFiles.Onnx);
        using var client = new HttpClient { Timeout = UploadTimeout };
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint);
        if (!string.IsNullOrEmpty(key))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        await using var onnx = File.OpenRead(onnxPath);
        var model = new StreamContent(onnx);
        model.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Content = new MultipartFormDataContent
        {
            { model, "model", RepositoryFiles.Onnx },
            { new StringContent(card.ToJsonString(), Encoding.UTF8, "application/json"), "card" },
        };

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Publishing {onnxPath} ({onnx.Length:N0} bytes) as '{card["name"]}' to {endpoint}")).ConfigureAwait(false);
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            await error.WriteLineAsync($"publish: cannot reach the gateway at {baseUri}: {e.Message}").ConfigureAwait(false);
            return 3;
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            await error.WriteLineAsync($"publish: the gateway at {baseUri} did not answer within {UploadTimeout.TotalMinutes:0} minutes.").ConfigureAwait(false);
            return 3;
        }

        using (response)
        {
            string text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            JsonNode? body = TryParse(text);
            if (response.IsSuccessStatusCode && Text(body, "name") is { } published && body!["version"] is JsonValue v && v.TryGetValue(out long version))
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"Published {published} version {version} (owner {Text(body, "owner")}, {Text(body, "visibility")}): {endpoint}/{published}")).ConfigureAwait(false);
                return 0;
            }

            await error.WriteLineAsync($"publish: the gateway answered {(int)response.StatusCode} {response.ReasonPhrase}: {Describe(body, text)}").ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>The version folder to publish and the model folder holding model.json, or null when there is no model.</summary>
    private static (DirectoryInfo Version, DirectoryInfo? Model)? FindVersion(DirectoryInfo folder)
    {
        if (File.Exists(Path.Combine(folder.FullName, RepositoryFiles.Onnx)))
        {
            return (folder, folder.Parent);
        }

        var latest = folder.EnumerateDirectories()
            .Select(d => (Directory: d, Number: long.TryParse(d.Name, NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : 0))
            .Where(v => v.Number > 0 && File.Exists(Path.Combine(v.Directory.FullName, RepositoryFiles.Onnx)))
            .OrderByDescending(v => v.Number)
            .FirstOrDefault();
        return latest.Directory is null ? null : (latest.Directory, folder);
    }

    /// <summary>
    /// The version's card.json (metrics, data and training notes travel with the model), completed from model.json and
    /// the folder name, with the command line's name and visibility over both.
    /// </summary>
    /// <exception cref="InvalidDataException">card.json or model.json is not a JSON object.</exception>
    private static JsonObject BuildCard(DirectoryInfo version, DirectoryInfo? model, string? name, string? visibility)
    {
        var card = ReadObject(Path.Combine(version.FullName, RepositoryFiles.Card)) ?? [];
        if (model is not null && ReadObject(Path.Combine(model.FullName, RepositoryFiles.Config)) is { } config)
        {
            foreach (string field in FromConfig)
            {
                if (card[field] is null && config[field] is { } value)
                {
                    card[field] = value.DeepClone();
                }
            }
        }

        if (name is not null || card["name"] is null)
        {
            // A version folder is named by its number; the model's name is the folder above it.
            bool numbered = long.TryParse(version.Name, NumberStyles.None, CultureInfo.InvariantCulture, out _);
            card["name"] = name ?? (numbered && model is not null ? model.Name : version.Name);
        }

        if (visibility is not null)
        {
            card["visibility"] = visibility;
        }

        return card;
    }

    private static JsonObject? ReadObject(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException($"{path} is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not valid JSON: {e.Message}", e);
        }
    }

    private static JsonNode? TryParse(string text)
    {
        try
        {
            return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonNode? body, string field) =>
        body is JsonObject o && o[field] is JsonValue value && value.TryGetValue(out string? text) ? text : null;

    /// <summary>ProblemDetails as "title: detail"; anything else as the start of the body.</summary>
    private static string Describe(JsonNode? body, string text)
    {
        string? title = Text(body, "title"), detail = Text(body, "detail");
        if (title is not null || detail is not null)
        {
            return title is not null && detail is not null ? $"{title}: {detail}" : title ?? detail!;
        }

        string start = text.Length > 500 ? text[..500] + "…" : text;
        return start.Length == 0 ? "(empty body)" : start;
    }
}
