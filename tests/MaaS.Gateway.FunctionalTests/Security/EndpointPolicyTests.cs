using MaaS.Services.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;

namespace MaaS.Gateway.FunctionalTests.Security;

/// <summary>
/// Authorization is declared on the endpoints: every endpoint of the running app names a policy or allows anonymous
/// callers, the policies of known routes are the roles the endpoint map of docs/api.md gives them, and an endpoint that forgets
/// still needs an app key (the fallback policy).
/// </summary>
public sealed partial class EndpointPolicyTests
{
    [Fact]
    public async Task EveryEndpoint_DeclaresAPolicyOrAnonymous()
    {
        await using var gateway = SecureGateway.Start();

        var endpoints = Endpoints(gateway);
        var undeclared = endpoints
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null && !e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any())
            .Select(Describe)
            .ToList();

        Assert.True(endpoints.Count >= 30, $"only {endpoints.Count} endpoints found");
        Assert.True(undeclared.Count == 0, $"endpoints without a policy or AllowAnonymous: {string.Join(", ", undeclared)}");
    }

    [Theory]
    [InlineData("GET", "/v1/ping")]
    [InlineData("POST", "/v1/recommend")]
    [InlineData("POST", "/v1/recommend/rows")]
    [InlineData("POST", "/v1/recommendations/rebuild")]
    [InlineData("PUT", "/v1/items")]
    [InlineData("POST", "/v1/sentiment")]
    [InlineData("GET", "/v1/models")]
    [InlineData("GET", "/v1/models/{name}")]
    [InlineData("POST", "/v1/models")]
    [InlineData("DELETE", "/v1/models/{name}")]
    [InlineData("POST", "/v1/keys")]
    [InlineData("GET", "/v2")]
    [InlineData("GET", "/v2/health/ready")]
    [InlineData("GET", "/v2/models/stats")]
    [InlineData("POST", "/v2/repository/index")]
    [InlineData("POST", "/v2/repository/models/{name}/load")]
    [InlineData("GET", "/v2/logging")]
    [InlineData("POST", "/v2/logging")]
    [InlineData("GET", "/v2/trace/setting")]
    [InlineData("POST", "/v2/models/{name}/trace/setting")]
    [InlineData("GET", "/metrics")]
    public async Task KnownRoute_Policy_IsTheRoleInReadmesEndpointMap(string method, string route)
    {
        await using var gateway = SecureGateway.Start();
        string role = ReadmeRole(method, route);

        var endpoint = Assert.Single(Endpoints(gateway), e => Describe(e) == $"{method} {route}");
        bool anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
        string[] policies = [.. endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy ?? "(default)").Distinct().Order(StringComparer.Ordinal)];

        var (expectAnonymous, expected) = Expected(role, route);
        Assert.True(expectAnonymous == anonymous && expected.SequenceEqual(policies),
            $"{method} {route} (docs/api.md role '{role}'): expected {(expectAnonymous ? "anonymous" : string.Join("+", expected))}, " +
            $"got {(anonymous ? "anonymous" : string.Join("+", policies))}");
    }

    [Fact]
    public async Task EveryV1AndV2Route_IsARowOfTheEndpointMap()
    {
        await using var gateway = SecureGateway.Start();
        var documented = EndpointMapRoutes();

        var missing = Endpoints(gateway)
            .Where(e => e.RoutePattern.RawText?.TrimStart('/') is { } raw && (raw.StartsWith("v1", StringComparison.Ordinal) || raw.StartsWith("v2", StringComparison.Ordinal)))
            .Select(e => NormaliseParameters(Describe(e)))
            .Where(route => !documented.Contains(route))
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.True(missing.Count == 0, $"docs/api.md's endpoint map has no row for: {string.Join(", ", missing)}");
    }

    [Fact]
    public void EndpointMapRoutes_ExpandOptionalPartsAndEllipses()
    {
        var routes = EndpointMapRoutes();

        Assert.Contains("POST /v2/models/{}/infer", routes);
        Assert.Contains("POST /v2/models/{}/versions/{}/infer", routes);
        Assert.Contains("POST /v2/repository/models/{}/versions/{}/unload", routes);
        Assert.Contains("GET /v2/health/ready", routes);
    }

    [Fact]
    public async Task EndpointWithoutPolicy_FallbackPolicy_NeedsAnAppKey()
    {
        await using var gateway = SecureGateway.Start(services: s => s.AddSingleton<IStartupFilter, ForgottenEndpoint>());
        string app = await gateway.CreateKeyAsync("acme", ["app"]);
        string admin = await gateway.CreateKeyAsync("acme", ["admin"]);
        var forgotten = Assert.Single(Endpoints(gateway), e => Describe(e) == "GET " + ForgottenEndpoint.Route);
        Assert.Empty(forgotten.Metadata.GetOrderedMetadata<IAuthorizeData>());
        Assert.Null(forgotten.Metadata.GetMetadata<IAllowAnonymous>());

        var (none, problem) = await gateway.SendJsonAsync(HttpMethod.Get, ForgottenEndpoint.Route, key: null);
        var (adminOnly, _) = await gateway.SendJsonAsync(HttpMethod.Get, ForgottenEndpoint.Route, admin);
        var (allowed, body) = await gateway.SendJsonAsync(HttpMethod.Get, ForgottenEndpoint.Route, app);

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("Unauthorized", problem!["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, adminOnly.StatusCode);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal("reached", body!.GetValue<string>());
    }

    [Theory]
    [InlineData("admin", "POST", "/v1/recommend", "it needs the app role")]
    [InlineData("admin", "POST", "/v1/recommend/rows", "it needs the app role")]
    [InlineData("app", "POST", "/v1/recommendations/rebuild", "it needs the admin role")]
    [InlineData("app", "PUT", "/v1/agents/difficulty", "it needs the admin role")]
    public async Task WrongRole_403_DetailNamesTheRoleTheEndpointNeeds(string role, string method, string path, string needs)
    {
        await using var gateway = SecureGateway.Start();
        string key = await gateway.CreateKeyAsync("acme", [role]);

        var (response, problem) = await gateway.SendJsonAsync(new HttpMethod(method), path, key);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.True(problem?["detail"]?.GetValue<string>()?.Contains(needs, StringComparison.Ordinal) == true, $"{role} key, {method} {path}: {problem}");
    }

    [Fact]
    public async Task Metrics_AnonymousMetricsOff_AdminKeyOnly()
    {
        await using var gateway = SecureGateway.Start(settings: new Dictionary<string, string?> { ["Auth:AnonymousMetrics"] = "false" });
        string app = await gateway.CreateKeyAsync("acme", ["app"]);
        string admin = await gateway.CreateKeyAsync("acme", ["admin"]);

        var (none, problem) = await gateway.SendJsonAsync(HttpMethod.Get, "/metrics", key: null);
        using var appKey = await gateway.SendAsync(HttpMethod.Get, "/metrics", app);
        using var adminKey = await gateway.SendAsync(HttpMethod.Get, "/metrics", admin);

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(401, problem!["status"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.Forbidden, appKey.StatusCode);
        Assert.Equal(HttpStatusCode.OK, adminKey.StatusCode);
        Assert.Contains("# TYPE", await adminKey.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task UnknownModelName_NonOperatorAdminsGet404LikeAHiddenModel_OperatorMayLoadFromDisk()
    {
        await using var gateway = SecureGateway.Start();
        string admin = await gateway.CreateKeyAsync("acme", ["admin"]);

        // A repository load reads an unknown name from disk as a bundled (operator's) model: only the operator may, and
        // another tenant's admin gets the 404 a hidden model gets (a 403 would tell it the name is free or taken).
        var (load, loadBody) = await gateway.SendJsonAsync(HttpMethod.Post, "/v2/repository/models/ghost/load", admin);
        var (operatorLoad, _) = await gateway.SendJsonAsync(HttpMethod.Post, "/v2/repository/models/ghost/load", SecureGateway.BootstrapKey);
        var (delete, deleteBody) = await gateway.SendJsonAsync(HttpMethod.Delete, "/v1/models/ghost", admin);

        Assert.Equal(HttpStatusCode.NotFound, load.StatusCode);
        Assert.False(string.IsNullOrEmpty(loadBody?["error"]?.GetValue<string>()), $"{loadBody}");
        Assert.Equal(HttpStatusCode.NotFound, operatorLoad.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        Assert.Equal("ModelNotFound", deleteBody!["code"]!.GetValue<string>());
    }

    private static (bool Anonymous, string[] Policies) Expected(string role, string route) => role switch
    {
        "none" => (true, []),
        "none (`Auth:AnonymousMetrics`)" => (false, [MaaSPolicies.Metrics]),
        "app" => (false, [MaaSPolicies.App]),
        "any key" => (false, [MaaSPolicies.AnyKey]),
        "admin" => (false, [MaaSPolicies.Admin]),
        // The repository checks ownership in its policy; the market's publisher checks it itself (unknown names: 404).
        "admin (owner)" when route.StartsWith("/v2/repository/", StringComparison.Ordinal) => (false, [MaaSPolicies.Admin, MaaSPolicies.ModelOwner]),
        "admin (owner)" => (false, [MaaSPolicies.Admin]),
        // Server-wide settings: an admin of the operator tenant (Auth:OperatorTenant).
        "admin (operator)" => (false, [MaaSPolicies.Operator]),
        _ => throw new InvalidOperationException($"docs/api.md role '{role}' of {route} has no policy in this test"),
    };

    /// <summary>The Role cell of the row of docs/api.md's endpoint map for the method whose Path cell names the route.</summary>
    private static string ReadmeRole(string method, string route)
    {
        string guide = File.ReadAllText(Path.Combine(SharedData.RepositoryRoot, "docs", "api.md"));
        int start = guide.IndexOf("## Endpoint map", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/api.md has no '## Endpoint map' section");
        int end = guide.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var roles = guide[start..(end < 0 ? guide.Length : end)]
            .Split('\n')
            .Where(line => line.StartsWith("| ", StringComparison.Ordinal))
            .Select(line => line.Split('|', StringSplitOptions.TrimEntries))
            .Where(cells => cells.Length >= 5 && cells[1] == method && Paths().Matches(cells[2]).Any(m => m.Groups[1].Value == route))
            .Select(cells => cells[3])
            .ToList();
        return Assert.Single(roles);
    }

    /// <summary>
    /// Every "METHOD /path" the endpoint map of docs/api.md names, parameters written <c>{}</c>: a Path cell may hold
    /// several paths, an optional part in brackets (<c>/v2/models/{name}[/versions/{v}]</c>) and a path that starts
    /// with <c>…/</c>, which replaces the last segment of the path before it.
    /// </summary>
    private static HashSet<string> EndpointMapRoutes()
    {
        string guide = File.ReadAllText(Path.Combine(SharedData.RepositoryRoot, "docs", "api.md"));
        int start = guide.IndexOf("## Endpoint map", StringComparison.Ordinal);
        int end = guide.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var routes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var cells in guide[start..(end < 0 ? guide.Length : end)].Split('\n')
            .Where(line => line.StartsWith("| ", StringComparison.Ordinal))
            .Select(line => line.Split('|', StringSplitOptions.TrimEntries))
            .Where(cells => cells.Length >= 5))
        {
            var previous = new List<string>();
            foreach (Match path in Paths().Matches(cells[2]))
            {
                string text = path.Groups[1].Value;
                List<string> expanded = text.StartsWith("…/", StringComparison.Ordinal)
                    ? [.. previous.Select(p => p[..p.LastIndexOf('/')] + text[1..])]
                    : [OptionalPart().Replace(text, ""), OptionalPart().Replace(text, "$1")];
                previous = expanded;
                routes.UnionWith(expanded.Select(p => NormaliseParameters($"{cells[1]} {p}")));
            }
        }

        return routes;
    }

    private static string NormaliseParameters(string route) => Parameter().Replace(route, "{}");

    [GeneratedRegex(@"\[([^\]]*)\]")]
    private static partial Regex OptionalPart();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Parameter();

    private static List<RouteEndpoint> Endpoints(SecureGateway gateway) =>
        [.. gateway.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()];

    private static string Describe(RouteEndpoint endpoint) =>
        $"{string.Join(",", endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"])} /{endpoint.RoutePattern.RawText?.Trim('/')}";

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Paths();

    /// <summary>Maps one endpoint after the gateway's own, through the same route builder, declaring no authorization.</summary>
    private sealed class ForgottenEndpoint : IStartupFilter
    {
        public const string Route = "/v1/forgotten";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.UseEndpoints(endpoints => endpoints.MapGet(Route, () => "reached"));
        };
    }
}
