using System.CommandLine;
using MaaS.Cli.Commands;

var root = new RootCommand("maas: operator tool for the MaaS gateway (train, evaluate, import, publish).");
root.Subcommands.Add(EvaluateCommand.Create());
root.Subcommands.Add(ImportCommand.Create());
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(KeysCommand.Create());
return root.Parse(args).Invoke();
