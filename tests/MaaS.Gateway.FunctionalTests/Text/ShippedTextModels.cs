using MaaS.Models.Tests.Support;

namespace MaaS.Gateway.FunctionalTests.Text;

/// <summary>Copies the repository's shipped text models (models/sentiment, models/content-tags) into a test repository.</summary>
internal static class ShippedTextModels
{
    public static TestRepository WithShippedTextModels(this TestRepository repository, params string[] names)
    {
        string models = Path.Combine(RepositoryRoot(), "models");
        foreach (string name in names.Length == 0 ? ["sentiment", "content-tags"] : names)
        {
            Copy(Path.Combine(models, name), Path.Combine(repository.Root, name));
        }

        return repository;
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (string dir in Directory.GetDirectories(from))
        {
            Copy(dir, Path.Combine(to, Path.GetFileName(dir)));
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MaaS.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("MaaS.sln not found above " + AppContext.BaseDirectory);
    }
}
