namespace MaaS.Gateway.FunctionalTests.OpenApi;

/// <summary>
/// The document a real gateway serves (authentication on) passes <c>@redocly/cli lint</c> with the rules of
/// <c>.ci/redocly.yaml</c>, warnings included. The linter is installed by .ci/setup (<c>npm ci --prefix .ci</c>); without
/// it the test skips, except under CI (<c>MAAS_REQUIRE_REDOCLY=1</c>).
/// </summary>
public sealed class OpenApiLintTests
{
    [Fact]
    public async Task ServedDocument_RedoclyLint_NoErrorsOrWarnings()
    {
        string ci = Path.Combine(SharedData.RepositoryRoot, ".ci");
        string redocly = Path.Combine(ci, "node_modules", ".bin", "redocly");
        if (!File.Exists(redocly))
        {
            string reason = $"{redocly} is not installed: run 'npm ci --prefix .ci' (Node.js 20.19+ or 22.12+)";
            Assert.False(Environment.GetEnvironmentVariable("MAAS_REQUIRE_REDOCLY") == "1", reason + " (MAAS_REQUIRE_REDOCLY=1: .ci/setup should have installed it)");
            Assert.Skip(reason);
        }

        await using var gateway = SecureGateway.Start();
        string document = Path.Combine(Directory.CreateTempSubdirectory("maas-openapi-").FullName, "openapi.json");
        try
        {
            var response = await gateway.Client.GetAsync("/swagger/v1/swagger.json", TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await File.WriteAllBytesAsync(document, await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);

            var (exitCode, output) = await ChildProcess.RunAsync(
                redocly, ["lint", "--config", Path.Combine(ci, "redocly.yaml"), "--format", "stylish", document], TestContext.Current.CancellationToken);

            Assert.True(exitCode == 0, $"redocly lint exited {exitCode}:\n{output}");
            Assert.Contains("valid", output, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(document)!, recursive: true);
        }
    }
}
