namespace MaaS.Gateway.FunctionalTests.Text;

/// <summary>Copies the repository's shipped text models (models/sentiment, models/content-tags) into a test repository.</summary>
internal static class ShippedTextModels
{
    public static TestRepository WithShippedTextModels(this TestRepository repository, params string[] names)
    {
        string models = Path.Combine(SharedData.RepositoryRoot, "models");
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
}
