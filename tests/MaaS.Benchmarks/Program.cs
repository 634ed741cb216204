using BenchmarkDotNet.Running;

if (args is ["serving", ..])
{
    return await MaaS.Benchmarks.Serving.ServingLoadTest.RunAsync(args[1..]);
}

if (args is ["admission", ..])
{
    return await MaaS.Benchmarks.Serving.AdmissionLoadTest.RunAsync(args[1..]);
}

if (args is ["shm-transfer", ..])
{
    return await MaaS.Benchmarks.Serving.SharedMemoryTransfer.RunAsync(args[1..]);
}

if (args is ["grpc-load", ..])
{
    return await MaaS.Benchmarks.Serving.GrpcLoadTest.RunAsync(args[1..]);
}

if (args is ["transformer-serving", ..])
{
    return await MaaS.Benchmarks.Transformer.TransformerLoadTest.RunAsync(args[1..]);
}

if (args is ["transformer-groups", ..])
{
    return await MaaS.Benchmarks.Transformer.GroupStrategies.RunAsync(args[1..]);
}

if (args is ["transformer-int8", ..])
{
    return await MaaS.Benchmarks.Transformer.QuantizationCheck.RunAsync(args[1..]);
}

if (args is ["transformer-query", ..])
{
    return await MaaS.Benchmarks.Transformer.QueryEncoderCost.RunAsync(args[1..]);
}

if (args is ["transformer-query-groups", ..])
{
    return await MaaS.Benchmarks.Transformer.QueryGroups.RunAsync(args[1..]);
}

if (args is ["search-encoder", ..])
{
    return await MaaS.Benchmarks.Transformer.SearchEncoderRepository.RunAsync(args[1..]);
}

if (args is ["variant", var hidden, var folder])
{
    // A model repository holding example-mlp rebuilt with other hidden widths ("16" or "768,768"), for the load scripts.
    MaaS.Models.Examples.ExampleMlp.WriteTo(folder, hiddenSizes: [.. hidden.Split(',').Select(w => int.Parse(w, System.Globalization.CultureInfo.InvariantCulture))]);
    return 0;
}

if (args is ["agent-load", ..])
{
    return await MaaS.Benchmarks.Storage.AgentLoadTest.RunAsync(args[1..]);
}

if (args is ["ensemble-repository", var target])
{
    // The tests' ensembles (standardise → classify, two branches) and their members, written to a folder for load/ensemble.sh.
    using var repository = MaaS.TestSupport.Models.EnsembleModels.WithEnsembles(new MaaS.TestSupport.Models.TestRepository());
    foreach (string directory in Directory.EnumerateDirectories(repository.Root, "*", SearchOption.AllDirectories))
    {
        Directory.CreateDirectory(Path.Combine(target, Path.GetRelativePath(repository.Root, directory)));
    }

    foreach (string file in Directory.EnumerateFiles(repository.Root, "*", SearchOption.AllDirectories))
    {
        File.Copy(file, Path.Combine(target, Path.GetRelativePath(repository.Root, file)), overwrite: true);
    }

    return 0;
}

if (args is ["privacy", ..])
{
    return await MaaS.Benchmarks.Storage.PrivacyCostTest.RunAsync(args[1..]);
}

if (args is ["privacy-http", ..])
{
    return await MaaS.Benchmarks.Storage.PrivacyHttpCostTest.RunAsync(args[1..]);
}

if (args is ["registry-start", ..])
{
    return await MaaS.Benchmarks.Serving.RegistryStart.RunAsync(args[1..]);
}

if (args is ["sentiment-inproc", ..])
{
    return MaaS.Benchmarks.Text.SentimentInProcess.Run(args[1..]);
}

if (args is ["search-scale", ..])
{
    return MaaS.Benchmarks.Search.SearchScaleTest.Run(args[1..]);
}

if (args is ["search-hybrid", ..])
{
    return MaaS.Benchmarks.Search.HybridCost.Run(args[1..]);
}

if (args is ["search-seed", ..])
{
    return await MaaS.Benchmarks.Search.SearchSeed.RunAsync(args[1..]);
}

if (args is ["large-build", ..])
{
    // One cold build of the 25M set outside BenchmarkDotNet (which runs a 1-minute operation several times).
    return MaaS.Benchmarks.Recommendations.LargeBuildBenchmarks.RunOnce();
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
