using MaaS.Gateway.Hosting;
using MaaS.Services.Market;
using MaaS.Storage.Abstractions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace MaaS.Gateway.Security;

/// <summary>The fallback policy's requirement: the level <see cref="RouteAccessTable"/> gives the endpoint.</summary>
internal sealed class RouteAccessRequirement : IAuthorizationRequirement;

/// <summary>
/// Decides <see cref="RouteAccessRequirement"/>: role per level, and for admin routes on one model, ownership (an admin
/// of another tenant gets 403 on a model it can see; one it cannot see stays invisible: the registry answers 404).
/// </summary>
internal sealed class RouteAccessHandler(ModelAccess models, IOptions<AuthOptions> options) : AuthorizationHandler<RouteAccessRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, RouteAccessRequirement requirement)
    {
        var http = context.Resource as HttpContext;
        var pattern = (http?.GetEndpoint() as RouteEndpoint)?.RoutePattern;
        bool anonymousMetrics = options.Value.AnonymousMetrics;
        var level = RouteAccessTable.Resolve(pattern, anonymousMetrics);
        var user = context.User;
        bool authenticated = user.Identity?.IsAuthenticated == true;
        bool allowed = level switch
        {
            AccessLevel.Anonymous => true,
            AccessLevel.AnyKey => authenticated,
            AccessLevel.App => authenticated && user.IsInRole(ApiKeyRules.AppRole),
            AccessLevel.Admin => authenticated && user.IsInRole(ApiKeyRules.AdminRole),
            _ => false,
        };
        if (allowed && level == AccessLevel.Admin && http is not null && RouteAccessTable.IsModelRoute(pattern)
            && http.GetRouteValue("name") is string name)
        {
            string tenant = user.GetTenant();
            allowed = !models.CanSee(tenant, name) || models.IsOwner(tenant, name);
        }

        if (allowed)
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
