using Microsoft.AspNetCore.Authorization.Infrastructure;

namespace MaaS.Http.OpenApi;

/// <summary>
/// What an endpoint's authorization asks of a caller, read from its metadata as the authorization middleware reads it:
/// <c>AllowAnonymous</c> wins, otherwise the named policies, roles and policy objects combine, and an endpoint with
/// none falls to the fallback policy. A policy that does not demand an authenticated caller (anonymous metrics) needs
/// no key, so it can answer neither 401 nor 403.
/// </summary>
/// <param name="RequiresKey">The policy demands an authenticated caller: a key, else 401.</param>
/// <param name="MayForbid">It demands more than a valid key (a role, ownership): 403 for a key that lacks it.</param>
internal readonly record struct EndpointAccess(bool RequiresKey, bool MayForbid)
{
    public static EndpointAccess Of(IList<object> items, AuthorizationOptions options)
    {
        if (items.OfType<IAllowAnonymous>().Any())
        {
            return default;
        }

        var requirements = new List<IAuthorizationRequirement>();
        var data = items.OfType<IAuthorizeData>().ToList();
        var policies = items.OfType<AuthorizationPolicy>().ToList();
        var requirementData = items.OfType<IAuthorizationRequirementData>().ToList();
        foreach (var authorize in data)
        {
            if (authorize.Policy is { Length: > 0 } name)
            {
                // A policy this options object does not know would fail at request time; document it as the strictest.
                requirements.AddRange(options.GetPolicy(name)?.Requirements ?? [new DenyAnonymousAuthorizationRequirement(), new RolesAuthorizationRequirement([name])]);
            }
            else if (string.IsNullOrEmpty(authorize.Roles))
            {
                requirements.AddRange(options.DefaultPolicy.Requirements);
            }

            if (!string.IsNullOrEmpty(authorize.Roles))
            {
                requirements.Add(new DenyAnonymousAuthorizationRequirement());
                requirements.Add(new RolesAuthorizationRequirement(authorize.Roles.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)));
            }
        }

        requirements.AddRange(policies.SelectMany(p => p.Requirements));
        requirements.AddRange(requirementData.SelectMany(d => d.GetRequirements()));
        if (data.Count == 0 && policies.Count == 0 && requirementData.Count == 0)
        {
            requirements.AddRange(options.FallbackPolicy?.Requirements ?? []);
        }

        bool key = requirements.OfType<DenyAnonymousAuthorizationRequirement>().Any();
        return new EndpointAccess(key, key && requirements.Any(r => r is not DenyAnonymousAuthorizationRequirement));
    }
}
