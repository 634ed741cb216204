using Microsoft.AspNetCore.Authorization;

namespace MaaS.Gateway.Security;

/// <summary>
/// Policies for the recommendation endpoints until their own mapping declares them (those files are moving out of
/// the gateway, issue #14): an endpoint of the group that declares no policy gets <see cref="MaaSPolicies.App"/>,
/// the index rebuild <see cref="MaaSPolicies.Admin"/> (a full pass over the tenant's events: an operation, not app
/// traffic). Delete this and its call in Program.cs once RecommendEndpoints, ItemsEndpoints, EventsEndpoints and
/// UsersEndpoints carry their own <c>.RequireAuthorization</c>; from then on it adds nothing.
/// </summary>
internal static class PendingRecommendationPolicies
{
    private const string RebuildEndpoint = "V1RebuildIndex";

    public static RouteGroupBuilder WithPendingRecommendationPolicies(this RouteGroupBuilder group)
    {
        // Finally runs after each endpoint's own conventions, so a policy an endpoint declares is never overridden.
        ((IEndpointConventionBuilder)group).Finally(endpoint =>
        {
            if (endpoint.Metadata.OfType<IAuthorizeData>().Any() || endpoint.Metadata.OfType<IAllowAnonymous>().Any())
            {
                return;
            }

            bool rebuild = endpoint.Metadata.OfType<IEndpointNameMetadata>().Any(n => n.EndpointName == RebuildEndpoint);
            endpoint.Metadata.Add(new AuthorizeAttribute(rebuild ? MaaSPolicies.Admin : MaaSPolicies.App));
        });
        return group;
    }
}
