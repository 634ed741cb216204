using MaaS.Models.Tracing;

namespace MaaS.Gateway.Endpoints.V2;

/// <summary>
/// Triton's trace extension (<c>/v2/trace/setting</c>, <c>/v2/models/{name}/trace/setting</c>): this process's trace
/// settings, global and per model, read and changed while it runs (<see cref="InferenceTracing"/>); they decide what
/// the whole server writes into the configured trace file, so only the operator tenant's admins may.
/// </summary>
internal static class TraceEndpoints
{
    private const string Settings =
        "trace_level (a list: OFF, TIMESTAMPS, TENSORS), trace_rate (one request in N), trace_count (traces left, \"-1\" no limit), " +
        "log_frequency (traces per numbered file, \"0\" one file), trace_file and trace_mode (configuration: read only); every value a string, as Triton writes them.";

    public static RouteGroupBuilder MapTraceV2(this RouteGroupBuilder v2)
    {
        var global = v2.MapGroup("/trace/setting").RequireAuthorization(MaaSPolicies.Operator);
        global.MapGet(string.Empty, (InferenceTracing tracing) => Answer(tracing.Global))
            .WithName("V2TraceSettingGet")
            .WithSummary("The global trace settings: " + Settings);
        global.MapPost(string.Empty, (Body<TraceSettingsHttpBody> body, InferenceTracing tracing) => Update<RequestErrors>(null, body, tracing))
            .WithName("V2TraceSettingUpdate")
            .WithRequestExample("""{"trace_rate":"100","trace_count":"-1"}""")
            .WithSummary("Changes the global settings given (null: back to the configured value) and answers them all; a bad value changes none.");

        var model = v2.MapGroup("/models/{name}/trace/setting").RequireAuthorization(MaaSPolicies.Operator);
        model.MapGet(string.Empty, GetModel)
            .WithName("V2ModelTraceSettingGet")
            .WithSummary("A model's trace settings: its own where it set them, the global ones for the rest.");
        model.MapPost(string.Empty, (string name, Body<TraceSettingsHttpBody> body, IModelRegistry registry, InferenceTracing tracing) =>
                registry.GetModel(name) is null ? new V2Error<ModelSettingErrors>(V2Mapping.UnknownModel(name)) : Update<ModelSettingErrors>(name, body, tracing))
            .WithName("V2ModelTraceSettingUpdate")
            .WithRequestExample("""{"trace_rate":"1","log_frequency":"100"}""")
            .WithSummary("Changes a model's settings given (null: back to the global value) and answers them all; a bad value changes none.");
        return v2;
    }

    private static Results<V2Json<V2TraceSettings>, V2Error<ModelLookupErrors>> GetModel(string name, IModelRegistry registry, InferenceTracing tracing) =>
        registry.GetModel(name) is null ? new V2Error<ModelLookupErrors>(V2Mapping.UnknownModel(name)) : Answer(tracing.For(name));

    private static Results<V2Json<V2TraceSettings>, V2Error<TErrors>> Update<TErrors>(string? model, Body<TraceSettingsHttpBody> body, InferenceTracing tracing)
        where TErrors : IErrorSet =>
        body.Result.TryGetValue(out var read, out var error) && tracing.Update(model, read.Changes).TryGetValue(out var updated, out error)
            ? Answer(updated)
            : new V2Error<TErrors>(error);

    private static V2Json<V2TraceSettings> Answer(TraceSettings settings) => V2Json.Ok(settings.ToAnswer(), V2JsonContext.Web.V2TraceSettings);
}
