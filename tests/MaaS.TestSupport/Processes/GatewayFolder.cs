namespace MaaS.TestSupport.Processes;

/// <summary>
/// A temp folder holding a gateway's data folder and an empty model repository, owned by one test and deleted on
/// dispose (dispose the gateways first). Every <see cref="StartAsync"/> starts a gateway process over the same two, so
/// a test can kill or stop one and start the next on the same store.
/// </summary>
public sealed class GatewayFolder : IDisposable
{
    private readonly TempFolder _root;

    /// <param name="prefix">Start of the folder's name, so a folder left behind says which test made it.</param>
    public GatewayFolder(string prefix)
    {
        _root = new TempFolder(prefix);
        Models = Directory.CreateDirectory(_root["models"]).FullName;
    }

    /// <summary>The gateway's data folder (<c>Storage:DataDirectory</c>; its SQLite file is <c>maas.db</c> there).</summary>
    public string Data => _root["data"];

    /// <summary>The model repository (<c>Serving:RepositoryPath</c>), empty unless the test writes models into it.</summary>
    public string Models { get; }

    /// <summary>
    /// <see cref="GatewayProcess.StartAsync(string, string, string, CancellationToken, IReadOnlyDictionary{string, string}?, TimeSpan?)"/>
    /// of the built gateway over this folder, or the calling test skipped when the gateway is not built.
    /// </summary>
    public Task<GatewayProcess> StartAsync(IReadOnlyDictionary<string, string>? settings = null, TimeSpan? startTimeout = null) =>
        GatewayProcess.StartAsync(GatewayProcess.RequireGatewayDll(), Data, Models, TestContext.Current.CancellationToken, settings, startTimeout);

    public void Dispose() => _root.Dispose();
}
