using System.Xml.Linq;

namespace MaaS.Gateway.FunctionalTests.Deployment;

/// <summary>
/// No Docker engine runs here, so the images are never built in CI; this keeps the restore layer of each Dockerfile
/// true to the project graph: a project the gateway references (directly or not) whose .csproj is not copied before
/// <c>dotnet restore</c> breaks the image build.
/// </summary>
public sealed class DockerfileTests
{
    [Theory]
    [InlineData("docker/Dockerfile")]
    [InlineData("docker/Dockerfile.cuda")]
    public void RestoreLayer_CopiesEveryProjectTheGatewayReferences(string dockerfile)
    {
        string root = SharedData.RepositoryRoot;
        var lines = File.ReadAllLines(Path.Combine(root, dockerfile));
        int restore = Array.FindIndex(lines, l => l.StartsWith("RUN dotnet restore", StringComparison.Ordinal));
        Assert.True(restore > 0, $"{dockerfile} has no 'RUN dotnet restore' line");
        var copied = lines[..restore]
            .Where(l => l.StartsWith("COPY ", StringComparison.Ordinal))
            .SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).SkipLast(1))
            .Where(p => p.EndsWith(".csproj", StringComparison.Ordinal))
            .ToHashSet(StringComparer.Ordinal);

        var needed = ProjectClosure(root, "src/MaaS.Gateway/MaaS.Gateway.csproj");

        Assert.Contains("src/MaaS.Core/MaaS.Core.csproj", needed);
        var missing = needed.Except(copied).Order(StringComparer.Ordinal).ToArray();
        Assert.True(missing.Length == 0, $"{dockerfile} restores before copying: {string.Join(", ", missing)}");
    }

    private static SortedSet<string> ProjectClosure(string root, string project)
    {
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var current))
        {
            if (!seen.Add(current))
            {
                continue;
            }

            string folder = Path.GetDirectoryName(current)!;
            foreach (var reference in XDocument.Load(Path.Combine(root, current)).Descendants("ProjectReference"))
            {
                string include = reference.Attribute("Include")!.Value.Replace('\\', '/');
                string full = Path.GetFullPath(Path.Combine(root, folder, include));
                pending.Push(Path.GetRelativePath(root, full).Replace('\\', '/'));
            }
        }

        return seen;
    }
}
