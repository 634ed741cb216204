using System.Net.Http.Headers;

namespace MaaS.TestSupport.Hosting;

/// <summary>
/// The gateway as a newcomer first meets it: authentication on (<see cref="SecureGateway.BootstrapKey"/> is the operator
/// tenant's admin and app key), the demo data seeded, the first similarity index built, and the bundled models of this
/// checkout (<c>models/</c>) copied into its temp repository, so what a test publishes lands there and never in the
/// working tree.
/// </summary>
public static class DemoGateway
{
    public static async Task<SecureGateway> StartAsync(CancellationToken cancellationToken)
    {
        var gateway = SecureGateway.Start(
            repository => CopyDirectory(Path.Combine(SharedData.RepositoryRoot, "models"), repository.Root),
            new Dictionary<string, string?>
            {
                ["Storage:SeedDemoDataWhenEmpty"] = "true",
                ["Recommendations:BuildOnStart"] = "true",
            });
        try
        {
            await WaitForIndexAsync(gateway, cancellationToken);
            return gateway;
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }
    }

    // The first build runs in the background after start; more-like-this answers 503 until it is done.
    private static async Task WaitForIndexAsync(SecureGateway gateway, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        int last = 0;
        while (DateTime.UtcNow < deadline)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/items/movie-001/similar?strategy=cf");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", SecureGateway.BootstrapKey);
            using var response = await gateway.Client.SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            last = (int)response.StatusCode;
            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException($"the demo gateway built no similarity index within 60 s (last answer {last})");
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
