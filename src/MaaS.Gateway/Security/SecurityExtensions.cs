using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MaaS.Gateway.Security;

/// <summary>
/// Registers tenants, API keys, roles, per-key rate limits, hardening and the tenant view of the model registry.
/// Call after <c>AddGatewayStorage</c> and <c>AddModelServing</c>; use <see cref="UseGatewaySecurity"/> before the
/// endpoints are mapped.
/// </summary>
internal static partial class SecurityExtensions
{
    public static IHostApplicationBuilder AddGatewaySecurity(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptionsWithValidateOnStart<AuthOptions, AuthOptionsValidator>().BindConfiguration(AuthOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuthOptions>, AuthLimitsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpContextAccessor();

        services.AddSingleton(sp => sp.GetRequiredService<IOptions<AuthOptions>>().Value.KeySettings());
        services.AddSingleton<ApiKeyResolver>();
        services.AddSingleton<KeyManagement>();
        services.AddSingleton<PerCategoryLoggerFactory>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddGatewayAuthorization();

        services.AddGatewayRateLimiting();
        services.AddGatewayAdmission();
        services.AddGatewayHardening();

        services.AddSingleton<ITenantContext, HttpTenantContext>();
        // The quotas come from Market; the operator tenant and refresh period from Auth (validated with it), where operators have always set them.
        services.AddOptions<MarketOptions>().BindConfiguration(MarketOptions.SectionName).Configure<IOptions<AuthOptions>>((market, auth) =>
        {
            market.OperatorTenant = auth.Value.OperatorTenant;
            market.CatalogueRefreshSeconds = auth.Value.CatalogueRefreshSeconds;
        });
        services.AddModelMarket();
        services.AddHostedService<SecurityStartupCheck>();
        return builder;
    }

    /// <summary>
    /// The policies of <see cref="MaaSPolicies"/>, and the fallback (an app key) for an endpoint that declares none and
    /// for paths that match no endpoint.
    /// </summary>
    private static void AddGatewayAuthorization(this IServiceCollection services)
    {
        var app = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireRole(ApiKeyRules.AppRole).Build();
        var admin = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireRole(ApiKeyRules.AdminRole).Build();
        services.AddSingleton<IAuthorizationHandler, ModelOwnerHandler>();
        services.AddAuthorizationBuilder()
            .AddPolicy(MaaSPolicies.App, app)
            .AddPolicy(MaaSPolicies.Admin, admin)
            .AddPolicy(MaaSPolicies.AnyKey, p => p.RequireAuthenticatedUser())
            .AddPolicy(MaaSPolicies.ModelOwner, p => p.Combine(admin).AddRequirements(new ModelOwnerRequirement()))
            .SetFallbackPolicy(app);
        // The metrics and operator policies follow settings, so they are built from the bound options rather than at registration.
        services.AddOptions<AuthorizationOptions>().Configure<IOptions<AuthOptions>>((authorization, auth) =>
        {
            authorization.AddPolicy(MaaSPolicies.Metrics, auth.Value.AnonymousMetrics
                ? new AuthorizationPolicyBuilder().RequireAssertion(_ => true).Build()
                : admin);
            authorization.AddPolicy(MaaSPolicies.Operator, p => p.Combine(admin).RequireClaim(Tenancy.TenantClaim, auth.Value.OperatorTenant));
        });
    }

    /// <summary>
    /// Authentication, authorization, per-key rate limits, admission of costed work and request timeouts, in that order (security headers come
    /// earlier, from <see cref="HardeningExtensions.UseSecurityHeaders"/>, so Swagger's responses carry them too).
    /// </summary>
    public static IApplicationBuilder UseGatewaySecurity(this IApplicationBuilder app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAdmission();
        app.UseRequestTimeouts();
        app.UseBadRequestMapping();
        return app;
    }
}

/// <summary>Says loudly at start when authentication is off, or on without any way to get an admin key.</summary>
internal sealed partial class SecurityStartupCheck(IOptions<AuthOptions> options, ILogger<SecurityStartupCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            LogAuthDisabled(logger, settings.OperatorTenant);
        }
        else if (string.IsNullOrEmpty(settings.BootstrapAdminKey))
        {
            LogNoBootstrapKey(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning,
        Message = "AUTHENTICATION IS OFF (Auth:Enabled=false): every request acts as an admin of tenant {Tenant}. For local development only; set Auth__Enabled=true and Auth__BootstrapAdminKey in any shared or production deployment.")]
    private static partial void LogAuthDisabled(ILogger logger, string tenant);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Warning,
        Message = "Auth:BootstrapAdminKey is not set: only keys already in the store (created with 'maas keys create') can call the API")]
    private static partial void LogNoBootstrapKey(ILogger logger);
}
