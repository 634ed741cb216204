namespace MaaS.Gateway.FunctionalTests.Hosting;

/// <summary>The runtime settings the built gateway starts with (its <c>runtimeconfig.json</c>).</summary>
public sealed class RuntimeConfigTests
{
    /// <summary>
    /// Workstation GC, not the web SDK's server GC: measured cheaper per request on the 2-core box
    /// (docs/benchmarks.md, branch serving6); a project edit that drops the setting would silently bring server GC back.
    /// </summary>
    [Fact]
    public void BuiltGateway_GarbageCollector_Workstation()
    {
        Assert.SkipWhen(GatewayProcess.FindGatewayDll() is null, "the gateway is not built");
        string config = Path.ChangeExtension(GatewayProcess.FindGatewayDll()!, ".runtimeconfig.json");

        var properties = JsonNode.Parse(File.ReadAllText(config))!["runtimeOptions"]!["configProperties"]!;

        Assert.False(properties["System.GC.Server"]?.GetValue<bool>() ?? true, $"{config}: {properties.ToJsonString()}");
    }
}
