using System.Text.Encodings.Web;

namespace MaaS.Gateway.Contracts;

/// <summary>
/// Registers the source-generated JSON contexts of /v1 contracts with minimal APIs (camelCase web defaults). Other
/// features add their own context the same way: <c>options.SerializerOptions.TypeInfoResolverChain.Insert(0, XJsonContext.Default)</c>.
/// V2 endpoints pass <see cref="Models.OpenInference.V2JsonContext"/> explicitly (snake_case) and need no registration.
/// Numbers are read strictly, unlike the web defaults: <c>"count":"3"</c> is a 400 naming <c>$.count</c>, on every /v1
/// body alike (the contexts that read bodies with their own options say the same). Strings are written with
/// <see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/>, as <c>JsonAnswerBuffer</c> writes the typed answers: a
/// title with <c>&lt;b&gt;&amp;'</c> comes back as written, not as <c>\u003Cb\u003E\u0026\u0027</c>. The web defaults escape
/// HTML-sensitive characters for JSON embedded in a page; these answers are application/json (problem+json,
/// text/event-stream) served with <c>X-Content-Type-Options: nosniff</c>, and no page embeds them (the dashboard renders
/// its own Razor markup, which encodes what it shows).
/// </summary>
internal static class JsonContractsExtensions
{
    public static IServiceCollection AddGatewayJson(this IServiceCollection services) =>
        services.AddSingleton(typeof(HttpJsonContract<>)).ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            options.SerializerOptions.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, V1ModelsJsonContext.Default);
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, V1TextJsonContext.Default);
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, V1EmbeddingsJsonContext.Default);
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, V1TrainingJsonContext.Default);
        });
}
