using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using IDiagnosticContext = Serilog.IDiagnosticContext;

namespace MaaS.Gateway.Security;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;key&gt;</c>, <c>X-Api-Key: &lt;key&gt;</c> or, under <c>/dashboard</c>
/// only, the dashboard's sign-in cookie. No key: no result (the policy then challenges with 401). A bad or revoked
/// key: failure (401 with <c>WWW-Authenticate</c>). With <c>Auth:Enabled=false</c> every request is the operator
/// tenant's admin+app development identity. The key text is never logged; the key id is added to the request log.
/// </summary>
internal sealed partial class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    PerCategoryLoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiKeyResolver resolver,
    IOptions<AuthOptions> authOptions,
    IDiagnosticContext diagnostics)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string ApiKeyHeader = "X-Api-Key";
    private const string RejectionItem = "maas:key-rejection";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var settings = authOptions.Value;
        if (!settings.Enabled)
        {
            return Success(new ApiKeyIdentity(ApiKeyIdentity.DevelopmentKeyId, settings.OperatorTenant, ApiKeyRules.Roles, null));
        }

        string? presented = ReadKey(Request);
        if (presented is null)
        {
            return AuthenticateResult.NoResult();
        }

        var (identity, rejection) = await resolver.ResolveAsync(presented, Context.RequestAborted);
        if (identity is null)
        {
            Context.Items[RejectionItem] = rejection;
            LogRejected(Logger, rejection);
            return AuthenticateResult.Fail(rejection == KeyRejection.Revoked ? "the API key was revoked" : "invalid API key");
        }

        return Success(identity);
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var rejection = Context.Items.TryGetValue(RejectionItem, out var r) && r is KeyRejection k ? k : KeyRejection.None;
        if (rejection == KeyRejection.StoreUnavailable)
        {
            await SecurityResponses.WriteAsync(Context, ErrorCode.DependencyUnavailable, "the key store is unavailable; retry later");
            return;
        }

        Response.Headers.WWWAuthenticate = rejection == KeyRejection.None
            ? "Bearer realm=\"maas\""
            : "Bearer realm=\"maas\", error=\"invalid_token\"";
        string detail = rejection switch
        {
            KeyRejection.None => "an API key is required: send 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'",
            KeyRejection.Revoked => "the API key was revoked",
            _ => "the API key is not valid",
        };
        await SecurityResponses.WriteAsync(Context, ErrorCode.Unauthorized, detail);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        SecurityResponses.WriteAsync(Context, ErrorCode.Forbidden, ForbiddenDetail(Context.GetEndpoint()));

    /// <summary>What a key lacks for the endpoint, read from the policies it declares, so the client knows which key to use.</summary>
    internal static string ForbiddenDetail(Endpoint? endpoint)
    {
        var policies = endpoint?.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).ToHashSet() ?? [];
        return policies.Contains(MaaSPolicies.Operator) ? "this API key may not do this: it needs the admin role in the operator tenant (the setting is the whole server's)"
            : policies.Contains(MaaSPolicies.ModelOwner) ? "this API key may not do this: it needs the admin role in the tenant that owns the model"
            : policies.Contains(MaaSPolicies.Admin) || policies.Contains(MaaSPolicies.Metrics) ? "this API key may not do this: it needs the admin role"
            : policies.Contains(MaaSPolicies.App) || policies.Count == 0 ? "this API key may not do this: it needs the app role (an admin-only key does not call the app's endpoints)"
            : "this API key may not do this: wrong role or tenant";
    }

    private AuthenticateResult Success(ApiKeyIdentity identity)
    {
        Context.Features.Set(identity);
        diagnostics.Set("KeyId", identity.KeyId);
        diagnostics.Set("Tenant", identity.Tenant);
        var claims = new List<Claim>
        {
            new(MaaSClaims.KeyId, identity.KeyId),
            new(Tenancy.TenantClaim, identity.Tenant),
        };
        claims.AddRange(identity.Roles.Select(role => new Claim(MaaSClaims.Role, role)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, MaaSClaims.KeyId, MaaSClaims.Role));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    private static string? ReadKey(HttpRequest request)
    {
        string? authorization = request.Headers.Authorization;
        if (!string.IsNullOrEmpty(authorization))
        {
            const string bearer = "Bearer ";
            return authorization.StartsWith(bearer, StringComparison.OrdinalIgnoreCase) ? authorization[bearer.Length..].Trim() : authorization.Trim();
        }

        string? header = request.Headers[ApiKeyHeader];
        if (!string.IsNullOrWhiteSpace(header))
        {
            return header.Trim();
        }

        // The dashboard's sign-in cookie (HttpOnly, SameSite=Strict, path /dashboard): read there only, so a browser
        // that signed in never authenticates /v1 or /v2 calls by ambient credentials.
        return request.Path.StartsWithSegments(MaaS.Dashboard.DashboardAuth.Path) && request.Cookies[MaaS.Dashboard.DashboardAuth.CookieName] is { Length: > 0 } cookie
            ? cookie
            : null;
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "API key refused: {Rejection}")]
    private static partial void LogRejected(ILogger logger, KeyRejection rejection);
}
