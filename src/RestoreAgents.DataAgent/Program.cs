using RestoreAgents.DataAgent;

await DataAgentHost.Build(args).RunAsync();
