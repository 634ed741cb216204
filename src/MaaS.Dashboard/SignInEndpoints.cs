using Microsoft.AspNetCore.Antiforgery;

namespace MaaS.Dashboard;

/// <summary>
/// Sign-in with an API key: the form posts the key, the host checks it as the API would, refuses an app key with a
/// clear message, and keeps an admin key in the HttpOnly, SameSite=Strict cookie that the key handler reads under
/// /dashboard. With authentication off there is nothing to sign in to.
/// </summary>
internal static class SignInEndpoints
{
    internal static IResult SignInPage(HttpContext http, IDashboardHost host, IAntiforgery antiforgery)
    {
        if (!host.AuthEnabled || host.Viewer(http.User) is not null)
        {
            return TypedResults.Redirect(DashboardAuth.Path);
        }

        return Form(http, antiforgery, null, StatusCodes.Status200OK);
    }

    internal static async Task<IResult> SignInAsync(HttpContext http, IDashboardHost host, IAntiforgery antiforgery)
    {
        if (!host.AuthEnabled)
        {
            return TypedResults.Redirect(DashboardAuth.Path);
        }

        if (!await DashboardGate.IsValidFormAsync(http, antiforgery))
        {
            return Form(http, antiforgery, "The form expired; enter the key again.", StatusCodes.Status400BadRequest);
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        string key = form["key"].ToString().Trim();
        if (key.Length is 0 or > 512)
        {
            return Form(http, antiforgery, "Enter an API key.", StatusCodes.Status400BadRequest);
        }

        var check = await host.CheckKeyAsync(key, http.RequestAborted);
        if (check != KeyCheck.Admin)
        {
            return check switch
            {
                KeyCheck.AppKey => Form(http, antiforgery, DashboardGate.AppKeyRefused, StatusCodes.Status403Forbidden),
                KeyCheck.Revoked => Form(http, antiforgery, "This API key was revoked.", StatusCodes.Status401Unauthorized),
                KeyCheck.StoreUnavailable => Form(http, antiforgery, "The key store is unavailable; try again in a moment.", StatusCodes.Status503ServiceUnavailable),
                _ => Form(http, antiforgery, "This API key is not valid.", StatusCodes.Status401Unauthorized),
            };
        }

        http.Response.Cookies.Append(DashboardAuth.CookieName, key, DashboardAuth.Cookie(http));
        return TypedResults.Redirect(DashboardAuth.Path);
    }

    internal static async Task<IResult> SignOutAsync(HttpContext http, IAntiforgery antiforgery)
    {
        if (await DashboardGate.IsValidFormAsync(http, antiforgery))
        {
            http.Response.Cookies.Delete(DashboardAuth.CookieName, DashboardAuth.Cookie(http));
        }

        return TypedResults.Redirect(DashboardAuth.Path + "/signin");
    }

    private static IResult Form(HttpContext http, IAntiforgery antiforgery, string? message, int status)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        return DashboardGate.Page<SignInPage>(http, new SignInModel(new FormToken(tokens.FormFieldName, tokens.RequestToken!), message), status);
    }
}

/// <summary>The sign-in form, with what went wrong last time.</summary>
public sealed record SignInModel(FormToken Token, string? Message);
