namespace MaaS.Gateway.Security;

/// <summary>The <see cref="MaaSPolicies.ModelOwner"/> requirement: the caller's tenant owns the route's <c>{name}</c> model.</summary>
internal sealed class ModelOwnerRequirement : IAuthorizationRequirement;

/// <summary>
/// Decides <see cref="ModelOwnerRequirement"/>. An admin of another tenant gets 403 on a model it can see; one it
/// cannot see passes, so the registry answers 404 exactly as for a model that does not exist.
/// </summary>
internal sealed class ModelOwnerHandler(ModelAccess models) : AuthorizationHandler<ModelOwnerRequirement, HttpContext>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ModelOwnerRequirement requirement, HttpContext resource)
    {
        // A route without {name} means the policy was put on the wrong endpoint: refuse rather than guess.
        if (resource.GetRouteValue("name") is string name)
        {
            string tenant = context.User.GetTenant();
            if (!models.CanSee(tenant, name) || models.IsOwner(tenant, name))
            {
                context.Succeed(requirement);
            }
        }

        return Task.CompletedTask;
    }
}
