using RestoreAgents.Cli;

return await Restorectl.RunAsync(args, CliEnvironment.FromProcess(), handleProcessTermination: true);
