using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Components;
using MaaS.Gateway.Dashboard.Components;

namespace MaaS.Gateway.Dashboard;

/// <summary>A signed-in dashboard request: who looks, and the antiforgery field its forms carry.</summary>
public sealed record DashboardRequest(DashboardViewer Viewer, FormToken Token);

/// <summary>
/// The door of every dashboard page: no key → the sign-in page; a key without the admin role → 403 saying so; an
/// admin key → the page. Actions (POST) also need a valid antiforgery token. Pages render with <c>no-store</c>:
/// they hold a tenant's data.
/// </summary>
internal static class DashboardGate
{
    /// <summary>
    /// The gate as an endpoint filter over every signed-in page: a refusal answers instead of the page; otherwise the
    /// page reads who looks through <see cref="Request"/>. Form posts need a valid antiforgery token as well.
    /// </summary>
    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var auth = http.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value;
        var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
        var (refusal, request) = HttpMethods.IsPost(http.Request.Method)
            ? await PostAsync(http, auth, antiforgery)
            : (Enter(http, auth, antiforgery, out var entered), entered);
        if (refusal is not null)
        {
            return refusal;
        }

        http.Features.Set(request);
        return await next(context);
    }

    /// <summary>The signed-in request the gate let through (only inside a page behind <see cref="FilterAsync"/>).</summary>
    public static DashboardRequest Request(HttpContext http) =>
        http.Features.Get<DashboardRequest>() ?? throw new InvalidOperationException("A dashboard page was mapped outside the gate's group.");

    private static IResult? Enter(HttpContext http, AuthOptions auth, IAntiforgery antiforgery, out DashboardRequest request)
    {
        request = null!;
        if (DashboardAuth.Viewer(http, auth) is not { } viewer)
        {
            return http.User.Identity?.IsAuthenticated == true
                ? Message(http, StatusCodes.Status403Forbidden, "Admin key needed", AppKeyRefused, null)
                : TypedResults.Redirect(DashboardAuth.Path + "/signin");
        }

        var tokens = antiforgery.GetAndStoreTokens(http);
        request = new DashboardRequest(viewer, new FormToken(tokens.FormFieldName, tokens.RequestToken!));
        return null;
    }

    /// <summary>As <see cref="Enter"/>, for a form post: the antiforgery token must be valid too.</summary>
    private static async Task<(IResult? Refusal, DashboardRequest Request)> PostAsync(HttpContext http, AuthOptions auth, IAntiforgery antiforgery)
    {
        if (Enter(http, auth, antiforgery, out var request) is { } refusal)
        {
            return (refusal, request);
        }

        if (!await IsValidFormAsync(http, antiforgery))
        {
            return (Message(http, StatusCodes.Status400BadRequest, "Form expired", "The form was stale or not sent from this dashboard. Go back, reload the page and try again.", request), request);
        }

        return (null, request);
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

    public const string AppKeyRefused =
        "This is an app key. The dashboard needs an admin key: an admin of a tenant sees that tenant, an admin of the operator tenant sees every tenant. App keys call the API only.";

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
