using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Components;

namespace MaaS.Dashboard;

/// <summary>A signed-in dashboard request: who looks, and the antiforgery field its forms carry.</summary>
public sealed record DashboardRequest(DashboardViewer Viewer, FormToken Token);

/// <summary>
/// The door of every dashboard page, an endpoint filter over the signed-in group: no key → the sign-in page; a key
/// without the admin role → 403 saying so; an admin key → the page, which reads who looks through
/// <see cref="DashboardPage.Of"/>. Actions (POST) also need a valid antiforgery token. Pages render with
/// <c>no-store</c>: they hold a tenant's data.
/// </summary>
internal sealed class DashboardGate(IDashboardHost host, IAntiforgery antiforgery, TrafficRing ring, TenantStates states) : IEndpointFilter
{
    public const string AppKeyRefused =
        "This is an app key. The dashboard needs an admin key: an admin of a tenant sees that tenant, an admin of the operator tenant sees every tenant. App keys call the API only.";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (host.Viewer(http.User) is not { } viewer)
        {
            return http.User.Identity?.IsAuthenticated == true
                ? Message(http, StatusCodes.Status403Forbidden, "Admin key needed", AppKeyRefused, null)
                : TypedResults.Redirect(DashboardAuth.Path + "/signin");
        }

        var tokens = antiforgery.GetAndStoreTokens(http);
        var request = new DashboardRequest(viewer, new FormToken(tokens.FormFieldName, tokens.RequestToken!));
        if (HttpMethods.IsPost(http.Request.Method) && !await IsValidFormAsync(http, antiforgery))
        {
            return Message(http, StatusCodes.Status400BadRequest, "Form expired", "The form was stale or not sent from this dashboard. Go back, reload the page and try again.", request);
        }

        http.Features.Set(new DashboardPage(http, request, host, ring, states));
        return await next(context);
    }

    /// <summary>
    /// Whether the request is a form carrying this dashboard's antiforgery token. A form that cannot be read (a
    /// multipart body without its boundary, cut short) is a bad form, not a server error: the token store throws for it.
    /// </summary>
    public static async Task<bool> IsValidFormAsync(HttpContext http, IAntiforgery antiforgery)
    {
        try
        {
            return http.Request.HasFormContentType && await antiforgery.IsRequestValidAsync(http);
        }
        catch (AntiforgeryValidationException)
        {
            return false;
        }
    }

    public static IResult Page<TComponent>(HttpContext http, object model, int status = StatusCodes.Status200OK)
        where TComponent : IComponent
    {
        http.Response.Headers.CacheControl = "no-store";
        return new RazorComponentResult<TComponent>(new Dictionary<string, object?> { ["Model"] = model }) { StatusCode = status };
    }

    public static IResult Message(HttpContext http, int status, string title, string text, DashboardRequest? request) =>
        Page<MessagePage>(http, new MessageModel(request, title, text, status >= 400), status);
}

/// <summary>A page that only says something (refusals, results of actions).</summary>
public sealed record MessageModel(DashboardRequest? Request, string Title, string Text, bool IsError);
