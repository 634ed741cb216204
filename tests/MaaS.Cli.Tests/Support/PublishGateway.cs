using MaaS.TestSupport.Hosting;

namespace MaaS.Cli.Tests.Support;

/// <summary>
/// A real gateway on 127.0.0.1 with authentication on (the bundled example-mlp in its repository), whose SQLite file
/// lives where <c>maas keys create --sqlite</c> can reach it, shared by the publish tests of one class. Tests publish
/// under their own model names.
/// </summary>
public sealed class PublishGateway : IAsyncLifetime
{
    private readonly TempFolder _temp = new();

    public SecureGateway Gateway { get; private set; } = null!;

    /// <summary>The gateway's key and listing store.</summary>
    public string Database => _temp["maas.db"];

    public string Url => Gateway.Host.Address.ToString();

    public ValueTask InitializeAsync()
    {
        Gateway = SecureGateway.Start(settings: new Dictionary<string, string?> { ["Storage:Sqlite:Path"] = Database });
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        _temp.Dispose();
    }
}
